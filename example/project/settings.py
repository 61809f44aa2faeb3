"""Settings of the example project: a typical project using simplejwt.

The JWT part follows USER-QUICKSTART.md (the settings block, the URLs, the
authentication classes); the rest is what ``django-admin startproject`` gives,
trimmed. A few environment variables let the benchmark and CI reuse it:

``EXAMPLE_DEBUG``       "0" switches DEBUG off (default "1")
``EXAMPLE_DB``          path of the SQLite file (default example/db.sqlite3)
``EXAMPLE_SECRET_KEY``  SECRET_KEY, which is also the JWT signing key
``EXAMPLE_ALLOWED_HOSTS`` comma-separated extra hosts (DEBUG off)
``EXAMPLE_ROTATE``      "0" switches refresh-token rotation off (default "1"), so
                        one refresh token can be reused (the benchmark's load)
``EXAMPLE_SECURE_COOKIES`` "1" marks the token cookies Secure (behind HTTPS)
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A development key; both packages accept tokens signed with it.
SECRET_KEY = os.environ.get(
    "EXAMPLE_SECRET_KEY",
    "django-insecure-example-project-key-do-not-use-in-production",
)
DEBUG = os.environ.get("EXAMPLE_DEBUG", "1") != "0"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    host for host in os.environ.get("EXAMPLE_ALLOWED_HOSTS", "").split(",") if host
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB") or BASE_DIR / "db.sqlite3",
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
    ],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    # Each refresh hands out a new refresh token and revokes the one used, so
    # a stolen refresh token works at most once (the demo shows the refusal).
    "ROTATE_REFRESH_TOKENS": os.environ.get("EXAMPLE_ROTATE", "1") != "0",
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "VERIFYING_KEY": "",
    "AUDIENCE": None,
    "ISSUER": None,
    "JSON_ENCODER": None,
    "JWK_URL": None,
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "USER_AUTHENTICATION_RULE": "rest_framework_simplejwt.authentication.default_user_authentication_rule",
    "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.AccessToken",),
    "TOKEN_TYPE_CLAIM": "token_type",
    "TOKEN_USER_CLASS": "rest_framework_simplejwt.models.TokenUser",
    "JTI_CLAIM": "jti",
    "SLIDING_TOKEN_REFRESH_EXP_CLAIM": "refresh_exp",
    "SLIDING_TOKEN_LIFETIME": timedelta(minutes=5),
    "SLIDING_TOKEN_REFRESH_LIFETIME": timedelta(days=1),
    "TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "rest_framework_simplejwt.serializers.TokenVerifySerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "rest_framework_simplejwt.serializers.TokenBlacklistSerializer",
    "SLIDING_TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainSlidingSerializer",
    "SLIDING_TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSlidingSerializer",
    # HttpOnly cookies (djangorestframework-simplejwt-rs; upstream ignores
    # these): the api/cookie/ URLs and the /app/ page's cookie mode. The
    # refresh cookie's path is derived from the URLconf: /api/cookie/token/.
    "AUTH_COOKIE": "access_token",
    "AUTH_REFRESH_COOKIE": "refresh_token",
    "AUTH_COOKIE_SAMESITE": "Lax",
    "AUTH_COOKIE_SECURE": os.environ.get("EXAMPLE_SECURE_COOKIES", "0") == "1",
}

# The two-service key rotation of example/rotation.py (run by `make demo`):
# EXAMPLE_SERVICE=auth issues tokens with the ES256 key in the file
# EXAMPLE_SIGNING_KEY_FILE, named EXAMPLE_SIGNING_KEY_ID, and publishes its
# JWKS (with EXAMPLE_VERIFYING_KEYS, a JSON object of key id to public JWK);
# EXAMPLE_SERVICE=api holds no key and verifies through EXAMPLE_JWK_URL.
# These settings exist in djangorestframework-simplejwt-rs only.
if os.environ.get("EXAMPLE_SERVICE") == "auth":
    import json

    SIMPLE_JWT.update(
        ALGORITHM="ES256",
        SIGNING_KEY=Path(os.environ["EXAMPLE_SIGNING_KEY_FILE"]).read_text(),
        VERIFYING_KEY="",
        SIGNING_KEY_ID=os.environ["EXAMPLE_SIGNING_KEY_ID"],
        VERIFYING_KEYS=json.loads(os.environ.get("EXAMPLE_VERIFYING_KEYS", "{}")),
    )
elif os.environ.get("EXAMPLE_SERVICE") == "api":
    SIMPLE_JWT.update(
        ALGORITHM="ES256",
        SIGNING_KEY=None,
        VERIFYING_KEY="",
        JWK_URL=os.environ["EXAMPLE_JWK_URL"],
    )
    # A verify-only service: it cannot issue tokens, by design.
    SILENCED_SYSTEM_CHECKS = ["simplejwt.W001"]

# Access-token revocation (ours, opt-in), for bench/e2e.py's revocation rows:
# EXAMPLE_ACCESS_REVOCATION=1 switches it on (database only);
# EXAMPLE_REDIS_URL also puts Redis in front of the database (BLACKLIST_CACHE).
if os.environ.get("EXAMPLE_ACCESS_REVOCATION") == "1":
    SIMPLE_JWT["ACCESS_TOKEN_REVOCATION"] = True
    if os.environ.get("EXAMPLE_REDIS_URL"):
        CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "revocation": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ["EXAMPLE_REDIS_URL"],
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            },
        }
        SIMPLE_JWT["BLACKLIST_CACHE"] = "revocation"
