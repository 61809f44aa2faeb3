"""Packaging: what ``pip install`` gives a user.

The install tests build a release wheel (minutes from a cold cache) and
install it into fresh virtualenvs, so they run only when asked:

    RUN_PACKAGING_TESTS=1 .venv/bin/python -m pytest tests/test_packaging.py

The checks of the source tree below always run.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (CI's matrix)
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "python" / "rest_framework_simplejwt"

packaging_tests = pytest.mark.skipif(
    os.environ.get("RUN_PACKAGING_TESTS") != "1",
    reason="slow: builds a release wheel; set RUN_PACKAGING_TESTS=1",
)


def test_pyproject_ships_the_native_module_and_the_translations():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "djangorestframework-simplejwt-rs"
    maturin = pyproject["tool"]["maturin"]
    assert maturin["python-source"] == "python"
    assert maturin["module-name"] == "rest_framework_simplejwt._native"
    included = [
        entry if isinstance(entry, str) else entry["path"]
        for entry in maturin["include"]
    ]
    assert "python/rest_framework_simplejwt/locale/**/*.mo" in included
    # The mixed-install guard sits beside the package, outside it.
    assert "python/_simplejwt_rs_guard.py" in included
    assert "python/_simplejwt_rs_guard.pth" in included
    assert (PACKAGE / "_native.pyi").is_file()
    assert (PACKAGE / "py.typed").is_file()
    compiled = list(PACKAGE.glob("locale/*/LC_MESSAGES/django.mo"))
    assert len(compiled) >= 25
    for mo in compiled:
        assert mo.with_suffix(".po").is_file(), mo


def test_the_stub_matches_the_native_module():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "check_stub.py")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@packaging_tests
def test_check_wheel_script():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "check_wheel.py")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "check_wheel: OK" in result.stdout


@packaging_tests
def test_pip_install_from_the_source_tree(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(REPO)],
        check=True,
        timeout=3600,
    )
    script = textwrap.dedent(
        """
        import sys
        import django
        from django.conf import settings

        settings.configure(
            SECRET_KEY="pip-install-test-" + "k" * 50,
            USE_TZ=True,
            INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                            "rest_framework_simplejwt"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                                   "NAME": ":memory:"}},
        )
        django.setup()
        import rest_framework_simplejwt
        from rest_framework_simplejwt.tokens import AccessToken

        assert rest_framework_simplejwt.__file__.startswith(sys.prefix)
        token = AccessToken()
        assert AccessToken(str(token)).payload == token.payload
        print(rest_framework_simplejwt.__version__)
        """
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [str(python), "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0.1.0"


def test_importing_authentication_leaves_django_test_unloaded():
    # django.test (the test client, TestCase, unittest) costs a server tens
    # of milliseconds at start-up; setting_changed lives in django.core.
    script = textwrap.dedent(
        """
        import sys
        import django
        from django.conf import settings
        settings.configure(
            SECRET_KEY="k" * 50,
            INSTALLED_APPS=[
                "django.contrib.contenttypes",
                "django.contrib.auth",
                "rest_framework",
                "rest_framework_simplejwt",
                "rest_framework_simplejwt.token_blacklist",
            ],
        )
        django.setup()
        # What DRF itself loads is not ours to avoid: with Django 4.2 and
        # psycopg installed, DRF's serializers reach django.test through
        # django.contrib.postgres.
        import rest_framework.generics
        import rest_framework.serializers
        before = {m for m in sys.modules if m.startswith("django.test")}
        import rest_framework_simplejwt.authentication
        import rest_framework_simplejwt.views
        print(sorted(m for m in sys.modules if m.startswith("django.test") and m not in before))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
