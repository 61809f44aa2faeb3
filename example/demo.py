#!/usr/bin/env python3
"""Set up the example project, serve it, and run the walkthrough against it.

    python example/demo.py            # serve until Ctrl-C after the walkthrough
    python example/demo.py --check    # walkthrough as a test, then stop the server

``make demo`` / ``make demo CHECK=1`` call this with the project's virtualenv.
Steps: refuse early if the port is taken, ``migrate``, ``ensure_demo_user``,
``runserver --noreload``, wait until it answers, run walkthrough.py, then
rotation.py (an auth and an API service on the next two ports). The
database is example/db.sqlite3 unless EXAMPLE_DB names another file.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import rotation
import walkthrough

EXAMPLE = Path(__file__).resolve().parent
STARTUP_TIMEOUT = 30.0


def port_problem(host: str, port: int) -> str | None:
    """Why a server could not listen on host:port, or None if it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # runserver sets SO_REUSEADDR too: connections lingering in TIME_WAIT
        # from an earlier run do not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use"
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


def django_env() -> dict[str, str]:
    env = dict(os.environ)
    # An outer project's settings (e.g. the test suite's) must not leak in.
    env["DJANGO_SETTINGS_MODULE"] = "project.settings"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def manage(*args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    print("$ python example/" + " ".join(command[1:]), flush=True)
    subprocess.run(command, cwd=EXAMPLE, env=django_env(), check=True)


class Server:
    """``runserver`` in a child process, its output kept for when it is needed."""

    def __init__(self, host: str, port: int) -> None:
        self.url = f"http://{host}:{port}"
        self.lines: list[str] = []
        self.live = False
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
            cwd=EXAMPLE,
            env=django_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if self.live:
                print(f"[server] {line}", end="", flush=True)

    def go_live(self) -> None:
        """From now on, echo the server's log (requests made by hand)."""
        self.live = True

    def log(self) -> str:
        return "".join(f"[server] {line}" for line in self.lines)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"runserver exited with status {self.process.returncode}"
                )
            try:
                opener.open(self.url + "/api/me/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # 401: the server answers
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"runserver did not answer within {STARTUP_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)


def try_it_yourself(url: str) -> None:
    creds = (
        f'{{"username": "{walkthrough.DEMO_USERNAME}", '
        f'"password": "{walkthrough.DEMO_PASSWORD}"}}'
    )
    print(
        f"""
The server keeps running at {url} (Ctrl-C stops it). Try it yourself:

  curl -s -X POST {url}/api/token/ \\
       -H 'Content-Type: application/json' -d '{creds}'
  curl -s {url}/api/me/ -H 'Authorization: Bearer <the "access" value>'

The admin at {url}/admin/ (user {walkthrough.DEMO_USERNAME!r}) lists the
outstanding and blacklisted tokens. Server log follows.
""",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="run the walkthrough as a test, then stop the server; "
        "the exit status says whether every step behaved",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    # `kill <pid>` of this script stops the server too (through `finally`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    problem = port_problem(args.host, args.port)
    if problem:
        print(
            f"demo: {problem}.\n"
            "demo: stop whatever listens there (another `make demo`?) or pick "
            f"a free port: make demo PORT={args.port + 1}",
            file=sys.stderr,
        )
        return 2

    manage("migrate", "--noinput", "--verbosity", "1")
    manage("ensure_demo_user")

    print(f"$ python example/manage.py runserver --noreload {args.host}:{args.port}")
    server = Server(args.host, args.port)
    try:
        try:
            server.wait_until_ready()
        except RuntimeError as error:
            print(server.log(), end="", file=sys.stderr)
            print(f"demo: {error}", file=sys.stderr)
            return 1
        print(f"Server ready at {server.url}", flush=True)

        status = walkthrough.main(["--base-url", server.url])
        if status == 0:
            # Two more services on the next ports: a key rotation.
            status = rotation.main(["--port", str(args.port + 1)])
        if args.check:
            if status != 0:
                print("\nServer log:\n" + server.log(), end="", file=sys.stderr)
            return status

        try_it_yourself(server.url)
        server.go_live()
        try:
            server.process.wait()
        except KeyboardInterrupt:
            print("\nStopping the server.")
            return 0
        print(f"demo: the server exited with status {server.process.returncode}")
        return server.process.returncode or 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
