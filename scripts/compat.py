"""Run upstream djangorestframework-simplejwt's own test suite against this package.

Usage (from anywhere; paths are resolved relative to the repository):

    python scripts/compat.py                          # whole upstream tests/ directory
    python scripts/compat.py --only test_tokens.py test_backends.py
    python scripts/compat.py -- -k decode -x          # extra pytest arguments after --

What it does:

1. Downloads upstream's sdist (djangorestframework-simplejwt 5.5.1) from PyPI into
   .compat/ (git-ignored) and checks it against a pinned sha256. A cached file that
   matches the hash is reused.
2. Extracts only the sdist's tests/ directory and pytest.ini into
   .compat/upstream-5.5.1/ (wiped first). Upstream's rest_framework_simplejwt
   package is never extracted, so the suite imports whichever
   rest_framework_simplejwt is installed for the interpreter running this script
   (normally our package in .venv); the origin is printed and checked.
3. Runs pytest there with this interpreter, with upstream's pytest.ini as the only
   config (-c, --rootdir: our pyproject.toml is not read, DJANGO_SETTINGS_MODULE is
   removed from the environment; upstream's tests/conftest.py configures Django),
   and collects results with --junitxml.
4. Compares failures with scripts/compat_exemptions.json. Each entry names a pytest
   node id and a reason; it may also give "failures" (how many failure reports,
   e.g. failing unittest subTests, are expected) and "match" (text every failure
   message must contain). A failure that does not fit its entry is not exempt.

Exit status is 0 only if every failing test is exempt. Exempt tests that passed
are listed so stale exemptions get noticed. Needs the test dependencies of
upstream's suite: pytest, pytest-django, freezegun, python-jose, pyjwt, cryptography.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

VERSION = "5.5.1"
SDIST_NAME = f"djangorestframework_simplejwt-{VERSION}.tar.gz"
SDIST_URL = (
    "https://files.pythonhosted.org/packages/a8/27/"
    "2874a325c11112066139769f7794afae238a07ce6adf96259f08fd37a9d7/" + SDIST_NAME
)
SDIST_SHA256 = "e72c5572f51d7803021288e2057afcbd03f17fe11d484096f40a460abc76e87f"

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".compat"
DEST = CACHE / f"upstream-{VERSION}"
JUNIT = CACHE / f"junit-{VERSION}.xml"
EXEMPTIONS = Path(__file__).resolve().parent / "compat_exemptions.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_sdist() -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / SDIST_NAME
    if path.exists() and sha256(path) == SDIST_SHA256:
        return path
    print(f"compat: downloading {SDIST_URL}", flush=True)
    tmp = path.with_suffix(".part")
    with urllib.request.urlopen(SDIST_URL, timeout=120) as resp, open(tmp, "wb") as f:
        shutil.copyfileobj(resp, f)
    if sha256(tmp) != SDIST_SHA256:
        tmp.unlink()
        sys.exit(f"compat: sha256 mismatch for {SDIST_NAME}, refusing to use it")
    tmp.replace(path)
    return path


def extract_tests(sdist: Path) -> None:
    """Extract <top>/tests/** and <top>/pytest.ini only, into DEST."""
    shutil.rmtree(DEST, ignore_errors=True)
    DEST.mkdir(parents=True)
    top = f"djangorestframework_simplejwt-{VERSION}/"
    with tarfile.open(sdist) as tar:
        members = []
        for m in tar.getmembers():
            rel = m.name[len(top) :] if m.name.startswith(top) else ""
            if not (rel == "pytest.ini" or rel.startswith("tests/")):
                continue
            if ".." in Path(rel).parts or not (m.isfile() or m.isdir()):
                sys.exit(f"compat: unexpected sdist member {m.name!r}")
            m.name = rel
            members.append(m)
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(DEST, members=members, **safe)
    if (DEST / "rest_framework_simplejwt").exists():
        sys.exit("compat: upstream package directory was extracted")


def check_import_origin(env: dict[str, str]) -> None:
    """Show where rest_framework_simplejwt comes from, as the suite will see it."""
    code = (
        "import importlib.metadata as md, rest_framework_simplejwt as m;"
        "print(m.__file__);"
        "print(','.join(md.packages_distributions().get('rest_framework_simplejwt', [])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=DEST,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"compat: cannot import rest_framework_simplejwt:\n{out.stderr}")
    *_, origin, dists = out.stdout.splitlines()
    if Path(origin).resolve().is_relative_to(DEST.resolve()):
        sys.exit(f"compat: rest_framework_simplejwt imported from upstream: {origin}")
    print(f"compat: rest_framework_simplejwt from {origin} (distribution: {dists})")


def node_id(classname: str, name: str) -> str:
    """Turn a junit (classname, name) pair back into a pytest node id."""
    if not classname:  # collection error: name is the dotted module path
        return name.replace(".", "/") + ".py"
    parts = classname.split(".")
    for i in range(len(parts), 0, -1):
        module = "/".join(parts[:i]) + ".py"
        if (DEST / module).is_file():
            return "::".join([module, *parts[i:], name])
    return f"{classname}::{name}"


def first_line(report: ET.Element) -> str:
    """First line of a failure's message; for collection errors, the E line."""
    text = report.get("message") or ""
    if text in ("", "collection failure"):
        lines = (report.text or "").splitlines()
        errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
        text = errors[-1] if errors else "\n".join(lines)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else report.tag


def read_junit() -> dict[str, tuple[str, list[str]]]:
    """Map node id -> (outcome, failure messages). Subtest failures add messages."""
    results = {}
    for case in ET.parse(JUNIT).getroot().iter("testcase"):
        nid = node_id(case.get("classname", ""), case.get("name", ""))
        messages = []
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                messages.append(first_line(child))
            elif child.tag == "skipped" and outcome == "passed":
                outcome = "skipped"
        if messages:
            outcome = "failed"
        results[nid] = (outcome, messages)
    return results


def fits(entry: dict, messages: list[str]) -> bool:
    """Does this failure look like the one the exemption describes?"""
    if "failures" in entry and len(messages) != entry["failures"]:
        return False
    return all(entry.get("match", "") in m for m in messages)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Run upstream simplejwt's test suite against the installed package."
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="FILE",
        help="upstream test files (or node ids) to run, e.g. test_tokens.py",
    )
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    args = parser.parse_args()

    extract_tests(fetch_sdist())
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    }
    check_import_origin(env)

    targets = [t if t.startswith("tests/") else f"tests/{t}" for t in args.only or []]
    JUNIT.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-c",
        "pytest.ini",
        "--rootdir",
        ".",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-q",
        "--tb=short",
        "--disable-warnings",
        "--continue-on-collection-errors",
        f"--junitxml={JUNIT}",
        *(targets or ["tests"]),
        *args.pytest_args,
    ]
    print("compat: " + " ".join(cmd), flush=True)
    rc = subprocess.run(cmd, cwd=DEST, env=env).returncode
    if rc not in (0, 1) or not JUNIT.exists():
        print(f"compat: pytest did not complete a run (exit {rc})")
        return rc or 2

    exempt = {e["id"]: e for e in json.loads(EXEMPTIONS.read_text())["exemptions"]}
    results = read_junit()
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    bad, expected, stale = [], [], []
    for nid, (outcome, messages) in sorted(results.items()):
        counts[outcome] += 1
        entry = exempt.get(nid)
        if outcome == "failed":
            if entry and fits(entry, messages):
                expected.append(nid)
            else:
                bad.append((nid, messages, entry is not None))
        elif outcome == "passed" and entry:
            stale.append(nid)

    print()
    print(
        f"compat: upstream {VERSION}: total {len(results)}, passed {counts['passed']},"
        f" failed {counts['failed']} (exempt {len(expected)}), skipped {counts['skipped']}"
    )
    for nid in expected:
        print(f"  exempt-failed (expected): {nid}")
    for nid in stale:
        print(f"  exempt but PASSED (stale exemption?): {nid}")
    if not (targets or args.pytest_args):
        for nid in sorted(set(exempt) - set(results)):
            print(f"  exemption for a test that did not run: {nid}")
    for nid, messages, had_entry in bad:
        note = " [exempt entry did not match this failure]" if had_entry else ""
        print(f"  FAILED: {nid}{note}")
        for m in messages:
            print(f"      {m}")
    # Plain closing line: non-exempt failures only.
    print(f"compat: {counts['passed']} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
