"""Fault tests: the revocation features with Redis failing under them.

Each test runs its own redis-server (tests/redis_support.py), so that it can
stop, flush or freeze it; the database (the suite's SQLite) stays the source
of truth throughout. (A PostgreSQL connection dropped in the middle of a
rotation is tests/test_revocation.py's
test_connection_dropped_during_rotation_leaves_no_half_rotated_family, run
on PostgreSQL by tests/test_revocation_backends.py.)
"""

import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import caches
from rest_framework.test import APIClient

from rest_framework_simplejwt import revocation
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.utils import aware_utcnow
from tests import redis_support

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.revocation_urls"),
]

BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}


@pytest.fixture
def redis_server():
    server = redis_support.RedisServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def setup(settings, redis_server, django_user_model):
    settings.CACHES = redis_support.cache_settings(redis_server.url)
    settings.SIMPLE_JWT = {
        "ROTATE_REFRESH_TOKENS": True,
        "BLACKLIST_AFTER_ROTATION": True,
        "REFRESH_TOKEN_REUSE_DETECTION": True,
        "ACCESS_TOKEN_REVOCATION": True,
        "BLACKLIST_CACHE": "revocation",
    }
    for name in ("alice", "bob"):
        django_user_model.objects.create_user(name, password="pw")
    yield redis_server
    caches["revocation"].close()


def login(client, username):
    response = client.post(
        "/api/token/", {"username": username, "password": "pw"}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def whoami(client, access):
    return client.get("/api/whoami/stateless/", HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(client, token):
    return client.post("/api/token/refresh/", {"refresh": token}, format="json")


def cached_keys(server) -> list:
    return server.client().keys("*simplejwt-rs*")


def test_redis_stopped_mid_test_decisions_come_from_the_database(setup, caplog):
    server = setup
    client = APIClient()
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        alice, bob = login(client, "alice"), login(client, "bob")
        alice_old = login(client, "alice")["refresh"]
        alice_rotated = refresh(client, alice_old).json()["refresh"]
        for session in (alice, bob):
            assert whoami(client, session["access"]).status_code == 200
        assert cached_keys(server)  # the cache was in use

    server.stop()
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        # Still answered, from the database.
        assert whoami(client, alice["access"]).status_code == 200
        # Revocations made while Redis is down land in the database.
        revocation.logout_everywhere(get_user_model().objects.get(username="alice"))
        assert whoami(client, alice["access"]).json() == BLACKLISTED
        assert refresh(client, alice["refresh"]).json() == BLACKLISTED
        assert whoami(client, bob["access"]).status_code == 200
        bob_next = refresh(client, bob["refresh"])
        assert bob_next.status_code == 200
        # Reuse detection still works: bob's first token replayed.
        assert refresh(client, bob["refresh"]).json() == BLACKLISTED
        assert refresh(client, bob_next.json()["refresh"]).json() == BLACKLISTED
        assert refresh(client, alice_rotated).json() == BLACKLISTED
    assert "revocation cache read failed" in caplog.text

    server.start()  # back, empty
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        assert whoami(client, alice["access"]).json() == BLACKLISTED
        assert refresh(client, alice["refresh"]).json() == BLACKLISTED
        assert whoami(client, bob["access"]).status_code == 200
        fresh = login(client, "alice")
        assert whoami(client, fresh["access"]).status_code == 200


def test_redis_flushed_nothing_revoked_comes_back(setup):
    server = setup
    client = APIClient()
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        alice, bob = login(client, "alice"), login(client, "bob")
        single = login(client, "bob")
        logged_out = login(client, "bob")["refresh"]
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        revocation.logout_everywhere(get_user_model().objects.get(username="alice"))
        revocation.revoke_access_token(AccessToken(single["access"]))
        client.post("/api/token/blacklist/", {"refresh": logged_out}, format="json")
        for check in range(2):
            assert whoami(client, alice["access"]).json() == BLACKLISTED
            assert refresh(client, alice["refresh"]).json() == BLACKLISTED
            assert whoami(client, single["access"]).json() == BLACKLISTED
            assert refresh(client, logged_out).json() == BLACKLISTED
            assert whoami(client, bob["access"]).status_code == 200
            if check == 0:
                assert cached_keys(server)
                server.client().flushall()
                assert cached_keys(server) == []


def test_redis_down_during_a_revocation_then_back_with_old_data(setup, settings):
    # The documented limit: if the cache cannot be written when a token is
    # revoked and comes back still holding an older "not revoked" answer
    # (here: restarted from a snapshot taken before), that answer is served
    # until it times out, REVOCATION_CACHE_TIMEOUT after it was cached.
    server = setup
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "REVOCATION_CACHE_TIMEOUT": 3}
    client = APIClient()
    session = login(client, "bob")
    assert whoami(client, session["access"]).status_code == 200  # cached
    cached_at = time.monotonic()
    server.client().save()
    server.stop()
    revocation.revoke_access_token(AccessToken(session["access"]))
    assert whoami(client, session["access"]).json() == BLACKLISTED  # database
    server.start()  # loads the snapshot: the old answer is back
    answers = []
    while time.monotonic() - cached_at < 6:
        answers.append(whoami(client, session["access"]).status_code)
        if answers[-1] == 401:
            break
        time.sleep(0.1)
    refused_after = time.monotonic() - cached_at
    assert answers[0] == 200, answers  # stale, as documented
    assert answers[-1] == 401, answers
    assert refused_after < 3 + 1, refused_after
