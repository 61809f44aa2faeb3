"""Django settings for the test suite (pytest-django reads DJANGO_SETTINGS_MODULE)."""

import os

import django

SECRET_KEY = "test-suite-secret-key-that-is-long-enough-for-hs512-use-0123456789"
DEBUG = False
USE_TZ = True
USE_I18N = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
    }
}
if os.environ.get("SIMPLEJWT_TEST_POSTGRES"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PGDATABASE", "simplejwt_test"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
    }
elif os.environ.get("SIMPLEJWT_TEST_SQLITE_FILE"):
    # A database file that several threads open at once (tests/
    # test_refresh_race.py); an in-memory one is private to a connection.
    # Writers wait up to 30 s for the lock rather than failing with
    # "database is locked"; IMMEDIATE transactions take the write lock when
    # they begin, so a transaction never has to upgrade a read lock (the
    # case SQLite answers "locked" at once, without waiting).
    _sqlite_file = os.environ["SIMPLEJWT_TEST_SQLITE_FILE"]
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _sqlite_file,
        "TEST": {"NAME": _sqlite_file},
        "OPTIONS": {"timeout": 30},
    }
    if django.VERSION >= (5, 1):
        DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
if os.environ.get("SIMPLEJWT_TEST_DB_NAME"):
    # Lets concurrent runs (or a run and a developer's) use their own
    # PostgreSQL test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SIMPLEJWT_TEST_DB_NAME"]}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.request",
            ]
        },
    }
]

# Fast hashing keeps user-creating tests quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SIMPLE_JWT = {}
