"""Mixed installs: upstream's djangorestframework-simplejwt beside ours.

Both distributions install the ``rest_framework_simplejwt`` package. The first
tests check the guard (``python/_simplejwt_rs_guard.py``) on package
directories laid out by hand. The others build our wheel (a debug build,
seconds once ``make build-dev`` has run), install it into throwaway
virtualenvs with djoser and upstream from PyPI, and play each case for real:
the README's recipe, the naive order, an upgrade that brings upstream back,
``pip uninstall djangorestframework-simplejwt``. Like the upgrade test, they
need PyPI (or pip's cache); ``SIMPLEJWT_NO_NETWORK=1`` skips them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUARD_SOURCE = REPO / "python" / "_simplejwt_rs_guard.py"
sys.path.insert(0, str(GUARD_SOURCE.parent))
import _simplejwt_rs_guard as guard  # noqa: E402

sys.path.remove(str(GUARD_SOURCE.parent))

UPSTREAM_INIT = '__version__ = "5.5.1"  # stands in for upstream\'s __init__.py\n'
OUR_INIT = (REPO / "python" / "rest_framework_simplejwt" / "__init__.py").read_text()

needs_network = pytest.mark.skipif(
    bool(os.environ.get("SIMPLEJWT_NO_NETWORK")),
    reason="SIMPLEJWT_NO_NETWORK is set; these tests install djoser and "
    "upstream from PyPI",
)


def fake_site(tmp_path: Path, *, init: str | None, ours: bool, upstream: bool):
    """A site-packages directory holding a rest_framework_simplejwt package
    with the given __init__.py, our only-ours file, upstream's dist-info."""
    site = tmp_path / "site-packages"
    package = site / "rest_framework_simplejwt"
    package.mkdir(parents=True)
    if init is not None:
        (package / "__init__.py").write_text(init)
    if ours:
        (package / "_native.pyi").write_text("")
    if upstream:
        (site / "djangorestframework_simplejwt-5.5.1.dist-info").mkdir()
    shutil.copy(GUARD_SOURCE, site / GUARD_SOURCE.name)
    return site, package


def test_our_init_carries_the_marker_the_guard_looks_for():
    assert guard.OUR_INIT_MARKER.decode() in OUR_INIT.splitlines()


def test_our_package_is_sound(tmp_path):
    _, package = fake_site(tmp_path, init=OUR_INIT, ours=True, upstream=True)
    assert guard.diagnose(str(package)) is None


def test_a_package_without_our_files_is_none_of_our_business(tmp_path):
    # Upstream installed alone (ours never was, or was uninstalled).
    _, package = fake_site(tmp_path, init=UPSTREAM_INIT, ours=False, upstream=True)
    assert guard.diagnose(str(package)) is None
    assert guard.diagnose(str(tmp_path / "nowhere")) is None


def test_upstream_files_over_ours_are_named_with_the_fix(tmp_path):
    _, package = fake_site(tmp_path, init=UPSTREAM_INIT, ours=True, upstream=True)
    problem = guard.diagnose(str(package))
    assert "djangorestframework-simplejwt 5.5.1 (upstream)" in problem
    assert "Fix: pip install --force-reinstall --no-deps " in problem
    assert problem.endswith("that deletes the files both share.")


def test_files_deleted_by_uninstalling_upstream_are_named_with_the_fix(tmp_path):
    _, package = fake_site(tmp_path, init=None, ours=True, upstream=False)
    problem = guard.diagnose(str(package))
    assert "`pip uninstall djangorestframework-simplejwt` deletes them" in problem
    assert "Fix: pip install --force-reinstall --no-deps " in problem


def _run_startup(site: Path, code: str) -> subprocess.CompletedProcess:
    # What the .pth line does, then ``code``; -S so that the interpreter's
    # own site-packages stay out of the way.
    script = (
        f"import sys; sys.path.insert(0, {str(site)!r}); "
        "import _simplejwt_rs_guard; _simplejwt_rs_guard.startup()\n" + code
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", script],
        capture_output=True,
        text=True,
        cwd=site,
        timeout=60,
    )


def test_startup_hook_makes_the_import_fail_with_the_message(tmp_path):
    site, _ = fake_site(tmp_path, init=UPSTREAM_INIT, ours=True, upstream=True)
    proc = _run_startup(
        site,
        "import importlib.util\n"
        "assert importlib.util.find_spec('rest_framework_simplejwt') is not None\n"
        "import rest_framework_simplejwt\n",
    )
    assert proc.returncode == 1
    assert "_simplejwt_rs_guard.MixedInstallError: " in proc.stderr
    assert "(upstream), not djangorestframework-simplejwt-rs" in proc.stderr


def test_startup_hook_stays_out_of_a_sound_install(tmp_path):
    site, _ = fake_site(tmp_path, init=OUR_INIT, ours=True, upstream=True)
    proc = _run_startup(
        site,
        "import sys\n"
        "assert not any(type(f).__module__ == '_simplejwt_rs_guard' "
        "for f in sys.meta_path), sys.meta_path\n",
    )
    assert proc.returncode == 0, proc.stderr


def test_startup_hook_leaves_another_copy_earlier_on_the_path_alone(tmp_path):
    site, _ = fake_site(tmp_path, init=UPSTREAM_INIT, ours=True, upstream=True)
    elsewhere = tmp_path / "elsewhere" / "rest_framework_simplejwt"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text("WHERE = 'elsewhere'\n")
    proc = _run_startup(
        site,
        f"sys.path.insert(0, {str(elsewhere.parent)!r})\n"
        "import rest_framework_simplejwt as p\n"
        "assert p.WHERE == 'elsewhere'\n",
    )
    assert proc.returncode == 0, proc.stderr


# --- real installs -------------------------------------------------------

README = REPO / "README.md"
RECIPE_MARKER = "<!-- recipe: packages that depend on upstream -->"

PROJECT_SETTINGS = """\
SECRET_KEY = "mixed-install-test-" + "k" * 50
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
ROOT_URLCONF = "mixed_urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "djoser",
] + (["rest_framework_simplejwt"] if WITH_APP else [])
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
}
"""

PROJECT_URLS = """\
from django.urls import include, path

urlpatterns = [path("auth/", include("djoser.urls.jwt"))]
"""

# Logs in through djoser's JWT endpoint and checks which engine did the work.
ENGINE_PROBE = """\
import sys
from pathlib import Path

import django

django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

import rest_framework_simplejwt
from rest_framework_simplejwt import backends
from rest_framework_simplejwt.tokens import AccessToken

call_command("check")
call_command("migrate", verbosity=0)
User.objects.create_user("alice", password="pw-alice-123")
response = Client().post(
    "/auth/jwt/create/", {"username": "alice", "password": "pw-alice-123"}
)
assert response.status_code == 200, response.content
access = AccessToken(response.json()["access"])
native = Path(backends._native.__file__).resolve()
assert Path(sys.prefix).resolve() in native.parents, native
print("version", rest_framework_simplejwt.__version__)
print("engine", native.name)
print("user_id", access["user_id"])
"""


def _clean_env(**extra: str) -> dict[str, str]:
    leaky = ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONHOME")
    env = {k: v for k, v in os.environ.items() if k not in leaky}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


class Venv:
    def __init__(self, root: Path, wheel: Path) -> None:
        self.root = root
        self.wheel = wheel
        self.python = root / "bin" / "python"
        subprocess.run(
            [sys.executable, "-m", "venv", str(root)], check=True, timeout=120
        )
        self.project = root.parent / "project"
        self.project.mkdir(exist_ok=True)
        (self.project / "mixed_urls.py").write_text(PROJECT_URLS)
        for with_app in (True, False):
            name = "with_app" if with_app else "without_app"
            (self.project / f"{name}.py").write_text(
                f"WITH_APP = {with_app}\n" + PROJECT_SETTINGS
            )
        (self.project / "probe.py").write_text(ENGINE_PROBE)

    def pip(self, *args: str) -> None:
        """``pip ...`` as a user types it, our distribution's name standing
        for the wheel built from this tree."""
        args = tuple(str(self.wheel) if a == guard.DISTRIBUTION else a for a in args)
        proc = subprocess.run(
            [str(self.python), "-m", "pip", "--disable-pip-version-check", *args],
            capture_output=True,
            text=True,
            env=_clean_env(),
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def run(self, *args: str, settings: str = "with_app", flags=()):
        env = _clean_env(DJANGO_SETTINGS_MODULE=settings, PYTHONPATH=str(self.project))
        return subprocess.run(
            [str(self.python), *flags, *args],
            capture_output=True,
            text=True,
            cwd=self.project,
            env=env,
            timeout=300,
        )

    def site_packages(self) -> Path:
        (found,) = self.root.glob("lib/python3*/site-packages")
        return found

    def assert_ours_in_use(self) -> None:
        proc = self.run("probe.py")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "version 0.1.0" in proc.stdout, proc.stdout
        assert "engine _native.abi3.so" in proc.stdout, proc.stdout

    def assert_refused(self, expected: str) -> None:
        """Every way in meets the same message: an import, Django's start-up
        with and without the app installed (a WSGI server runs no checks),
        and apps.py when no .pth file is processed."""
        site = str(self.site_packages())
        runs = {
            "import": self.run("-c", "import rest_framework_simplejwt.tokens"),
            "manage.py check": self.run("-m", "django", "check"),
            "wsgi request, app not installed": self.run(
                "-c",
                "from django.core.wsgi import get_wsgi_application\n"
                "from django.test import Client\n"
                "get_wsgi_application()\n"
                "Client(raise_request_exception=True).post('/auth/jwt/create/')\n",
                settings="without_app",
            ),
        }
        # -S: no site-packages processing, so no .pth, as with
        # `pip install --target` directories on PYTHONPATH.
        no_pth_env = _clean_env(
            DJANGO_SETTINGS_MODULE="with_app",
            PYTHONPATH=os.pathsep.join([str(self.project), site]),
        )
        runs["apps.py, no .pth processed"] = subprocess.run(
            [str(self.python), "-S", "-m", "django", "check"],
            capture_output=True,
            text=True,
            cwd=self.project,
            env=no_pth_env,
            timeout=300,
        )
        for case, proc in runs.items():
            assert proc.returncode != 0, case
            assert expected in proc.stderr, f"{case}:\n{proc.stderr[-3000:]}"
            # From the line naming the exception to the end.
            start = proc.stderr.rfind("\n", 0, proc.stderr.rindex(expected)) + 1
            message = proc.stderr[start:]
            assert "Fix: pip install --force-reinstall --no-deps " in message, case
            print(f"--- {case}\n{message}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    maturin = REPO / ".venv" / "bin" / "maturin"
    command = [str(maturin)] if maturin.exists() else [sys.executable, "-m", "maturin"]
    # Another maturin sharing target/ (make build-dev elsewhere) can move
    # target/maturin/lib_native.so away under this one: try again.
    for _attempt in range(3):
        proc = subprocess.run(
            [*command, "build", "--quiet", "-o", str(out)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if proc.returncode == 0:
            break
        time.sleep(5)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("*.whl")
    return built


def readme_recipe() -> list[list[str]]:
    text = README.read_text()
    assert RECIPE_MARKER in text, "the README lost its recipe"
    block = re.search(r"```\n(.*?)```", text[text.index(RECIPE_MARKER) :], re.S)
    commands = []
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert line.startswith("pip install "), line
            commands.append(line.split()[1:])
    return commands


def test_readme_recipe_reads_as_expected():
    commands = readme_recipe()
    assert commands[-1] == [
        "install",
        "--force-reinstall",
        "--no-deps",
        "djangorestframework-simplejwt-rs",
    ]


@needs_network
def test_readme_recipe_with_djoser_runs_our_engine(tmp_path, wheel):
    venv = Venv(tmp_path / "venv", wheel)
    for command in readme_recipe():
        venv.pip(*command)
    venv.assert_ours_in_use()
    # An upgrade of a dependent that re-installs upstream, then the recipe's
    # last line again.
    venv.pip(
        "install",
        "--force-reinstall",
        "--no-deps",
        "djangorestframework-simplejwt==5.5.1",
    )
    venv.assert_refused("(upstream), not djangorestframework-simplejwt-rs")
    venv.pip(*readme_recipe()[-1])
    venv.assert_ours_in_use()


@needs_network
def test_naive_order_then_uninstalling_upstream(tmp_path, wheel):
    venv = Venv(tmp_path / "venv", wheel)
    venv.pip("install", "djangorestframework-simplejwt-rs")
    venv.pip("install", "djoser")  # lays upstream's files over ours
    venv.assert_refused("(upstream), not djangorestframework-simplejwt-rs")

    venv.pip("install", "--force-reinstall", "--no-deps", guard.DISTRIBUTION)
    venv.assert_ours_in_use()

    venv.pip("uninstall", "--yes", "djangorestframework-simplejwt")
    venv.assert_refused("has lost the files djangorestframework-simplejwt-rs shares")

    # The repair the message gives, djoser needing upstream installed.
    venv.pip("install", "djangorestframework-simplejwt")
    venv.pip("install", "--force-reinstall", "--no-deps", guard.DISTRIBUTION)
    venv.assert_ours_in_use()
