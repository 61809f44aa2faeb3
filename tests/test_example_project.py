"""The example project: `make demo CHECK=1`'s script, its settings switches, its
port check. Each test runs the project in subprocesses with its own SQLite file."""

import os
import socket
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "example"


def example_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAMPLE_")}
    env["DJANGO_SETTINGS_MODULE"] = "project.settings"
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_check_walks_through_every_step_and_stops_the_server(tmp_path):
    env = example_env(EXAMPLE_DB=str(tmp_path / "db.sqlite3"))
    port = free_port()

    proc = run(["demo.py", "--check", "--port", str(port)], env)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All 12 steps behaved as expected." in proc.stdout
    assert "FAILED" not in proc.stdout
    with socket.socket() as s:  # the server is gone
        assert s.connect_ex(("127.0.0.1", port)) != 0

    again = run(["manage.py", "ensure_demo_user"], env)
    assert again.returncode == 0, again.stderr
    assert "Found user 'demo'" in again.stdout


def test_demo_refuses_a_busy_port_with_a_hint(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = example_env(EXAMPLE_DB=str(tmp_path / "db.sqlite3"))

        proc = run(["demo.py", "--check", "--port", str(port)], env)

    assert proc.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in proc.stderr
    assert f"make demo PORT={port + 1}" in proc.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # nothing was set up


def test_settings_switches_for_the_benchmark(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['NAME'], s.SIMPLE_JWT['SIGNING_KEY'])"
    )
    db = tmp_path / "bench.sqlite3"

    default = run(["-c", probe], example_env())
    switched = run(
        ["-c", probe],
        example_env(EXAMPLE_DEBUG="0", EXAMPLE_DB=str(db), EXAMPLE_SECRET_KEY="k" * 40),
    )

    assert default.returncode == 0, default.stderr
    assert default.stdout.split()[:2] == ["True", str(EXAMPLE / "db.sqlite3")]
    assert switched.returncode == 0, switched.stderr
    assert switched.stdout.split() == ["False", str(db), "k" * 40]


def test_the_project_passes_django_system_checks(tmp_path):
    env = example_env(EXAMPLE_DB=str(tmp_path / "db.sqlite3"))

    proc = run(["manage.py", "check", "--fail-level", "WARNING"], env)

    assert proc.returncode == 0, proc.stdout + proc.stderr
