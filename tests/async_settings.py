"""Settings of the uvicorn child process of tests/test_async_auth.py: the
suite's, with a SQLite file (SIMPLEJWT_TEST_SQLITE_FILE) and the async views'
URLconf."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.async_views"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The cookie view needs a cookie name; the tokens stay in the body too.
SIMPLE_JWT = {"AUTH_COOKIE": "access", "AUTH_COOKIE_TOKENS_IN_BODY": True}
