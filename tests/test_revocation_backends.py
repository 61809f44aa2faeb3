"""tests/test_revocation.py on every pairing of real components.

The default run covers SQLite (in memory) with the database alone and with
Django's local-memory cache. This runs the same module in child processes:

- SQLite with Redis;
- PostgreSQL, with the database alone and with the local-memory cache (the
  test that drops a connection in the middle of a rotation runs here);
- PostgreSQL with Redis.

Redis is ``SIMPLEJWT_TEST_REDIS_URL`` (.ci/run starts one with
.ci/redis.sh), else a redis-server started here; PostgreSQL is PGHOST /
PGPORT / PGUSER (.ci/postgres.sh). A missing server skips its pairing,
except under CI=true, where it fails.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import engine_support, redis_support
from tests.test_refresh_race import postgres_environment

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get(redis_support.ENV)
    if url:
        redis_support.require_client()
        yield url
        return
    server = redis_support.RedisServer()
    try:
        yield server.url
    finally:
        server.close()


def run_child(env: dict) -> tuple[str, dict]:
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_revocation.py",
            # The summary line with the counts (the suite's addopts has -q).
            "-o",
            "addopts=",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rs",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = child.stdout + child.stderr
    assert child.returncode == 0, output
    counts = {
        kind: int(number)
        for number, kind in re.findall(r"(\d+) (passed|skipped|failed|error)", output)
    }
    return output, counts


def base_environment() -> dict:
    return engine_support.child_environment(
        {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PG", "SIMPLEJWT_TEST_"))
        }
    )


def test_sqlite_with_redis(redis_url):
    output, counts = run_child({**base_environment(), redis_support.ENV: redis_url})
    assert counts.get("failed", 0) == 0
    assert counts["passed"] >= 40
    # Only the PostgreSQL-only tests (2 x 3) and the cache-only test's db
    # variant are skipped.
    assert counts.get("skipped", 0) == 7, output


def test_postgresql():
    env = {**base_environment(), **postgres_environment()}
    env["SIMPLEJWT_TEST_DB_NAME"] += "_rev"
    output, counts = run_child(env)
    assert counts.get("skipped", 0) == 1, output
    assert "connection_dropped" not in "".join(
        line for line in output.splitlines() if "SKIP" in line
    )


def test_postgresql_with_redis(redis_url):
    env = {**base_environment(), **postgres_environment(), redis_support.ENV: redis_url}
    env["SIMPLEJWT_TEST_DB_NAME"] += "_rev_redis"
    output, counts = run_child(env)
    assert counts.get("skipped", 0) == 1, output
