"""Helpers for scripts that run upstream simplejwt beside this package.

A throwaway virtualenv gets the upstream distribution from PyPI; Django commands
then run in it or in the project's virtualenv, each with an environment that
names exactly which settings module and sources it sees. Standard library
only: scripts import this before any Django is importable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUR_SOURCE = REPO / "python"
UPSTREAM_VERSION = "5.5.1"
UPSTREAM_REQUIREMENTS = [
    f"djangorestframework-simplejwt=={UPSTREAM_VERSION}",
    "Django>=5.2,<5.3",
    "djangorestframework",
]

# Printed by an interpreter to tell which rest_framework_simplejwt it imports.
WHERE_PROBE = "import rest_framework_simplejwt as p; print(p.__file__)"

# Variables that would make a child see another project's code or settings.
_LEAKY = ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONHOME")


class CommandFailed(Exception):
    pass


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / "python"


def our_default_python() -> Path:
    """The repository's virtualenv interpreter, else the one running now."""
    candidate = venv_python(REPO / ".venv")
    return candidate if candidate.exists() else Path(sys.executable)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def django_env(pythonpath: list[Path], settings: str, **extra: str) -> dict[str, str]:
    """Environment for a Django process importing only from ``pythonpath``
    (before its own site-packages) with the given settings module."""
    return clean_env(
        PYTHONPATH=os.pathsep.join(str(p) for p in pythonpath),
        DJANGO_SETTINGS_MODULE=settings,
        **extra,
    )


def run(
    cmd: list, env: dict[str, str], cwd: Path, *, echo: bool = True
) -> subprocess.CompletedProcess:
    if echo:
        print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True
    )


def must(proc: subprocess.CompletedProcess, what: str) -> str:
    if proc.returncode != 0:
        raise CommandFailed(
            f"{what} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc.stdout


def build_upstream_venv(
    venv: Path,
    base_python: str = "python3",
    requirements: list[str] | None = None,
) -> Path:
    """Create ``venv`` with upstream simplejwt installed; return its python.

    An existing virtualenv at that path is reused when it already has the
    pinned upstream version (handy with a --venv cache directory)."""
    python = venv_python(venv)
    pin = f"djangorestframework-simplejwt=={UPSTREAM_VERSION}"
    if python.exists():
        freeze = run([python, "-m", "pip", "freeze"], clean_env(), venv, echo=False)
        if freeze.returncode == 0 and pin.lower() in freeze.stdout.lower():
            print(f"  reusing {venv}", flush=True)
            return python
    cwd = venv.parent
    must(run([base_python, "-m", "venv", venv], clean_env(), cwd), "venv")
    must(
        run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *(requirements or UPSTREAM_REQUIREMENTS),
            ],
            clean_env(),
            cwd,
        ),
        "pip install",
    )
    return python


def package_location(python: Path, env: dict[str, str], cwd: Path) -> Path:
    """Where ``python`` imports rest_framework_simplejwt from, in ``env``."""
    out = must(run([python, "-c", WHERE_PROBE], env, cwd, echo=False), "import probe")
    return Path(out.strip()).resolve()
