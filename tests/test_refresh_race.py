"""One refresh token used by concurrent requests rotates exactly once.

With ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION a refresh token is
single-use. Upstream checks the blacklist, then blacklists: requests that
arrive together all pass the check and each gets a new token pair, so a
stolen refresh token replayed at the moment its owner refreshes keeps the
thief logged in. Here the unique constraint on ``BlacklistedToken.token``
decides (``serializers._blacklist_or_refuse``): exactly one request gets
200, the others 401 "Token is blacklisted", and exactly one new outstanding
token exists afterwards. A logout racing a refresh is decided the same way.

The requests go through the real view (``APIClient``), one thread each with
its own database connection, released together by a barrier. That needs a
database every thread can open, which the suite's in-memory SQLite is not,
so each database runs in a child process (this module run as a script) with
its own settings:

- SQLite, a file in a temporary directory;
- PostgreSQL, a server named by PGHOST / PGPORT / PGUSER / PGPASSWORD (.ci/run
  starts one with .ci/postgres.sh). Without one the PostgreSQL tests are
  skipped, except under CI=true, where they fail.

Each database runs the same scenarios:

- ``natural``: N refreshes at once, no help from the test;
- ``widened``: every request waits, between its blacklist check and its
  blacklisting, until all have passed the check (a barrier): every request
  is inside the race window, the worst case;
- ``check_then_act``: the same widened race with upstream's behaviour put
  back (the created flag ignored), as a control: it must let several
  requests through, which shows the test can see the race at all;
- ``logout``: refreshes and logouts of the same token at once.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests import engine_support

ROOT = Path(__file__).resolve().parent.parent
THREADS = 8
NATURAL_RUNS = 10
WIDENED_RUNS = 3
REFRESH = "/api/token/refresh/"
LOGOUT = "/api/token/blacklist/"
BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}

# -- the parent: pytest -------------------------------------------------------------


def postgres_environment() -> dict[str, str]:
    """Environment for a child on PostgreSQL, or skip (fail under CI)."""
    env = {name: value for name, value in os.environ.items() if name.startswith("PG")}
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGUSER", "postgres")
    problem = None
    try:
        import psycopg
    except ImportError:
        problem = "psycopg is not installed (pip install 'psycopg[binary]')"
    else:
        try:
            psycopg.connect(
                host=env["PGHOST"],
                port=env["PGPORT"],
                user=env["PGUSER"],
                password=env.get("PGPASSWORD", ""),
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg.Error as e:
            problem = (
                f"no PostgreSQL server at {env['PGHOST']}:{env['PGPORT']} "
                f"as {env['PGUSER']} ({str(e).strip()[:200]})"
            )
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the race on PostgreSQL, but {problem}")
        pytest.skip(
            f"PostgreSQL race not run: {problem}. Start one with "
            '`eval "$(bash .ci/postgres.sh start)"`, or set PGHOST/PGPORT/PGUSER.'
        )
    return {
        **env,
        "SIMPLEJWT_TEST_POSTGRES": "1",
        "SIMPLEJWT_TEST_DB_NAME": f"test_simplejwt_race_{os.getpid()}",
    }


def child_environment(database: str, tmp_path: Path) -> dict[str, str]:
    env = engine_support.child_environment(
        {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PG", "SIMPLEJWT_TEST_"))
        }
    )
    if database == "sqlite":
        env["SIMPLEJWT_TEST_SQLITE_FILE"] = str(tmp_path / "race.sqlite3")
    else:
        env.update(postgres_environment())
    return env


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def race_results(request, tmp_path_factory) -> dict:
    """Runs every scenario once per database in one child process."""
    database = request.param
    env = child_environment(database, tmp_path_factory.mktemp(database))
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "-m", "tests.test_refresh_race", "--threads", str(THREADS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, f"{child.stdout}\n{child.stderr}"
    results = json.loads(child.stdout.strip().splitlines()[-1])
    results["seconds"] = time.monotonic() - started
    results["database"] = database
    return results


def successes(run: dict) -> list[dict]:
    return [answer for answer in run["answers"] if answer["status"] == 200]


def assert_exactly_one_winner(run: dict) -> dict:
    answers = run["answers"]
    assert len(answers) == run["threads"]
    winners = successes(run)
    assert len(winners) == 1, answers
    losers = [answer for answer in answers if answer["status"] != 200]
    for loser in losers:
        # Refused as a later request would be: no 500, no "locked".
        assert loser == {
            "kind": loser["kind"],
            "status": 401,
            "body": BLACKLISTED,
        }, answers
    return winners[0]


@pytest.mark.parametrize("scenario", ["natural", "widened"])
def test_concurrent_refreshes_rotate_exactly_once(race_results, scenario):
    runs = race_results[scenario]
    assert len(runs) == (NATURAL_RUNS if scenario == "natural" else WIDENED_RUNS)
    for run in runs:
        winner = assert_exactly_one_winner(run)
        assert set(winner["body"]) == {"access", "refresh"}
        # The original token, blacklisted once, and the winner's new one:
        # the refused requests created nothing.
        assert run["outstanding"] == 2
        assert run["blacklisted"] == 1
        assert run["original_blacklisted"] is True
        # The new refresh token works; the original never again.
        assert run["after"] == {"new_token": 200, "original_token": 401}


def test_in_the_widened_race_every_request_was_inside_the_window(race_results):
    # Every request passed check_blacklist before any blacklisted: the
    # refused ones were stopped by the unique constraint alone.
    for scenario in ("widened", "check_then_act", "logout"):
        for run in race_results[scenario]:
            assert run["in_window"] == run["threads"]
    # Without help, how many requests reached the blacklisting varies; the
    # winner always did.
    for run in race_results["natural"]:
        assert 1 <= run["in_window"] <= run["threads"]


def test_control_check_then_act_lets_several_through(race_results):
    # Upstream's behaviour on the same widened race: each request passed the
    # blacklist check before any blacklisted, and each rotated the token.
    for run in race_results["check_then_act"]:
        assert len(successes(run)) > 1, run["answers"]
        assert run["outstanding"] == 1 + len(successes(run))


def test_logout_racing_refreshes_one_wins(race_results):
    for run in race_results["logout"]:
        winner = assert_exactly_one_winner(run)
        kinds = {answer["kind"] for answer in run["answers"]}
        assert kinds == {"refresh", "logout"}
        assert run["blacklisted"] == 1
        if winner["kind"] == "refresh":
            assert run["outstanding"] == 2
            assert run["after"]["new_token"] == 200
        else:
            # Logged out: no new refresh token exists anywhere.
            assert winner["body"] == {}
            assert run["outstanding"] == 1
        assert run["after"]["original_token"] == 401


def test_the_child_cleaned_up(race_results):
    assert race_results["threads_left"] == 0
    assert race_results["seconds"] < 120


# -- the child: one database, every scenario -----------------------------------------


def _child(threads: int, natural_runs: int, widened_runs: int) -> dict:
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    test_db = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        results: dict = {
            "natural": [_race(threads, "natural") for _ in range(natural_runs)],
            "widened": [_race(threads, "widened") for _ in range(widened_runs)],
            "check_then_act": [
                _race(threads, "check_then_act") for _ in range(widened_runs)
            ],
            "logout": [_race(threads, "logout") for _ in range(widened_runs * 2)],
        }
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(test_db, verbosity=0)
    results["threads_left"] = threading.active_count() - 1
    return results


def _race(threads: int, scenario: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import override_settings
    from rest_framework.test import APIClient

    from rest_framework_simplejwt import serializers
    from rest_framework_simplejwt.token_blacklist.models import (
        BlacklistedToken,
        OutstandingToken,
    )
    from rest_framework_simplejwt.tokens import RefreshToken

    start = threading.Barrier(threads)
    window = threading.Barrier(threads)
    answers: list[dict | None] = [None] * threads
    in_window: list[bool] = [False] * threads
    slot_of = threading.local()
    blacklist_or_refuse = serializers._blacklist_or_refuse
    act = (
        serializers._blacklist if scenario == "check_then_act" else blacklist_or_refuse
    )

    def inside_the_window(token) -> None:
        # Called where the serializers blacklist, so after check_blacklist
        # (in the RefreshToken constructor) has passed. Except in the
        # natural scenario, no request goes on until every request is here.
        in_window[slot_of.slot] = True
        if scenario != "natural":
            window.wait(timeout=30)
        act(token)

    def request(slot: int, raw: str) -> None:
        slot_of.slot = slot
        kind = "logout" if scenario == "logout" and slot % 2 else "refresh"
        try:
            client = APIClient()
            start.wait(timeout=30)
            response = client.post(
                LOGOUT if kind == "logout" else REFRESH, {"refresh": raw}, format="json"
            )
            answers[slot] = {
                "kind": kind,
                "status": response.status_code,
                "body": response.json(),
            }
        except Exception as e:  # reported as an answer, failing the test
            answers[slot] = {"kind": kind, "status": None, "body": repr(e)}
        finally:
            # Each thread has its own connection: close it.
            connections.close_all()

    settings = {"ROTATE_REFRESH_TOKENS": True, "BLACKLIST_AFTER_ROTATION": True}
    with override_settings(SIMPLE_JWT=settings):
        user = get_user_model().objects.create_user(
            username=f"racer-{uuid.uuid4().hex[:12]}", password="x"
        )
        original = RefreshToken.for_user(user)
        raw = str(original)
        serializers._blacklist_or_refuse = inside_the_window
        try:
            workers = [
                threading.Thread(target=request, args=(slot, raw))
                for slot in range(threads)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
        finally:
            serializers._blacklist_or_refuse = blacklist_or_refuse

        outstanding = OutstandingToken.objects.filter(user=user).count()
        blacklisted = BlacklistedToken.objects.filter(token__user=user).count()
        original_blacklisted = BlacklistedToken.objects.filter(
            token__jti=original["jti"]
        ).exists()
        client = APIClient()
        after = {
            "original_token": client.post(
                REFRESH, {"refresh": raw}, format="json"
            ).status_code
        }
        new_tokens = [
            answer["body"]["refresh"]
            for answer in answers
            if answer and answer["status"] == 200 and "refresh" in answer["body"]
        ]
        if len(new_tokens) == 1:
            after["new_token"] = client.post(
                REFRESH, {"refresh": new_tokens[0]}, format="json"
            ).status_code
    return {
        "threads": threads,
        "answers": answers,
        "in_window": sum(in_window),
        "outstanding": outstanding,
        "blacklisted": blacklisted,
        "original_blacklisted": original_blacklisted,
        "after": after,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--natural-runs", type=int, default=NATURAL_RUNS)
    parser.add_argument("--widened-runs", type=int, default=WIDENED_RUNS)
    arguments = parser.parse_args()
    print(
        json.dumps(
            _child(arguments.threads, arguments.natural_runs, arguments.widened_runs)
        )
    )
