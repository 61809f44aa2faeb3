#!/usr/bin/env python3
"""Compile the package's gettext catalogs (django.po -> django.mo) with GNU msgfmt.

    python scripts/compile_messages.py          # rewrite every django.mo
    python scripts/compile_messages.py --check  # fail if a committed .mo is stale

The check compiles each .po to a temporary file and compares the *catalogs*
(as loaded by gettext.GNUTranslations), not the bytes, so msgfmt versions that
lay out the file differently do not cause false alarms.
"""

from __future__ import annotations

import argparse
import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

LOCALE_DIR = (
    Path(__file__).resolve().parent.parent
    / "python"
    / "rest_framework_simplejwt"
    / "locale"
)


def po_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def compile_po(po: Path, mo: Path) -> None:
    """Run ``msgfmt --check``; raise RuntimeError with msgfmt's output on failure."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(mo), str(po)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"msgfmt failed for {po}:\n{result.stderr}")


def load_catalog(mo: Path) -> dict:
    with mo.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)


def check(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Return a list of problems; empty means every django.mo matches its django.po."""
    pos = po_files(locale_dir)
    if not pos:
        return [f"no django.po files under {locale_dir}"]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for po in pos:
            mo = po.with_suffix(".mo")
            fresh = Path(tmp) / "django.mo"
            try:
                compile_po(po, fresh)
            except RuntimeError as exc:
                problems.append(str(exc))
                continue
            if not mo.exists():
                problems.append(f"{mo}: missing")
            elif load_catalog(mo) != load_catalog(fresh):
                problems.append(f"{mo}: out of date, run scripts/compile_messages.py")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the .mo files instead of writing them",
    )
    args = parser.parse_args(argv)
    try:
        return _run(args.check)
    except FileNotFoundError:
        print("msgfmt not found: install GNU gettext", file=sys.stderr)
        return 2


def _run(check_only: bool) -> int:
    if check_only:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"{len(po_files())} catalogs are up to date")
        return 1 if problems else 0

    pos = po_files()
    for po in pos:
        try:
            compile_po(po, po.with_suffix(".mo"))
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(f"compiled {len(pos)} catalogs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
