#!/usr/bin/env python3
"""Benchmarks djangorestframework-simplejwt-rs against upstream 5.5.1, side by side.

    python bench/run.py            # --quick (default)
    python bench/run.py --full     # more rounds, longer batches and wrk runs
    python bench/run.py --skip-e2e --skip-probes   # micro-benchmarks only
    python bench/run.py --update   # also replace bench/results.* and the README's
                                   # Performance section (make bench UPDATE=1)

Without --update the results go to bench/.out/ (git-ignored): a run never
rewrites tracked files unless asked.

``make bench`` runs it with the project's virtualenv (which has maturin).
Steps: build our release wheel; create or reuse bench/.env/{upstream,ours,
tools}; build the Rust floor (benches/floor.rs); then, per algorithm, drive
the micro-benchmark worker of each venv and the floor in alternating rounds;
the GIL, memory and import probes; the end-to-end runs; and finally write
results.json, results.md and results.png into bench/.out/ (bench/ with
--update).

Only ratios measured within one run mean anything: the machine is shared
and noisy, so absolute times move from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import e2e
import envs
import report
from envs import REPO, clean_env, log

BENCH = REPO / "bench"
ALGORITHMS = report.ALGORITHMS
# Ids: the floor (benches/floor.rs) measures OPERATIONS; baselines have none.
OPERATIONS = tuple(name for name, _ in report.OPERATIONS)
BASELINES = tuple(name for name, _ in report.BASELINES)
MEASURED = ("upstream", "ours")

MODES = {
    "quick": {
        "rounds": 7,
        "batch_s": 0.02,
        "batches": 5,
        "floor_batch_ms": 20,
        "floor_batches": 5,
        "gil_seconds": 1.5,
        "gil_repeats": 3,
        "memory": {"ours": 1_000_000, "upstream": 100_000},
        "memory_rs256": 100_000,
        "imports": 15,
        "keys_batches": 31,
        "e2e_seconds": 5,
        "e2e_rounds": 4,
    },
    "full": {
        "rounds": 11,
        "batch_s": 0.05,
        "batches": 7,
        "floor_batch_ms": 50,
        "floor_batches": 7,
        "gil_seconds": 3.0,
        "gil_repeats": 5,
        "memory": {"ours": 1_000_000, "upstream": 1_000_000},
        "memory_rs256": 1_000_000,
        "imports": 41,
        "keys_batches": 61,
        "e2e_seconds": 10,
        "e2e_rounds": 6,
    },
}


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ")[0]
    except OSError:
        return "?"


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, cwd=REPO
            ).stdout.rstrip()
        except OSError:
            return ""

    dirty = out(["git", "status", "--porcelain", "--", "src", "python", "Cargo.toml"])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "rustc": out(["rustc", "--version"]).strip(),
        "commit": out(["git", "rev-parse", "--short=12", "HEAD"]).strip(),
        "engine_tree_dirty": bool(dirty),
        "engine_tree_changes": dirty.splitlines(),
    }


class Worker:
    """micro.py in one venv for one algorithm, measuring on request."""

    def __init__(self, venv: str, python: Path, algorithm: str) -> None:
        self.venv = venv
        self.process = subprocess.Popen(
            [
                str(python),
                "-E",
                "-s",
                str(BENCH / "micro.py"),
                "--algorithm",
                algorithm,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=envs.ENV_DIR,
            env=clean_env(),
        )
        self.info = self._read()["info"]

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.venv} micro-benchmark worker died")
        return json.loads(line)

    def measure(self, operation: str, batch_s: float, batches: int) -> float:
        command = {
            "cmd": "measure",
            "operation": operation,
            "batch_s": batch_s,
            "batches": batches,
        }
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()["seconds"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.process.stdin.close()
            self.process.wait(timeout=30)


class Floor:
    """benches/floor.rs in --serve mode."""

    def __init__(self, binary: Path) -> None:
        self.process = subprocess.Popen(
            [str(binary), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the floor benchmark did not start")

    def measure(
        self, algorithm: str, operation: str, batch_s: float, batches: int
    ) -> float:
        batch_ms = max(1, round(batch_s * 1000))
        self.process.stdin.write(f"{algorithm} {operation} {batch_ms} {batches}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the floor benchmark died")
        return float(line) * 1e-9

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def build_floor() -> Path:
    """Compiles benches/floor.rs (cargo bench, release profile); its path."""
    log("$ cargo bench --bench floor --no-run")
    proc = subprocess.run(
        ["cargo", "bench", "--bench", "floor", "--no-run", "--message-format=json"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"cargo bench --bench floor failed:\n{proc.stderr}{proc.stdout}"
        )
    for line in proc.stdout.splitlines():
        message = json.loads(line)
        if (
            message.get("reason") == "compiler-artifact"
            and message["target"]["name"] == "floor"
            and message.get("executable")
        ):
            return Path(message["executable"])
    raise SystemExit("cargo did not report the floor executable")


def micro(
    pythons: dict[str, Path], floor_binary: Path, mode: dict
) -> tuple[dict, dict]:
    """Per algorithm, round and operation: upstream, ours and the floor, one
    right after the other (who goes first alternates by round).
    Returns ({algorithm: {operation: {side: [seconds per round]}}}, infos)."""
    rounds: dict = {}
    infos: dict = {}
    batch_s, batches = mode["batch_s"], mode["batches"]
    floor = Floor(floor_binary)
    try:
        for algorithm in ALGORITHMS:
            workers = {
                venv: Worker(venv, pythons[venv], algorithm) for venv in MEASURED
            }
            for venv, worker in workers.items():
                infos[venv] = worker.info
            per_op: dict[str, dict[str, list[float]]] = {
                operation: {"upstream": [], "ours": [], "floor": []}
                for operation in OPERATIONS + BASELINES
            }
            try:
                for round_no in range(mode["rounds"]):
                    order = MEASURED if round_no % 2 == 0 else MEASURED[::-1]
                    for operation, sides in per_op.items():
                        for venv in order:
                            sides[venv].append(
                                workers[venv].measure(operation, batch_s, batches)
                            )
                        if operation in OPERATIONS:
                            sides["floor"].append(
                                floor.measure(algorithm, operation, batch_s, batches)
                            )
                    access = per_op["access_token"]
                    log(
                        f"  micro {algorithm:5} round {round_no + 1}/{mode['rounds']}: "
                        f"AccessToken(raw) upstream {access['upstream'][-1] * 1e6:.1f} us, "
                        f"ours {access['ours'][-1] * 1e6:.2f} us, "
                        f"floor {access['floor'][-1] * 1e6:.2f} us  (load {loadavg()})"
                    )
            finally:
                for worker in workers.values():
                    worker.close()
            for name in BASELINES:
                del per_op[name]["floor"]
            rounds[algorithm] = per_op
    finally:
        floor.close()
    return rounds, infos


def probe(python: Path, *args: str) -> dict:
    proc = subprocess.run(
        [str(python), "-E", "-s", str(BENCH / "probes.py"), *args],
        capture_output=True,
        text=True,
        cwd=envs.ENV_DIR,
        env=clean_env(),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"probes.py {' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def probes(pythons: dict[str, Path], mode: dict) -> dict:
    result: dict = {"gil": {}, "memory": {}, "imports": {}}
    for venv in MEASURED:
        log(f"  GIL probe ({venv})")
        result["gil"][venv] = probe(
            pythons[venv],
            "gil",
            "--seconds",
            str(mode["gil_seconds"]),
            "--repeats",
            str(mode["gil_repeats"]),
        )
    for venv in MEASURED:
        runs = [("HS256", mode["memory"][venv]), ("RS256", mode["memory_rs256"])]
        for algorithm, iterations in runs:
            log(f"  memory probe ({venv}, {algorithm}, {iterations:,} validations)")
            result["memory"].setdefault(venv, {})[algorithm] = probe(
                pythons[venv],
                "memory",
                "--iterations",
                str(iterations),
                "--algorithm",
                algorithm,
            )
    samples: dict[str, list[float]] = {venv: [] for venv in MEASURED}
    log(f"  import probe ({mode['imports']} fresh interpreters each, alternating)")
    for _ in range(mode["imports"]):
        for venv in MEASURED:
            samples[venv].append(probe(pythons[venv], "import")["seconds"])
    for venv in MEASURED:
        result["imports"][venv] = {
            "median_s": statistics.median(samples[venv]),
            "samples": samples[venv],
        }
    log("  key rotation probe (ours: kid lookup, fallbacks)")
    result["keys"] = probe(
        pythons["ours"], "keys", "--batches", str(mode.get("keys_batches", 31))
    )
    return result


# Issue 14: bench/async_auth.py's rounds per mode.
ASYNC_MODES = {
    "quick": {"seconds": 1.0, "rounds": 5, "concurrency": 32},
    "full": {"seconds": 2.0, "rounds": 9, "concurrency": 32},
}


def async_auth(pythons: dict[str, Path], mode_name: str) -> dict:
    """aauthenticate vs sync_to_async(authenticate) in an async view, per
    venv (upstream has only the latter)."""
    settings = ASYNC_MODES[mode_name]
    result = {}
    for venv in ("ours", "upstream"):
        log(f"  async authentication ({venv})")
        proc = subprocess.run(
            [
                str(pythons[venv]),
                "-E",
                "-s",
                str(BENCH / "async_auth.py"),
                *(f"--{key}={value}" for key, value in settings.items()),
            ],
            capture_output=True,
            text=True,
            cwd=envs.ENV_DIR,
            env=clean_env(),
        )
        if proc.returncode != 0:
            raise RuntimeError(f"async_auth.py ({venv}) failed:\n{proc.stderr}")
        result[venv] = json.loads(proc.stdout)
    return result


def summarize_micro(rounds: dict) -> dict:
    """Per operation: the median across rounds of each side's time, and the
    median of the rounds' upstream/ours ratios (measured back to back)."""
    summary: dict = {}
    for algorithm, per_op in rounds.items():
        for operation, sides in per_op.items():
            row = {side: statistics.median(values) for side, values in sides.items()}
            row["ratio"] = statistics.median(
                u / o for u, o in zip(sides["upstream"], sides["ours"], strict=True)
            )
            summary.setdefault(algorithm, {})[operation] = row
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    speed = parser.add_mutually_exclusive_group()
    speed.add_argument("--quick", action="store_true", help="the default")
    speed.add_argument("--full", action="store_true")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--skip-probes", action="store_true")
    parser.add_argument("--skip-async", action="store_true")
    parser.add_argument(
        "--update",
        action="store_true",
        help="write the results to bench/ and the README (tracked files)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where results.{json,md,png} go (default: bench/.out, or bench/ "
        "with --update)",
    )
    args = parser.parse_args()
    if args.output is None:
        args.output = BENCH if args.update else BENCH / ".out"
    mode_name = "full" if args.full else "quick"
    mode = MODES[mode_name]
    began = time.monotonic()
    started = datetime.now(timezone.utc)

    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = now - since
        return now

    log(f"== setup ({mode_name})")
    log(envs.describe_installs(with_e2e=not args.skip_e2e))
    pythons = envs.prepare()
    floor = build_floor()
    versions = {venv: envs.freeze(venv) for venv in MEASURED}
    mark = lap("setup", began)

    log("== micro-benchmarks (upstream, ours and the floor, alternating)")
    load_before = loadavg()
    rounds, infos = micro(pythons, floor, mode)
    for venv, engine in (("upstream", "pyjwt"), ("ours", "rust")):
        if infos[venv]["engine"] != engine or "bench/.env" not in infos[venv]["module"]:
            raise SystemExit(
                f"the {venv} venv imports the wrong package: {infos[venv]}"
            )
    load_after = loadavg()
    mark = lap("micro", mark)

    probe_results = None
    if not args.skip_probes:
        log("== GIL, memory and import probes")
        probe_results = probes(pythons, mode)
        mark = lap("probes", mark)

    async_results = None
    if not args.skip_async:
        log("== async authentication (aauthenticate vs sync_to_async)")
        async_results = async_auth(pythons, mode_name)
        mark = lap("async", mark)

    e2e_results = None
    if not args.skip_e2e:
        log("== end to end (gunicorn + wrk)")
        e2e_results = e2e.run(pythons, mode["e2e_seconds"], mode["e2e_rounds"])
        mark = lap("e2e", mark)

    results = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "mode": mode_name,
        "settings": mode,
        "machine": machine(),
        "load_average": {"before": load_before, "after": load_after},
        "packages": infos,
        "versions": versions,
        "micro_rounds": rounds,
        "micro": summarize_micro(rounds),
        "probes": probe_results,
        "e2e": e2e_results,
        "async_auth": async_results,
    }
    args.output.mkdir(parents=True, exist_ok=True)
    json_path = args.output / "results.json"
    json_path.write_text(json.dumps(results, indent=1))
    log("== chart")
    chart = subprocess.run(
        [
            str(pythons["tools"]),
            "-E",
            "-s",
            str(BENCH / "chart.py"),
            str(json_path),
            str(args.output / "results.png"),
        ],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    if chart.returncode != 0:
        log(f"chart failed:\n{chart.stderr}")
    lap("chart", mark)
    results["timings"] = timings
    results["elapsed_s"] = time.monotonic() - began
    json_path.write_text(json.dumps(results, indent=1))
    markdown = report.markdown(results)
    (args.output / "results.md").write_text(markdown)
    (args.output / "README-snippet.md").write_text(report.snippet(results))
    # The README's Performance section shows a run written to bench/, and
    # only when asked for: the README and bench/results.* are tracked.
    if args.update and report.update_readme(report.snippet(results)):
        log(f"updated the Performance section of {report.README}")
    print(markdown)
    log(
        f"wrote {args.output / 'results.md'}; the run took "
        f"{results['elapsed_s'] / 60:.1f} min"
    )
    if not args.update:
        log("README.md and bench/results.* untouched (make bench UPDATE=1 writes them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
