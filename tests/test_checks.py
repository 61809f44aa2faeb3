"""The start-up checks of the configured keys (manage.py check)."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

from rest_framework_simplejwt.checks import check_key_strength, check_keys

KEYS = Path(__file__).parent / "keys"
RSA_PRIVATE = (KEYS / "rsa_private_pkcs8.pem").read_text()
RSA_PUBLIC = (KEYS / "rsa_public_spki.pem").read_text()
P256_PUBLIC = (KEYS / "p256_public.pem").read_text()


def ids(problems):
    return sorted(problem.id for problem in problems)


def test_default_settings_pass():
    assert check_keys() == []


@override_settings(SIMPLE_JWT={"SIGNING_KEY": "short"})
def test_short_hmac_secret_is_a_deployment_warning():
    # Short secrets work (upstream's docs use one), so only --deploy warns.
    assert check_keys() == []
    problems = check_key_strength()
    assert ids(problems) == ["simplejwt.W002"]
    assert "5 bytes" in problems[0].msg


def test_long_secret_passes_the_deployment_check():
    assert check_key_strength() == []


@override_settings(SIMPLE_JWT={"ALGORITHM": "RS256"})
def test_secret_key_as_rsa_key_is_an_error():
    # SIGNING_KEY defaults to SECRET_KEY, which is no PEM key.
    problems = check_keys()
    assert "simplejwt.E002" in ids(problems)
    assert "RS256" in " ".join(problem.msg for problem in problems)


@override_settings(
    SIMPLE_JWT={"ALGORITHM": "RS256", "SIGNING_KEY": None, "VERIFYING_KEY": RSA_PUBLIC}
)
def test_verify_only_service_is_warned_not_refused():
    assert ids(check_keys()) == ["simplejwt.W001"]


@override_settings(
    SIMPLE_JWT={
        "ALGORITHM": "RS256",
        "SIGNING_KEY": RSA_PRIVATE,
        "VERIFYING_KEY": P256_PUBLIC,
    }
)
def test_verifying_key_of_the_wrong_kind_is_named():
    problems = check_keys()
    assert ids(problems) == ["simplejwt.E002"]
    assert "EC key on P-256" in problems[0].msg


RSA_1024_PRIVATE = (KEYS / "rsa1024_private.pem").read_text()


@override_settings(
    SIMPLE_JWT={
        "ALGORITHM": "RS256",
        "SIGNING_KEY": RSA_1024_PRIVATE,
        "VERIFYING_KEY": RSA_PUBLIC,
    }
)
def test_a_short_rsa_signing_key_is_an_error_not_a_warning():
    # Upstream accepted 1024-bit keys; a project switching with one must
    # hear it from `manage.py check`, even with a valid verifying key.
    problems = check_keys()
    assert ids(problems) == ["simplejwt.E003"]
    assert "at least 2048 bits" in problems[0].msg


@override_settings(SIMPLE_JWT={"ALGORITHM": "RS256", "SIGNING_KEY": RSA_PRIVATE})
def test_private_key_alone_is_enough():
    assert check_keys() == []


@override_settings(SIMPLE_JWT={"ALGORITHM": "HS256", "SIGNING_KEY": RSA_PUBLIC})
def test_public_key_as_hmac_secret_is_refused():
    problems = check_keys()
    assert ids(problems) == ["simplejwt.E002"]
    assert "asymmetric" in problems[0].msg


# A fresh process, as `manage.py check` is: the first import of
# rest_framework_simplejwt.state happens under the bad setting.
_UNKNOWN_ALGORITHM_SETTINGS = """
SECRET_KEY = "check-test-" + "k" * 50
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_simplejwt",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "check_urls"
SIMPLE_JWT = {"ALGORITHM": "HS999"}
"""


def _manage_check(tmp_path, urls: str):
    (tmp_path / "check_settings.py").write_text(_UNKNOWN_ALGORITHM_SETTINGS)
    (tmp_path / "check_urls.py").write_text(urls)
    # rest_framework_simplejwt comes from wherever this interpreter finds it
    # (the editable build in .venv, the wheel in CI's matrix).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "check_settings",
        "PYTHONPATH": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_unknown_algorithm_is_reported_as_e001_by_manage_py_check(tmp_path):
    proc = _manage_check(tmp_path, "urlpatterns = []\n")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "(simplejwt.E001)" in proc.stderr
    assert "Unrecognized algorithm type 'HS999'" in proc.stderr
    assert "HS256" in proc.stderr  # the hint lists the algorithms


def test_unknown_algorithm_is_e001_when_the_urlconf_imports_the_views(tmp_path):
    # Django's URL checks import the URLconf, so the views, before or after
    # ours: importing them must not build the backend.
    urls = (
        "from django.urls import path\n"
        "from rest_framework_simplejwt.views import TokenObtainPairView\n"
        "urlpatterns = [path('api/token/', TokenObtainPairView.as_view())]\n"
    )
    proc = _manage_check(tmp_path, urls)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "(simplejwt.E001)" in proc.stderr


def _oversized_rsa_public_key(bits: int) -> str:
    # Only the public half is parsed, so any odd modulus of that size will
    # do; generating a real key this large takes seconds.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    modulus = (1 << (bits - 1)) | 1
    public = rsa.RSAPublicNumbers(65537, modulus).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_rsa_verifying_key_above_8192_bits_is_reported_with_its_size():
    # aws-lc verifies RSA signatures with keys of at most 8192 bits; a larger
    # one used to fail every token as "Token is invalid" with no hint.
    oversized = _oversized_rsa_public_key(8200)
    with override_settings(
        SIMPLE_JWT={
            "ALGORITHM": "RS256",
            "SIGNING_KEY": RSA_PRIVATE,
            "VERIFYING_KEY": oversized,
        }
    ):
        problems = check_keys()
    assert ids(problems) == ["simplejwt.E002"]
    assert "8192" in problems[0].msg and "8200" in problems[0].msg
    with override_settings(
        SIMPLE_JWT={
            "ALGORITHM": "RS256",
            "SIGNING_KEY": RSA_PRIVATE,
            "VERIFYING_KEY": _oversized_rsa_public_key(8192),
        }
    ):
        assert check_keys() == []
