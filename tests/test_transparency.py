"""A project's test suite cannot tell this package from upstream 5.5.1.

The scenarios of ``tests/transparency_scenarios.py`` (module names, settings
objects, class and instance attributes, the clock, subclasses, encoders) run
here against this package, and the same file runs in a throwaway virtualenv
holding upstream 5.5.1, where each must pass as well: the expectations are
upstream's behaviour, not ours. Tokens pickled by either package unpickle in
the other. The upstream runs install from PyPI; SIMPLEJWT_NO_NETWORK=1 skips
them, as it skips the upgrade test.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import transparency_scenarios

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import _upstream_venv  # noqa: E402

needs_network = pytest.mark.skipif(
    bool(os.environ.get("SIMPLEJWT_NO_NETWORK")),
    reason="SIMPLEJWT_NO_NETWORK is set; this installs upstream from PyPI",
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scenario", transparency_scenarios.SCENARIOS, ids=lambda f: f.__name__
)
def test_scenario_on_this_package(scenario):
    scenario()


@pytest.fixture(scope="module")
def upstream_python(tmp_path_factory):
    venv = tmp_path_factory.mktemp("upstream") / "venv"
    return _upstream_venv.build_upstream_venv(
        venv,
        base_python=sys.executable,
        requirements=[
            *_upstream_venv.UPSTREAM_REQUIREMENTS,
            "freezegun",
            "time-machine",
        ],
    )


def _run(python, *args, source=()):
    """``python *args`` from the repository, with tests.settings and only
    ``source`` (our package's directory, or nothing for upstream's venv)
    before its own site-packages."""
    env = _upstream_venv.django_env([REPO, *source], "tests.settings")
    return subprocess.run(
        [str(python), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ours(*args):
    return _run(sys.executable, *args, source=[REPO / "python"])


@needs_network
def test_every_scenario_holds_on_upstream(upstream_python):
    where = _run(upstream_python, "-c", _upstream_venv.WHERE_PROBE)
    assert "site-packages" in where.stdout, where.stdout + where.stderr
    proc = _run(upstream_python, "-m", "tests.transparency_scenarios")
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert f"{len(transparency_scenarios.SCENARIOS)} passed, 0 failed" in report


@needs_network
def test_tokens_pickle_across_packages_both_ways(upstream_python, tmp_path):
    script = str(REPO / "tests" / "pickle_roundtrip.py")
    theirs, ours = tmp_path / "upstream.pkl", tmp_path / "ours.pkl"
    for proc in (
        _run(upstream_python, script, "dump", str(theirs)),
        _ours(script, "dump", str(ours)),
        _ours(script, "load", str(theirs)),
        _run(upstream_python, script, "load", str(ours)),
    ):
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr


# PyJWT's names, which upstream's backends module imported and this package
# does not use (README, "Differences"), and typing-only leftovers.
PYJWT_NAMES = {
    "jwt",
    "ExpiredSignatureError",
    "InvalidAlgorithmError",
    "InvalidTokenError",
    "algorithms",
}
UPSTREAM_MODULES = (
    "authentication",
    "backends",
    "exceptions",
    "models",
    "serializers",
    "settings",
    "state",
    "tokens",
    "utils",
    "views",
    "token_blacklist",
    "token_blacklist.admin",
    "token_blacklist.apps",
    "token_blacklist.models",
    "token_blacklist.management.commands.flushexpiredtokens",
)
NAMES_PROBE = """
import importlib, json, django
django.setup()
names = {{}}
for module in {modules!r}:
    m = importlib.import_module("rest_framework_simplejwt." + module)
    names[module] = sorted(n for n in vars(m) if not n.startswith("__"))
print(json.dumps(names))
"""


@needs_network
def test_every_upstream_module_name_exists(upstream_python):
    import importlib
    import json

    proc = _run(upstream_python, "-c", NAMES_PROBE.format(modules=UPSTREAM_MODULES))
    assert proc.returncode == 0, proc.stderr
    upstream = json.loads(proc.stdout)
    missing = {}
    for module, names in upstream.items():
        ours = importlib.import_module(f"rest_framework_simplejwt.{module}")
        absent = [n for n in names if n not in PYJWT_NAMES and not hasattr(ours, n)]
        if absent:
            missing[module] = absent
    assert missing == {}
