"""The upgrade proof: a database and tokens made by upstream 5.5.1 work with ours.

Runs scripts/upgrade_from_upstream.py end to end (about 10-15 s with pip's
cache warm). It installs upstream from PyPI into a throwaway virtualenv; set
SIMPLEJWT_NO_NETWORK=1 to skip it where PyPI cannot be reached.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "upgrade_from_upstream.py"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("SIMPLEJWT_NO_NETWORK")),
    reason="SIMPLEJWT_NO_NETWORK is set; this test installs upstream from PyPI",
)


def test_switching_from_upstream_and_back_keeps_database_and_tokens():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--our-python", sys.executable],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert "FAIL" not in proc.stdout, report
    assert "PASS: all" in proc.stdout, report
