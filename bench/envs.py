"""The benchmark's virtualenvs under bench/.env/, and our release wheel.

* ``upstream``: djangorestframework-simplejwt 5.5.1 from PyPI with PyJWT and
  cryptography;
* ``ours``: the wheel ``maturin build --release`` makes from this tree;
* ``tools``: matplotlib for the chart, kept out of the measured venvs.

The two measured venvs get the same pinned Django, DRF and gunicorn. A venv is
reused while its stamp (the requirements it was made with, and for ours the
wheel's contents) still matches; if only our wheel changed, just the wheel is
reinstalled. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV_DIR = REPO / "bench" / ".env"
WHEEL_DIR = ENV_DIR / "wheels"
MATURIN = REPO / ".venv" / "bin" / "maturin"

# Exact versions, the same in both measured venvs.
COMMON = [
    "Django==5.2.19",
    "djangorestframework==3.18.3",
    "gunicorn==27.0.1",
]
UPSTREAM = [
    "djangorestframework-simplejwt==5.5.1",
    "PyJWT==2.15.1",
    "cryptography==50.0.2",
]
# Ours only: Django's RedisCache client, for the access-token revocation rows
# (bench/e2e.py, BLACKLIST_CACHE through Redis).
OURS_EXTRA = ["redis==8.1.0"]
TOOLS = ["matplotlib==3.11.2"]

# Variables that would let a child import something other than its venv's.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "DJANGO_SETTINGS_MODULE")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def python(name: str) -> Path:
    return ENV_DIR / name / "bin" / "python"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe_installs(with_e2e: bool = True) -> str:
    """What a run installs, said before it does."""
    lines = [
        "this run installs, from PyPI, into bench/.env/ (reused when unchanged):",
        f"  upstream: {' '.join(COMMON + UPSTREAM)}",
        f"  ours:     our release wheel (built into target/release) + {' '.join(COMMON + OURS_EXTRA)}",
        f"  tools:    {' '.join(TOOLS)} (draws the chart)",
    ]
    if with_e2e:
        lines.append(
            "  and wrk (apt-get install wrk, as root, if it is not on PATH; "
            "without it the end-to-end runs are skipped)"
        )
    return "\n".join(lines)


def _run(
    cmd: list, attempts: int = 1, heartbeat: str | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """Runs ``cmd`` capturing its output; with ``heartbeat``, says every 30 s
    that the (otherwise silent) step is still going."""
    log("$ " + " ".join(str(c) for c in cmd))
    for attempt in range(attempts):
        proc = _run_once(cmd, heartbeat, **kwargs)
        if proc.returncode == 0:
            break
        if attempt + 1 < attempts:
            log(f"  failed (exit {proc.returncode}); retrying in 10 s")
            time.sleep(10)
    if proc.returncode != 0:
        raise SystemExit(
            f"command failed (exit {proc.returncode}): {cmd}\n{proc.stdout}{proc.stderr}"
        )
    return proc


def _run_once(
    cmd: list, heartbeat: str | None, **kwargs
) -> subprocess.CompletedProcess:
    child = subprocess.Popen(
        [str(c) for c in cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )
    started = time.monotonic()
    while True:
        try:
            out, err = child.communicate(timeout=30)
            break
        except subprocess.TimeoutExpired:
            if heartbeat:
                log(f"  {heartbeat}: still running, {time.monotonic() - started:.0f} s")
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def build_wheel() -> Path:
    """Our package as an optimised abi3 wheel (cargo reuses target/)."""
    if not MATURIN.exists():
        raise SystemExit(f"{MATURIN} is missing: run `make venv` first")
    WHEEL_DIR.mkdir(parents=True, exist_ok=True)
    for old in WHEEL_DIR.glob("*.whl"):
        old.unlink()
    # Another maturin sharing target/ (a developer's `make build-release`)
    # can remove target/maturin/lib_native.so under us: try again.
    log(
        "building our release wheel: about 3 min on 2 cores when target/release "
        "is cold (aws-lc is compiled), seconds when it is warm"
    )
    _run(
        [MATURIN, "build", "--release", "--quiet", "-o", WHEEL_DIR],
        attempts=3,
        heartbeat="release build",
        cwd=REPO,
    )
    wheels = sorted(WHEEL_DIR.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel in {WHEEL_DIR}, found {wheels}")
    return wheels[0]


def wheel_digest(wheel: Path) -> str:
    """A hash of the wheel's members (not of the zip, whose bytes may vary)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode())
            digest.update(hashlib.sha256(archive.read(name)).digest())
    return digest.hexdigest()


def _stamp_path(name: str) -> Path:
    return ENV_DIR / name / "bench-stamp.json"


def _read_stamp(name: str) -> dict:
    try:
        return json.loads(_stamp_path(name).read_text())
    except (OSError, ValueError):
        return {}


def _write_stamp(name: str, stamp: dict) -> None:
    _stamp_path(name).write_text(json.dumps(stamp, indent=2))


def _create(name: str, requirements: list[str]) -> None:
    venv = ENV_DIR / name
    if venv.exists():
        shutil.rmtree(venv)
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", venv])
    pip = [python(name), "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "install", "--quiet", *requirements], env=clean_env())


def ensure_venv(name: str, requirements: list[str], wheel: Path | None = None) -> Path:
    """Creates or updates venv ``name``; returns its python."""
    stamp = _read_stamp(name)
    wanted = {"python": sys.version.split()[0], "requirements": requirements}
    fresh = python(name).exists() and all(stamp.get(k) == v for k, v in wanted.items())
    if not fresh:
        log(f"creating bench/.env/{name}")
        _create(name, requirements + ([str(wheel)] if wheel else []))
    if wheel is not None:
        digest = wheel_digest(wheel)
        if fresh and stamp.get("wheel") != digest:
            log(f"reinstalling our wheel in bench/.env/{name}")
            _run(
                [
                    python(name),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--force-reinstall",
                    wheel,
                ],
                env=clean_env(),
            )
        elif fresh:
            log(f"reusing bench/.env/{name} (wheel unchanged)")
        wanted["wheel"] = digest
    elif fresh:
        log(f"reusing bench/.env/{name}")
    _write_stamp(name, wanted)
    return python(name)


def freeze(name: str) -> dict[str, str]:
    out = _run(
        [
            python(name),
            "-m",
            "pip",
            "list",
            "--format=json",
            "--disable-pip-version-check",
        ],
        env=clean_env(),
    ).stdout
    # Keyed by the normalised project name (PEP 503): "pyjwt", "django"...
    return {
        re.sub(r"[-_.]+", "-", item["name"]).lower(): item["version"]
        for item in json.loads(out)
    }


def prepare(with_tools: bool = True) -> dict[str, Path]:
    wheel = build_wheel()
    log(f"built {wheel.name}")
    pythons = {
        "upstream": ensure_venv("upstream", COMMON + UPSTREAM),
        "ours": ensure_venv("ours", COMMON + OURS_EXTRA, wheel=wheel),
    }
    if with_tools:
        pythons["tools"] = ensure_venv("tools", TOOLS)
    return pythons
