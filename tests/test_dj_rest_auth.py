"""Our cookie mode beside dj-rest-auth's (issue 14): both installed, both
configured with cookies of different names, in one project. The scenario runs
in a child process with its own settings (tests/dj_rest_auth_scenario.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECKS = [
    "dj-rest-auth login sets dra-access and dra-refresh, not ours",
    "our login sets access and refresh, not dj-rest-auth's",
    "each authentication class reads its own cookie",
    "tokens of either login authenticate with either class by header",
    "dj-rest-auth's refresh sets only its cookies; rotation blacklists",
    "our refresh sets only ours, path /api/token/",
    "our logout deletes our cookies; dj-rest-auth's session still works",
    "dj-rest-auth's logout deletes its cookies and blacklists its token",
]


def test_cookie_modes_side_by_side(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.dj_rest_auth_scenario",
        "SIMPLEJWT_TEST_SQLITE_FILE": str(tmp_path / "db.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SIMPLEJWT_TEST_POSTGRES", None)
    proc = subprocess.run(
        [sys.executable, "-m", "tests.dj_rest_auth_scenario"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [f"ok {c}" for c in CHECKS] + ["all ok"]
