"""The README's Performance section is the tracked bench run, as generated.

``make bench`` leaves README.md and bench/results.* alone unless run with
UPDATE=1; when it does write them, the section comes from
``report.snippet(results.json)``, duration included. So the README's time
estimate is the measured duration of the run it shows, never a guess.
"""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import report  # noqa: E402

sys.path.remove(str(REPO / "bench"))


def test_readme_performance_section_is_generated_from_results_json():
    results = json.loads((REPO / "bench" / "results.json").read_text())
    readme = (REPO / "README.md").read_text()
    start = readme.index(report.README_START) + len(report.README_START) + 1
    end = readme.index(report.README_END)
    assert readme[start:end] == report.snippet(results)


def test_the_duration_stated_is_the_measured_one():
    results = {
        "elapsed_s": 425.0,
        "command": "python bench/run.py --quick",
        "timings": {"setup": 200.0},
        "probes": {"gil": {}},
        "e2e": None,
    }
    text = report._duration(results)
    assert "`python bench/run.py --quick`, took 7 min" in text
    assert "3.3 of them building the release wheel" in text
    assert text.endswith("it skipped the end-to-end runs")
