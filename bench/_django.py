"""Django set up for the scripts that run inside a bench virtualenv.

micro.py and probes.py run unchanged in the upstream venv and in ours; both
import this, so the two packages see exactly the same settings: SQLite in
memory, one user row, simplejwt's default claims, access and sliding tokens
living 2 hours (longer than any run), and the keys of tests/keys/ (a 64-byte secret for HS256). The blacklist app is not
installed, so no token operation writes to the database.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

KEYS = Path(__file__).resolve().parent.parent / "tests" / "keys"

# 64 bytes; benches/floor.rs uses the same secret.
HS256_SECRET = "bench-hs256-secret-000000000000000000000000000000000000000000064"

# (private key file, public key file) under tests/keys/.
KEY_FILES = {
    "RS256": ("rsa_private_pkcs8.pem", "rsa_public_spki.pem"),
    "ES256": ("p256_private_pkcs8.pem", "p256_public.pem"),
    "EdDSA": ("ed25519_private.pem", "ed25519_public.pem"),
}

USERNAME = "bench"


def simple_jwt_settings(algorithm: str) -> dict:
    if algorithm == "HS256":
        signing, verifying = HS256_SECRET, ""
    else:
        private, public = KEY_FILES[algorithm]
        signing = (KEYS / private).read_text()
        verifying = (KEYS / public).read_text()
    return {
        "ALGORITHM": algorithm,
        "SIGNING_KEY": signing,
        "VERIFYING_KEY": verifying,
        "ROTATE_REFRESH_TOKENS": False,
        "UPDATE_LAST_LOGIN": False,
        # The tokens a worker mints at start-up must outlive the longest
        # run (make bench FULL=1); benches/floor.rs uses the same lifetimes.
        "ACCESS_TOKEN_LIFETIME": timedelta(hours=2),
        "SLIDING_TOKEN_LIFETIME": timedelta(hours=2),
    }


def setup(algorithm: str, database: str = ":memory:"):
    """Configures Django for ``algorithm`` on the SQLite ``database``, creates
    the tables and the user; returns the user."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-django-secret-key-not-the-jwt-key",
        USE_TZ=True,
        TIME_ZONE="UTC",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "rest_framework_simplejwt",
        ],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
        },
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        # Creating the user is set-up, not measured; keep it quick.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SIMPLE_JWT=simple_jwt_settings(algorithm),
    )
    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return get_user_model().objects.create_user(USERNAME, password="bench-password")


def package_info() -> dict:
    """Which rest_framework_simplejwt this interpreter runs, and the versions
    of everything around it."""
    from importlib import metadata

    import rest_framework_simplejwt

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    try:
        from rest_framework_simplejwt import _native  # noqa: F401

        engine = "rust"
    except ImportError:
        engine = "pyjwt"
    return {
        "python": sys.version.split()[0],
        "module": rest_framework_simplejwt.__file__,
        "engine": engine,
        "versions": {
            dist: version(dist)
            for dist in (
                "djangorestframework-simplejwt",
                "djangorestframework-simplejwt-rs",
                "Django",
                "djangorestframework",
                "PyJWT",
                "cryptography",
            )
        },
    }
