"""Revocation across server processes: gunicorn with several workers, one
PostgreSQL, one Redis.

- A revocation made through one worker ("log out everywhere") is refused by
  every worker on the next request, by both authentication classes.
- A replayed refresh token revokes its family whichever worker sees the
  replay, and every worker then refuses the family's current token.

Requests that hold their worker for a moment are sent together, so that they
land on different workers (a sync worker serves one request at a time);
each answer names the worker's pid. PostgreSQL and Redis as in
tests/test_revocation_backends.py; missing servers skip, or fail under
CI=true.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import engine_support, redis_support
from tests.test_refresh_race import postgres_environment

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3


def http(base, method, path, body=None, token=None, hold=0.0):
    """(status, body, pid of the worker that answered)."""
    if hold:
        path += ("&" if "?" in path else "?") + f"hold={hold}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return (
                response.status,
                json.loads(response.read() or b"{}"),
                int(response.headers["X-Worker-Pid"]),
            )
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), int(e.headers["X-Worker-Pid"])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the multi-worker test, but gunicorn is missing")
        pytest.skip("gunicorn is not installed (pip install gunicorn)")
    pg = postgres_environment()
    own_redis = None
    redis_url = os.environ.get(redis_support.ENV)
    if redis_url:
        redis_support.require_client()
    else:
        own_redis = redis_support.RedisServer()
        redis_url = own_redis.url
    import psycopg

    database = f"simplejwt_multiprocess_{uuid.uuid4().hex[:8]}"
    connect = {
        "host": pg["PGHOST"],
        "port": pg["PGPORT"],
        "user": pg["PGUSER"],
        "password": pg.get("PGPASSWORD", ""),
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**connect) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    env = engine_support.child_environment(
        {
            **{k: v for k, v in os.environ.items() if not k.startswith("SIMPLEJWT_")},
            **pg,
            "DJANGO_SETTINGS_MODULE": "tests.revocation_server_settings",
            "SIMPLEJWT_SERVER_DB": database,
            redis_support.ENV: redis_url,
        }
    )
    env["DJANGO_SETTINGS_MODULE"] = "tests.revocation_server_settings"
    gunicorn_process = None
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    try:
        for script in (
            ["-m", "django", "migrate", "--verbosity", "0"],
            [
                "-m",
                "django",
                "shell",
                "-c",
                "from django.contrib.auth import get_user_model as m\n"
                "for n in ('alice', 'bob'): m().objects.create_user(n, password='pw')",
            ],
        ):
            done = subprocess.run(
                [sys.executable, *script],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        port = redis_support.free_port()
        with open(log, "wb") as out:
            gunicorn_process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tests.revocation_wsgi:application",
                    "--workers",
                    str(WORKERS),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if http(base, "GET", "/api/pid/anon/")[0] == 200:
                    break
            except OSError:
                pass
            assert gunicorn_process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base
    finally:
        if gunicorn_process is not None:
            gunicorn_process.send_signal(signal.SIGTERM)
            try:
                gunicorn_process.wait(30)
            except subprocess.TimeoutExpired:
                gunicorn_process.kill()
                gunicorn_process.wait(10)
        with psycopg.connect(**connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if own_redis is not None:
            own_redis.close()


def on_every_worker(base, method, path, body=None, token=None, waves=30):
    """Sends waves of WORKERS concurrent requests, each holding its worker
    for a moment, until every worker has answered; returns {pid: [(status,
    body), ...]}."""
    seen: dict = {}
    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in range(waves):
            for status, answer, pid in pool.map(
                lambda _: http(base, method, path, body, token, hold=0.3),
                range(WORKERS),
            ):
                seen.setdefault(pid, []).append((status, answer))
            if len(seen) >= WORKERS:
                break
    assert len(seen) == WORKERS, f"only {len(seen)} of {WORKERS} workers answered"
    return seen


def statuses(seen: dict) -> set:
    return {status for answers in seen.values() for status, _ in answers}


def login(base, name):
    status, body, _ = http(
        base, "POST", "/api/token/", {"username": name, "password": "pw"}
    )
    assert status == 200, body
    return body


def test_a_revocation_through_one_worker_is_refused_by_every_worker(server):
    session = login(server, "alice")
    other = login(server, "bob")
    for path in ("/api/pid/", "/api/pid/stateless/"):
        assert statuses(
            on_every_worker(server, "GET", path, token=session["access"])
        ) == {200}
    time.sleep(1.05)  # the revocation's second is after the login's
    status, _, revoker = http(
        server, "POST", "/api/token/logout-all/", {}, session["access"]
    )
    assert status == 200
    for path in ("/api/pid/", "/api/pid/stateless/"):
        seen = on_every_worker(server, "GET", path, token=session["access"])
        assert revoker in seen
        for pid, answers in seen.items():
            # Every answer of every worker, from the first on, refuses.
            assert [s for s, _ in answers] == [401] * len(answers), (pid, answers)
            assert {a["detail"] for _, a in answers} == {"Token is blacklisted"}
        # Someone else's token still works everywhere.
        assert statuses(
            on_every_worker(server, "GET", path, token=other["access"])
        ) == {200}
    seen = on_every_worker(
        server, "POST", "/api/token/refresh/", {"refresh": session["refresh"]}
    )
    assert statuses(seen) == {401}


def test_a_replay_revokes_the_family_whichever_worker_sees_it(server):
    replay_pids = set()
    for attempt in range(4 * WORKERS):
        session = login(server, "bob")
        status, rotated, _ = http(
            server, "POST", "/api/token/refresh/", {"refresh": session["refresh"]}
        )
        assert status == 200
        # The replay goes out while some workers are busy, so that over the
        # attempts it lands on different workers.
        with ThreadPoolExecutor(WORKERS) as pool:
            holders = [
                pool.submit(http, server, "GET", "/api/pid/anon/", hold=0.4)
                for _ in range(attempt % WORKERS)
            ]
            time.sleep(0.1)
            status, body, pid = http(
                server, "POST", "/api/token/refresh/", {"refresh": session["refresh"]}
            )
            for holder in holders:
                holder.result()
        assert status == 401 and body["detail"] == "Token is blacklisted"
        replay_pids.add(pid)
        # Every worker refuses the family's current token from now on.
        seen = on_every_worker(
            server, "POST", "/api/token/refresh/", {"refresh": rotated["refresh"]}
        )
        assert statuses(seen) == {401}, seen
        if len(replay_pids) == WORKERS:
            break
    assert len(replay_pids) >= 2, replay_pids
