#!/usr/bin/env python3
"""Check that a database created by upstream simplejwt needs only our own additive migrations.

Steps:

1. Build a throwaway virtualenv with ``djangorestframework-simplejwt==5.5.1``
   (the upstream package) and Django 5.2, and run ``migrate`` with it on a new
   SQLite file, using a minimal settings module (auth, contenttypes and the
   ``token_blacklist`` app).
2. Point this repository's package (``python/`` on ``PYTHONPATH``, run with the
   project's virtualenv) at that same file: ``showmigrations token_blacklist``
   must list upstream's migrations as applied and only ours (named
   ``00NN_simplejwt_rs_*``, after upstream's 0013) as unapplied, and
   ``makemigrations --check`` must find nothing to do. On a copy of the file,
   ``migrate`` must then apply ours cleanly, adding only our indexes
   (``sjwt_rs_*``) to upstream's two tables.
3. Migrate a second, empty SQLite file with our package up to upstream's last
   migration (0013) and compare the ``sqlite_master`` entries (tables and
   indexes) of the two blacklist tables and the recorded migration names with
   those of the upstream database.

Exits 0 when everything matches, 1 with a description of each difference
otherwise. Needs network access to PyPI for step 1.

Usage: .venv/bin/python scripts/check_upstream_schema.py [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUR_SOURCE = REPO / "python"
UPSTREAM_REQUIREMENTS = ["djangorestframework-simplejwt==5.5.1", "Django>=5.2,<5.3"]
TABLES = ("token_blacklist_outstandingtoken", "token_blacklist_blacklistedtoken")

SETTINGS_TEMPLATE = """\
import os

SECRET_KEY = "schema-check-not-secret"
USE_TZ = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["SCHEMA_CHECK_DB"],
    }
}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework_simplejwt.token_blacklist",
]
"""

# Printed by each Django run so we can confirm which package was used.
WHERE_PROBE = "import rest_framework_simplejwt as p; print(p.__file__)"


class CheckFailed(Exception):
    pass


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True
    )


def must(proc: subprocess.CompletedProcess, what: str) -> str:
    if proc.returncode != 0:
        raise CheckFailed(
            f"{what} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc.stdout


def django_env(pythonpath: list[Path], db: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")
    }
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    env["DJANGO_SETTINGS_MODULE"] = "schema_check_settings"
    env["SCHEMA_CHECK_DB"] = str(db)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_package_location(python: Path, env, cwd, expected_inside: Path) -> None:
    where = must(run([python, "-c", WHERE_PROBE], env, cwd), "locating package")
    location = Path(where.strip()).resolve()
    if not location.is_relative_to(expected_inside.resolve()):
        raise CheckFailed(
            f"rest_framework_simplejwt was imported from {location}, "
            f"expected a file under {expected_inside}"
        )
    print(f"  using {location}")


def schema_of(db: Path) -> dict[tuple[str, str], str | None]:
    """(type, name) -> SQL of the blacklist tables and their indexes."""
    marks = ",".join("?" * len(TABLES))
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks})",
            TABLES,
        ).fetchall()
    return {(kind, name): sql for kind, name, sql in rows}


def applied_migrations(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT name FROM django_migrations WHERE app = 'token_blacklist' "
            "ORDER BY name"
        ).fetchall()
    return [name for (name,) in rows]


def compare(upstream_db: Path, our_db: Path) -> list[str]:
    problems = []
    theirs, ours = schema_of(upstream_db), schema_of(our_db)
    for table in TABLES:
        if ("table", table) not in theirs:
            problems.append(f"upstream database has no table {table}")
    for key in sorted(theirs.keys() | ours.keys(), key=str):
        if key not in ours:
            problems.append(f"{key[0]} {key[1]} exists only in the upstream schema")
        elif key not in theirs:
            problems.append(f"{key[0]} {key[1]} exists only in our schema")
        elif theirs[key] != ours[key]:
            problems.append(
                f"{key[0]} {key[1]} differs:\n"
                f"  upstream: {theirs[key]}\n  ours:     {ours[key]}"
            )
    upstream_names, our_names = (
        applied_migrations(upstream_db),
        applied_migrations(our_db),
    )
    if upstream_names != our_names:
        problems.append(
            "recorded migrations differ:\n"
            f"  upstream: {upstream_names}\n  ours:     {our_names}"
        )
    return problems


def check(workdir: Path, our_python: Path, base_python: str) -> None:
    (workdir / "schema_check_settings.py").write_text(SETTINGS_TEMPLATE)
    upstream_db = workdir / "upstream.sqlite3"
    our_db = workdir / "ours.sqlite3"

    print("== 1. upstream: scratch virtualenv and migrate")
    scratch = workdir / "venv"
    pip_env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    must(run([base_python, "-m", "venv", scratch], pip_env, workdir), "venv")
    scratch_python = scratch / ("Scripts" if os.name == "nt" else "bin") / "python"
    must(
        run(
            [scratch_python, "-m", "pip", "install", "-q", *UPSTREAM_REQUIREMENTS],
            pip_env,
            workdir,
        ),
        "pip install",
    )
    env = django_env([workdir], upstream_db)
    check_package_location(scratch_python, env, workdir, scratch)
    must(run([scratch_python, "-m", "django", "migrate"], env, workdir), "migrate")
    print(f"  upstream recorded: {applied_migrations(upstream_db)}")

    print("== 2. ours against the upstream database")
    env = django_env([OUR_SOURCE, workdir], upstream_db)
    check_package_location(our_python, env, workdir, OUR_SOURCE)
    before = upstream_db.read_bytes()
    listing = must(
        run(
            [our_python, "-m", "django", "showmigrations", "token_blacklist"],
            env,
            workdir,
        ),
        "showmigrations",
    )
    print(listing.rstrip())
    unapplied = [line.strip() for line in listing.splitlines() if "[ ]" in line]
    foreign = [name for name in unapplied if "simplejwt_rs_" not in name]
    if foreign:
        raise CheckFailed(f"unapplied migrations other than ours: {foreign}")
    if not any("[X]" in line for line in listing.splitlines()):
        raise CheckFailed("showmigrations listed no applied token_blacklist migration")
    must(
        run(
            [our_python, "-m", "django", "makemigrations", "--check", "--dry-run"],
            env,
            workdir,
        ),
        "makemigrations --check (models differ from migrations?)",
    )
    if upstream_db.read_bytes() != before:
        raise CheckFailed("the checks modified the upstream database")

    forward_db = workdir / "upstream-then-ours.sqlite3"
    shutil.copyfile(upstream_db, forward_db)
    env = django_env([OUR_SOURCE, workdir], forward_db)
    must(
        run([our_python, "-m", "django", "migrate"], env, workdir),
        "migrate forward from upstream's database",
    )
    theirs, forward = schema_of(upstream_db), schema_of(forward_db)
    added = sorted(name for kind, name in forward.keys() - theirs.keys())
    changed = [key for key in theirs if forward.get(key) != theirs[key]]
    if changed or not all(name.startswith("sjwt_rs_") for name in added):
        raise CheckFailed(
            f"migrating forward changed {changed} or added {added} to upstream's tables"
        )
    print(f"  migrated forward; added to upstream's tables: {added}")

    print("== 3. ours on a fresh database, compared with upstream's")
    env = django_env([OUR_SOURCE, workdir], our_db)
    must(
        run(
            [
                our_python,
                "-m",
                "django",
                "migrate",
                "token_blacklist",
                "0013_alter_blacklistedtoken_options_and_more",
            ],
            env,
            workdir,
        ),
        "migrate (ours, up to upstream's 0013)",
    )
    problems = compare(upstream_db, our_db)
    if problems:
        raise CheckFailed("schema differences:\n" + "\n".join(problems))
    for (kind, name), sql in sorted(schema_of(upstream_db).items()):
        print(f"  identical {kind} {name}: {sql}")


def default_our_python() -> Path:
    candidate = REPO / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
    return candidate if candidate.exists() else Path(sys.executable)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--our-python",
        type=Path,
        default=default_our_python(),
        help="interpreter with Django for our package (default: the repo's .venv)",
    )
    parser.add_argument(
        "--base-python",
        default="python3",
        help="interpreter that creates the scratch virtualenv (default: python3)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="simplejwt-schema-"))
    try:
        check(workdir, args.our_python, args.base_python)
    except CheckFailed as exc:
        print(f"\nFAIL: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"(kept {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\nOK: upstream 5.5.1's database needs only our additive migrations, and")
    print(
        "our migrations up to 0013 create identical token_blacklist tables and indexes."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
