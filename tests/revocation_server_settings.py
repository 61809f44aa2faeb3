"""Settings of the gunicorn server in tests/test_revocation_multiprocess.py:
the suite's, on the PostgreSQL database SIMPLEJWT_SERVER_DB and the Redis
server SIMPLEJWT_TEST_REDIS_URL, with every revocation feature on."""

import os

from tests.redis_support import cache_settings
from tests.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.revocation_urls"
MIDDLEWARE = [*MIDDLEWARE, "tests.revocation_urls.WorkerPidMiddleware"]  # noqa: F405
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["SIMPLEJWT_SERVER_DB"],
        "USER": os.environ.get("PGUSER", "postgres"),
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
    }
}
CACHES = cache_settings(os.environ["SIMPLEJWT_TEST_REDIS_URL"])
CACHES["revocation"]["KEY_PREFIX"] = "server"
SIMPLE_JWT = {
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "REFRESH_TOKEN_REUSE_DETECTION": True,
    "ACCESS_TOKEN_REVOCATION": True,
    "BLACKLIST_CACHE": "revocation",
}
