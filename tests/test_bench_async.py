"""bench/async_auth.py (issue 14's bench rows) runs and reports what it measured."""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import report  # noqa: E402

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_async_auth_measures_each_strategy():
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "async_auth.py"),
            "--seconds=0.1",
            "--rounds=1",
            "--concurrency=4",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result["strategies"]) == {
        "JWTAuthentication sync_to_async(authenticate)",
        "JWTStatelessUserAuthentication sync_to_async(authenticate)",
        "JWTAuthentication aauthenticate",
        "JWTStatelessUserAuthentication aauthenticate",
    }
    for row in result["strategies"].values():
        assert row["median_rps"] > 0
        assert len(row["samples"]) == 1


def test_async_section_rows_and_ratios():
    def strategies(**rps):
        return {
            name: {"median_rps": value, "samples": [value]}
            for name, value in rps.items()
        }

    common = {"concurrency": 32, "rounds": 5, "seconds": 1.0}
    section = report.async_section(
        {
            "ours": {
                **common,
                "strategies": strategies(
                    **{
                        "JWTAuthentication sync_to_async(authenticate)": 1000.0,
                        "JWTAuthentication aauthenticate": 1500.0,
                    }
                ),
            },
            "upstream": {
                **common,
                "strategies": strategies(
                    **{"JWTAuthentication sync_to_async(authenticate)": 500.0}
                ),
            },
        }
    )
    assert "| ours | `JWTAuthentication` aauthenticate | 1,500 | 1.50x |" in section
    assert (
        "| ours | `JWTAuthentication` sync_to_async(authenticate) | 1,000 | 1.00x |"
        in section
    )
    assert (
        "| upstream | `JWTAuthentication` sync_to_async(authenticate) | 500 | 1.00x |"
        in section
    )
    assert report.async_section(None) == []
