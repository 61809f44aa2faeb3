"""A throwaway redis-server for the revocation tests.

``SIMPLEJWT_TEST_REDIS_URL`` (exported by .ci/run through .ci/redis.sh) names
a running server; tests that must stop or restart Redis start their own with
``RedisServer``. Without the ``redis-server`` binary (Debian: apt-get install
redis-server) or the ``redis`` client package, the tests that need Redis are
skipped, except under CI=true, where they fail.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

ENV = "SIMPLEJWT_TEST_REDIS_URL"


def missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the Redis tests, but {reason}")
    pytest.skip(
        f"Redis tests not run: {reason}. Install redis-server and the redis "
        'package, or start one with `eval "$(bash .ci/redis.sh start)"`.'
    )


def require_client() -> None:
    try:
        import redis  # noqa: F401
    except ImportError:
        missing("the redis package is not installed (pip install redis)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on 127.0.0.1, no persistence, in its own directory."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server is not installed")
        require_client()
        self.binary = binary
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="simplejwt-redis-")
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until(up=True)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        self.wait_until(up=False)

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def wait_until(self, up: bool) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    if up:
                        return
            except OSError:
                if not up:
                    return
            time.sleep(0.05)
        raise RuntimeError(
            f"redis-server on port {self.port} did not go {'up' if up else 'down'}"
        )

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def cache_settings(url: str | None) -> dict:
    """The "revocation" cache alias: Redis at ``url``, else local memory."""
    if url:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # Fail fast when Redis is down; the database answers then.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "revocation": {**backend, "KEY_PREFIX": f"t{os.getpid()}"},
    }
