"""Builds the release wheel and checks what a user would install.

Usage (from anywhere; paths are resolved relative to the repository):

    python scripts/check_wheel.py             # build, inspect, install, import
    python scripts/check_wheel.py --keep      # keep the temporary directory
    python scripts/check_wheel.py --wheel W   # check an already built wheel

Steps:

1. ``maturin build --release --compatibility pypi -o <tmp>`` (the
   repository's .venv/bin/maturin if present, else ``python -m maturin``), as
   ``make wheel`` does.
2. Checks the wheel: an abi3 tag; a platform tag a package index accepts
   (manylinux or musllinux on Linux, never the bare ``linux_*``); the native module
   ``rest_framework_simplejwt/_native.abi3.so`` exactly once; ``_native.pyi``
   and ``py.typed``; every ``.py`` module, every compiled translation
   (``locale/*/LC_MESSAGES/django.mo``) and every token_blacklist migration of
   the source tree.
3. Installs the wheel into a fresh virtualenv (``python3 -m venv``; Django and
   Django REST framework come from the package index as its dependencies) and,
   in that virtualenv, configures a minimal Django project, runs the
   token_blacklist migrations, and mints, signs and verifies tokens with the
   installed package (checking it is imported from the virtualenv, not from
   this source tree).

Exits non-zero, naming each problem, if anything is missing or fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "python" / "rest_framework_simplejwt"
PACKAGE_NAME = "rest_framework_simplejwt"

SMOKE_TEST = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="check-wheel-secret-key-" + "x" * 40,
        USE_TZ=True,
        USE_I18N=True,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "rest_framework",
            "rest_framework_simplejwt",
            "rest_framework_simplejwt.token_blacklist",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()

    import rest_framework_simplejwt
    from django.core.management import call_command
    from django.utils import translation
    from django.utils.translation import gettext

    from rest_framework_simplejwt import _native
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    location = Path(rest_framework_simplejwt.__file__).resolve()
    assert Path(sys.prefix).resolve() in location.parents, location
    assert Path(_native.__file__).name == "_native.abi3.so", _native.__file__
    assert len(_native.ALGORITHMS) == 14, _native.ALGORITHMS

    call_command("migrate", verbosity=0)
    token = AccessToken()
    assert AccessToken(str(token)).payload == token.payload
    refresh = RefreshToken()
    assert RefreshToken(str(refresh)).access_token["token_type"] == "access"
    try:
        AccessToken(str(token)[:-2])
    except TokenError:
        pass
    else:
        raise AssertionError("a damaged token was accepted")
    assert OutstandingToken.objects.count() == 0

    with translation.override("fr"):
        french = gettext("Token is invalid")
    assert french != "Token is invalid", french

    print(f"installed {rest_framework_simplejwt.__version__} at {location.parent}")
    print(f"native module {_native.__file__}")
    print(f"fr: 'Token is invalid' -> {french!r}")
    """
)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def maturin_command() -> list[str]:
    local = REPO / ".venv" / "bin" / "maturin"
    if local.exists():
        return [str(local)]
    found = shutil.which("maturin")
    return [found] if found else [sys.executable, "-m", "maturin"]


def build_wheel(out_dir: Path) -> Path:
    # --compatibility pypi: the lowest manylinux tag the binary's glibc
    # symbols allow, and an error rather than a bare linux_* tag, which
    # package indexes refuse.
    run(
        [
            *maturin_command(),
            "build",
            "--release",
            "--compatibility",
            "pypi",
            "-o",
            str(out_dir),
        ],
        cwd=REPO,
    )
    wheels = sorted(out_dir.glob("*.whl"))
    if len(wheels) != 1:
        sys.exit(f"check_wheel: expected one wheel in {out_dir}, found {wheels}")
    return wheels[0]


def expected_members() -> set[str]:
    members = {
        # The mixed-install guard lives outside the package (see its docstring).
        "_simplejwt_rs_guard.py",
        "_simplejwt_rs_guard.pth",
        f"{PACKAGE_NAME}/_native.abi3.so",
        f"{PACKAGE_NAME}/_native.pyi",
        f"{PACKAGE_NAME}/py.typed",
    }
    for path in PACKAGE.rglob("*"):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if "__pycache__" in relative:
            continue
        if path.suffix == ".py" or (path.name == "django.mo" and "locale" in relative):
            members.add(relative)
    return members


def inspect_wheel(wheel: Path) -> list[str]:
    problems = []
    if "-abi3-" not in wheel.name:
        problems.append(f"{wheel.name} is not an abi3 wheel")
    platform_tag = wheel.name.removesuffix(".whl").rsplit("-", 1)[-1]
    if platform_tag.startswith("linux_"):
        problems.append(
            f"{wheel.name}: platform tag {platform_tag} is refused by package "
            "indexes; build with --compatibility pypi (make wheel)"
        )
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    present = set(names)
    expected = expected_members()
    for member in sorted(expected - present):
        problems.append(f"missing from the wheel: {member}")
    native = [name for name in names if name.endswith("_native.abi3.so")]
    if len(native) != 1:
        problems.append(f"the native module appears {len(native)} times: {native}")
    mo_files = [name for name in names if name.endswith("/LC_MESSAGES/django.mo")]
    migrations = [
        name
        for name in names
        if "/token_blacklist/migrations/" in name and name.endswith(".py")
    ]
    if len(mo_files) < 25:
        problems.append(f"only {len(mo_files)} compiled translations in the wheel")
    if not any(
        name.endswith("0013_alter_blacklistedtoken_options_and_more.py")
        for name in migrations
    ):
        problems.append("token_blacklist migration 0013 is missing")
    stray = [
        name
        for name in names
        if name.endswith((".pyc", ".po~", ".orig", ".rej")) or "__pycache__" in name
    ]
    if stray:
        problems.append(f"stray files in the wheel: {stray}")
    print(
        f"check_wheel: {wheel.name}: {len(names)} files, native module {native}, "
        f"{len(mo_files)} translations, {len(migrations)} migration modules"
    )
    return problems


def install_and_import(wheel: Path, work: Path) -> None:
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel),
        ]
    )
    smoke = work / "smoke_test.py"
    smoke.write_text(SMOKE_TEST)
    # A clean environment: nothing from this checkout on the path.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")
    }
    run([str(python), str(smoke)], cwd=work, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheel", type=Path, help="check this wheel instead of building one"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="check_wheel-"))
    try:
        wheel = args.wheel.resolve() if args.wheel else build_wheel(work / "dist")
        problems = inspect_wheel(wheel)
        if problems:
            for problem in problems:
                print(f"check_wheel: {problem}", file=sys.stderr)
            return 1
        install_and_import(wheel, work)
    except subprocess.CalledProcessError as e:
        print(f"check_wheel: command failed ({e.returncode}): {e.cmd}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"check_wheel: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("check_wheel: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
