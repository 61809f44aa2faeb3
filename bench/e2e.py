"""End to end: example/ under gunicorn, loaded by wrk, upstream vs ours.

Both servers run at once (each on its own loopback port, 2 sync workers,
DEBUG off, their own SQLite file) and are loaded one at a time, alternating,
so the machine's drift hits both alike. Each measured run is
``wrk -t1 -c2 -d<seconds>s --latency``: one wrk thread, two connections, one
per gunicorn worker (a sync worker serves one connection at a time, so more
connections would only queue). Endpoints:

* ``GET /api/me/stateless/``: JWTStatelessUserAuthentication (no query);
* ``GET /api/me/``: JWTAuthentication (the user row from SQLite);
* ``POST /api/token/refresh/``: TokenRefreshView with EXAMPLE_ROTATE=0, so
  the same refresh token stays valid for the whole run (with rotation on, it
  would be blacklisted after its first use and every later request would be
  a 401). The blacklist app stays installed, so each refresh still looks the
  token up in the blacklist, as in the example project.

Tokens are fetched from each server's own /api/token/ before every round, so
they never expire mid-run. Standard library only (runs in the dev venv).

Access-token revocation (ours, opt-in): two more servers from our venv load
the two GET endpoints in the same rounds, one with ACCESS_TOKEN_REVOCATION on
the database alone, one with Redis in front (BLACKLIST_CACHE; a throwaway
redis-server on loopback, skipped if the binary is missing). Their rows
stand next to upstream's and ours' without revocation.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from envs import ENV_DIR, REPO, clean_env, log

EXAMPLE = REPO / "example"
WORK = ENV_DIR / "e2e"
USERNAME, PASSWORD = "demo", "demo-password"

ENDPOINTS = (
    ("stateless", "GET /api/me/stateless/ (stateless auth)"),
    ("db", "GET /api/me/ (DB-backed auth)"),
    ("refresh", "POST /api/token/refresh/ (rotation off)"),
)

WRK_THREADS, WRK_CONNECTIONS = 1, 2

# Ours with access-token revocation: (server name, label, environment).
REVOCATION_SERVERS = (
    ("ours-revocation-db", "ours + ACCESS_TOKEN_REVOCATION, database only"),
    ("ours-revocation-redis", "ours + ACCESS_TOKEN_REVOCATION, Redis cache"),
)
REVOCATION_ENDPOINTS = ("stateless", "db")


def ensure_wrk() -> str | None:
    """wrk's path, installing the Debian package if we can; None if not."""
    found = shutil.which("wrk")
    if found:
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return None
    log("installing wrk with apt-get")
    # The package lists may be missing or stale: update once if needed.
    for cmd in (
        ["apt-get", "install", "-y", "-qq", "wrk"],
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "wrk"],
    ):
        subprocess.run(cmd, capture_output=True, text=True)
        if shutil.which("wrk"):
            return shutil.which("wrk")
    return None


def wrk_version(wrk: str) -> str:
    proc = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    return (proc.stdout + proc.stderr).strip().splitlines()[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _django_env(db: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        DJANGO_SETTINGS_MODULE="project.settings",
        EXAMPLE_DEBUG="0",
        EXAMPLE_DB=str(db),
        EXAMPLE_ROTATE="0",
        **extra,
    )


class Redis:
    """A throwaway redis-server on loopback (no persistence)."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        WORK.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(WORK),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


class Server:
    """The example project under gunicorn from one bench venv."""

    def __init__(self, name: str, python: Path, **env: str) -> None:
        self.name = name
        self.python = python
        self.env = env
        self.db = WORK / f"{name}.sqlite3"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = WORK / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    def prepare(self) -> None:
        if self.db.exists():
            self.db.unlink()
        for args in (["migrate", "--noinput"], ["ensure_demo_user"]):
            proc = subprocess.run(
                [str(self.python), "manage.py", *args],
                cwd=EXAMPLE,
                env=_django_env(self.db, **self.env),
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                raise RuntimeError(
                    f"{self.name}: manage.py {args[0]} failed\n{proc.stdout}{proc.stderr}"
                )

    def start(self) -> None:
        gunicorn = self.python.parent / "gunicorn"
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--error-logfile",
                str(self.log),
                "project.wsgi:application",
            ],
            cwd=EXAMPLE,
            env=_django_env(self.db, **self.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name}: gunicorn exited\n{self.log.read_text()}"
                )
            try:
                self.request("GET", "/api/me/")
            except urllib.error.HTTPError as error:
                if error.code == 401:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(
        self, method: str, path: str, body: dict | None = None, token: str | None = None
    ) -> dict:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, headers=headers, method=method
        )
        with urllib.request.urlopen(req, timeout=10) as response:
            return json.loads(response.read())

    def tokens(self) -> tuple[str, str]:
        """A fresh (access, refresh) pair, checked on every endpoint."""
        pair = self.request(
            "POST", "/api/token/", {"username": USERNAME, "password": PASSWORD}
        )
        access, refresh = pair["access"], pair["refresh"]
        me = self.request("GET", "/api/me/", token=access)
        assert me["username"] == USERNAME, me
        self.request("GET", "/api/me/stateless/", token=access)
        renewed = self.request("POST", "/api/token/refresh/", {"refresh": refresh})
        if "refresh" in renewed:
            raise RuntimeError(
                f"{self.name}: the refresh endpoint rotates tokens; "
                "example/project/settings.py must honour EXAMPLE_ROTATE=0"
            )
        return access, refresh


def _wrk_args(server: Server, endpoint: str, access: str, refresh: str) -> list[str]:
    if endpoint == "refresh":
        script = WORK / f"refresh-{server.name}.lua"
        body = json.dumps({"refresh": refresh})
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = '{body}'\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        return ["-s", str(script), server.url + "/api/token/refresh/"]
    path = "/api/me/stateless/" if endpoint == "stateless" else "/api/me/"
    return ["-H", f"Authorization: Bearer {access}", server.url + path]


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    if not (rps and p99 and p50 and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return {
        "rps": float(rps.group(1)),
        "p50_s": _seconds(p50.group(1)),
        "p99_s": _seconds(p99.group(1)),
        "requests": int(total.group(1)),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def run_wrk(wrk: str, seconds: float, args: list[str]) -> dict:
    cmd = [
        wrk,
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds:g}s",
        "--latency",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed: {proc.stderr}")
    return parse_wrk(proc.stdout)


def run(pythons: dict[str, Path], seconds: float, rounds: int) -> dict:
    """Alternates the servers per endpoint and round; returns raw runs and
    per-endpoint medians."""
    wrk = ensure_wrk()
    if wrk is None:
        message = (
            "wrk is not installed and could not be installed (apt-get needs root): "
            "end-to-end benchmark skipped"
        )
        log(message)
        return {"skipped": message}
    WORK.mkdir(parents=True, exist_ok=True)
    servers = [Server(name, pythons[name]) for name in ("upstream", "ours")]
    redis = Redis()
    revocation = [
        Server("ours-revocation-db", pythons["ours"], EXAMPLE_ACCESS_REVOCATION="1")
    ]
    if redis.binary:
        revocation.append(
            Server(
                "ours-revocation-redis",
                pythons["ours"],
                EXAMPLE_ACCESS_REVOCATION="1",
                EXAMPLE_REDIS_URL=redis.url,
            )
        )
    else:
        log("redis-server is not installed: the Redis revocation row is skipped")
    runs: list[dict] = []
    try:
        if redis.binary:
            redis.start()
        for server in servers + revocation:
            server.prepare()
            server.start()
        # Warm-up: every endpoint once per worker process.
        for server in servers + revocation:
            access, refresh = server.tokens()
            for endpoint, _ in ENDPOINTS:
                if server in revocation and endpoint not in REVOCATION_ENDPOINTS:
                    continue
                run_wrk(wrk, 2, _wrk_args(server, endpoint, access, refresh))
        for round_no in range(rounds):
            tokens = {server.name: server.tokens() for server in servers + revocation}
            for endpoint, _ in ENDPOINTS:
                loaded = servers + (
                    revocation if endpoint in REVOCATION_ENDPOINTS else []
                )
                order = loaded if (round_no % 2 == 0) else loaded[::-1]
                for server in order:
                    result = run_wrk(
                        wrk, seconds, _wrk_args(server, endpoint, *tokens[server.name])
                    )
                    result.update(
                        {"server": server.name, "endpoint": endpoint, "round": round_no}
                    )
                    log(
                        f"  e2e round {round_no + 1}/{rounds} {endpoint:9} "
                        f"{server.name:8} {result['rps']:8.1f} req/s  "
                        f"p99 {result['p99_s'] * 1e3:7.2f} ms"
                    )
                    if result["non_2xx"] or result["socket_errors"]:
                        log(
                            f"  !! {result['non_2xx']} non-2xx, {result['socket_errors']}"
                        )
                    runs.append(result)
    finally:
        for server in servers + revocation:
            server.stop()
        redis.stop()

    summary: dict[str, dict] = {}
    for endpoint, label in ENDPOINTS:
        # Each round loads the two servers back to back: compare within it.
        ratios = []
        for round_no in range(rounds):
            pair = {
                r["server"]: r["rps"]
                for r in runs
                if r["endpoint"] == endpoint and r["round"] == round_no
            }
            ratios.append(pair["ours"] / pair["upstream"])
        summary[endpoint] = {
            "label": label,
            "ratio": statistics.median(ratios),
            "low": min(ratios),
            "high": max(ratios),
        }
        for name in ("upstream", "ours"):
            mine = [
                r for r in runs if r["endpoint"] == endpoint and r["server"] == name
            ]
            summary[endpoint][name] = {
                "rps": statistics.median(r["rps"] for r in mine),
                "p99_s": statistics.median(r["p99_s"] for r in mine),
                "non_2xx": sum(r["non_2xx"] for r in mine),
            }
    revocation_rows: dict[str, dict] = {}
    for endpoint in REVOCATION_ENDPOINTS:
        rows = {}
        for name in ["upstream", "ours"] + [server.name for server in revocation]:
            mine = [
                r for r in runs if r["endpoint"] == endpoint and r["server"] == name
            ]
            rows[name] = {
                "rps": statistics.median(r["rps"] for r in mine),
                "p50_s": statistics.median(r["p50_s"] for r in mine),
                "p99_s": statistics.median(r["p99_s"] for r in mine),
                "non_2xx": sum(r["non_2xx"] for r in mine),
            }
        revocation_rows[endpoint] = {"label": dict(ENDPOINTS)[endpoint], "rows": rows}
    return {
        "revocation": {
            "labels": dict(REVOCATION_SERVERS),
            "endpoints": revocation_rows,
        },
        "wrk": wrk_version(wrk),
        "command": f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds:g}s --latency",
        "seconds": seconds,
        "rounds": rounds,
        "gunicorn": "2 sync workers, 127.0.0.1, DEBUG off, EXAMPLE_ROTATE=0",
        "endpoints": summary,
        "runs": runs,
    }
