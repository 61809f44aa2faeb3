"""Revocation that scales: token families with reuse detection, log out
everywhere, access-token revocation, the blacklist through the cache.

Every test runs with the database alone (``BLACKLIST_CACHE`` None) and with
the "revocation" cache in front of it. In the default run that cache is
Django's local-memory cache on the suite's SQLite; tests/
test_revocation_backends.py runs this module again in child processes on
SQLite with Redis, on PostgreSQL, and on PostgreSQL with Redis
(``SIMPLEJWT_TEST_REDIS_URL``).
"""

import logging
import os
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rest_framework_simplejwt import revocation, signals
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
    RevokedAccessToken,
    TokenFamily,
    TokenFamilyMember,
    UserTokenRevocation,
)
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import aware_utcnow
from tests import redis_support

# Transactional: cache writes happen on commit, as in production, which a
# test wrapped in one transaction would never reach.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.revocation_urls"),
]

OBTAIN = "/api/token/"
REFRESH = "/api/token/refresh/"
VERIFY = "/api/token/verify/"
LOGOUT = "/api/token/blacklist/"
LOGOUT_ALL = "/api/token/logout-all/"
WHOAMI = "/api/whoami/"
STATELESS = "/api/whoami/stateless/"
BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}

ROTATION = {"ROTATE_REFRESH_TOKENS": True, "BLACKLIST_AFTER_ROTATION": True}


@pytest.fixture(params=[None, "revocation"], ids=["db", "cache"])
def cache_alias(request, settings):
    redis_url = os.environ.get(redis_support.ENV)
    if redis_url:
        redis_support.require_client()
    settings.CACHES = redis_support.cache_settings(redis_url)
    if request.param:
        caches[request.param].clear()
    yield request.param
    if request.param:
        caches[request.param].clear()


@pytest.fixture
def configure(settings, cache_alias):
    def apply(**options):
        settings.SIMPLE_JWT = {"BLACKLIST_CACHE": cache_alias, **options}

    return apply


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.fixture
def client():
    return APIClient()


def refresh(client, token):
    return client.post(REFRESH, {"refresh": token}, format="json")


def get(client, url, access):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {access}")


def login(client, username="alice"):
    response = client.post(
        OBTAIN, {"username": username, "password": "pw"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


# -- token families and reuse detection -----------------------------------------------


def test_replaying_a_rotated_token_revokes_the_whole_family(
    configure, user, client, caplog
):
    configure(**ROTATION, REFRESH_TOKEN_REUSE_DETECTION=True)
    first = login(client)["refresh"]
    second = refresh(client, first).json()["refresh"]
    current = refresh(client, second).json()["refresh"]
    other_login = login(client)["refresh"]

    received = []
    signals.refresh_token_reuse_detected.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="t"
    )
    try:
        with caplog.at_level(logging.WARNING, "rest_framework_simplejwt"):
            replay = refresh(client, first)
    finally:
        signals.refresh_token_reuse_detected.disconnect(dispatch_uid="t")

    assert replay.status_code == 401
    assert replay.json() == BLACKLISTED
    # The user's current token (and the attacker's, had they rotated) is gone.
    assert refresh(client, current).status_code == 401
    assert refresh(client, current).json() == BLACKLISTED
    # Another login is another family: untouched.
    assert refresh(client, other_login).status_code == 200

    family = TokenFamily.objects.get(revoked_at__isnull=False)
    assert family.revoked_reason == "reuse_detected"
    assert family.user_id == str(user.pk)
    assert family.members.count() == 3
    assert len(received) == 1
    assert received[0]["family_id"] == family.pk
    assert received[0]["jti"] == RefreshToken(first, verify=False)["jti"]
    assert received[0]["revoked_jtis"] == [RefreshToken(current, verify=False)["jti"]]
    assert "refresh token reuse detected" in caplog.text
    # Replaying again revokes nothing more and sends nothing more.
    assert refresh(client, second).status_code == 401
    assert len(received) == 1


def test_rotation_never_extends_the_familys_lifetime(configure, user, client):
    configure(
        **ROTATION,
        REFRESH_TOKEN_REUSE_DETECTION=True,
        REFRESH_TOKEN_LIFETIME=timedelta(hours=2),
    )
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        token = login(client)["refresh"]
    login_exp = RefreshToken(token)["exp"]
    for hours in (0.5, 1, 1.9):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            token = refresh(client, token).json()["refresh"]
            assert RefreshToken(token)["exp"] == login_exp
    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        assert refresh(client, token).status_code == 401
    family = TokenFamily.objects.get()
    assert family.expires_at.timestamp() == login_exp


def test_without_reuse_detection_rotation_extends_as_upstream(configure, user, client):
    configure(**ROTATION, REFRESH_TOKEN_LIFETIME=timedelta(hours=2))
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        first = login(client)["refresh"]
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        second = refresh(client, first).json()["refresh"]
        assert RefreshToken(second)["exp"] > RefreshToken(first, verify=False)["exp"]
        # A replay is refused but revokes nothing: the new token still works.
        assert refresh(client, first).json() == BLACKLISTED
        assert refresh(client, second).status_code == 200
    assert not TokenFamily.objects.exists()
    assert not TokenFamilyMember.objects.exists()


def test_grace_period_answers_a_retry_with_the_same_successor(configure, user, client):
    configure(
        **ROTATION,
        REFRESH_TOKEN_REUSE_DETECTION=True,
        REFRESH_TOKEN_REUSE_GRACE_PERIOD=30,
    )
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        first = login(client)["refresh"]
        second = refresh(client, first).json()
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        retry = refresh(client, first)
        assert retry.status_code == 200
        assert retry.json()["refresh"] == second["refresh"]
        assert AccessToken(retry.json()["access"])["user_id"] == str(user.pk)
        assert not TokenFamily.objects.filter(revoked_at__isnull=False).exists()
        third = refresh(client, second["refresh"]).json()["refresh"]
    # The successor was used since: a replay now is a reuse, grace or not.
    with time_machine.travel(start + timedelta(seconds=12), tick=False):
        assert refresh(client, first).json() == BLACKLISTED
        assert refresh(client, third).json() == BLACKLISTED


def test_grace_period_ends(configure, user, client):
    configure(
        **ROTATION,
        REFRESH_TOKEN_REUSE_DETECTION=True,
        REFRESH_TOKEN_REUSE_GRACE_PERIOD=timedelta(seconds=5),
    )
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        first = login(client)["refresh"]
        second = refresh(client, first).json()["refresh"]
    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        assert refresh(client, first).json() == BLACKLISTED
        assert refresh(client, second).json() == BLACKLISTED
    assert TokenFamily.objects.get().revoked_reason == "reuse_detected"


def test_a_logged_out_token_is_refused_without_revoking_its_family(
    configure, user, client
):
    configure(**ROTATION, REFRESH_TOKEN_REUSE_DETECTION=True)
    first = login(client)["refresh"]
    second = refresh(client, first).json()["refresh"]
    assert client.post(LOGOUT, {"refresh": second}, format="json").status_code == 200
    assert refresh(client, second).json() == BLACKLISTED
    assert not TokenFamily.objects.filter(revoked_at__isnull=False).exists()


def test_a_forged_replay_revokes_nothing(configure, user, client):
    configure(**ROTATION, REFRESH_TOKEN_REUSE_DETECTION=True)
    first = login(client)["refresh"]
    current = refresh(client, first).json()["refresh"]
    head, payload, signature = first.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    assert refresh(client, forged).status_code == 401
    assert refresh(client, current).status_code == 200


# -- access-token revocation ----------------------------------------------------------


def test_a_revoked_access_token_is_refused_by_both_classes(configure, user, client):
    configure(ACCESS_TOKEN_REVOCATION=True)
    revoked = login(client)["access"]
    kept = login(client)["access"]
    for url in (WHOAMI, STATELESS):
        assert get(client, url, revoked).status_code == 200
    revocation.revoke_access_token(AccessToken(revoked))
    for url in (WHOAMI, STATELESS):
        response = get(client, url, revoked)
        assert response.status_code == 401
        assert response.json() == BLACKLISTED
        assert get(client, url, kept).status_code == 200
    row = RevokedAccessToken.objects.get()
    assert row.user_id == str(user.pk)
    assert row.expires_at.timestamp() == AccessToken(revoked)["exp"]


def test_a_patched_cache_get_many_is_what_the_check_reads(settings, user, client):
    # Redis's fast read stands in for the cache's get_many only while that
    # is Django's own: a test that patches it (to fake an outage, say) sees
    # its patch called, as with any other backend.
    settings.CACHES = redis_support.cache_settings(os.environ.get(redis_support.ENV))
    settings.SIMPLE_JWT = {
        "BLACKLIST_CACHE": "revocation",
        "ACCESS_TOKEN_REVOCATION": True,
    }
    cache = caches["revocation"]
    cache.clear()
    access = login(client)["access"]
    revocation.revoke_access_token(AccessToken(access))
    with mock.patch.object(
        cache, "get_many", side_effect=ConnectionError("down")
    ) as get_many:
        response = get(client, WHOAMI, access)
    assert get_many.called
    # The cache "failed": the database still refuses the revoked token.
    assert response.status_code == 401
    assert response.json() == BLACKLISTED
    cache.clear()


def test_access_revocation_is_opt_in(configure, user, client):
    configure()
    access = login(client)["access"]
    revocation.revoke_access_token(AccessToken(access))
    with mock.patch.object(
        revocation, "check_access_token", side_effect=AssertionError("called")
    ):
        for url in (WHOAMI, STATELESS):
            assert get(client, url, access).status_code == 200


def test_log_out_everywhere_view(configure, user, client, django_user_model):
    configure(**ROTATION, ACCESS_TOKEN_REVOCATION=True)
    bob = django_user_model.objects.create_user("bob", password="pw")
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        phone, laptop = login(client), login(client)
        bobs = login(client, "bob")
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        response = client.post(
            LOGOUT_ALL, HTTP_AUTHORIZATION=f"Bearer {laptop['access']}"
        )
        assert response.status_code == 200
        for session in (phone, laptop):
            assert refresh(client, session["refresh"]).json() == BLACKLISTED
            for url in (WHOAMI, STATELESS):
                assert get(client, url, session["access"]).json() == BLACKLISTED
        # Someone else's tokens are untouched.
        assert get(client, STATELESS, bobs["access"]).status_code == 200
        assert refresh(client, bobs["refresh"]).status_code == 200
    assert bob.pk != user.pk
    # A later login works.
    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        fresh = login(client)
        assert get(client, STATELESS, fresh["access"]).status_code == 200
        assert refresh(client, fresh["refresh"]).status_code == 200
    assert UserTokenRevocation.objects.get().user_id == str(user.pk)


def test_log_out_everywhere_needs_authentication(configure, user, client):
    configure(ACCESS_TOKEN_REVOCATION=True)
    assert client.post(LOGOUT_ALL).status_code == 401


def test_log_out_everywhere_without_access_revocation_keeps_access_tokens(
    configure, user, client
):
    configure()
    session = login(client)
    result = revocation.logout_everywhere(user)
    assert result == {"refresh_tokens": 1, "access_tokens": False}
    assert refresh(client, session["refresh"]).json() == BLACKLISTED
    # Documented limit: access tokens live until they expire.
    assert get(client, STATELESS, session["access"]).status_code == 200
    assert not UserTokenRevocation.objects.exists()


def test_password_change_logs_out_everywhere_with_check_revoke_token(
    configure, user, client
):
    configure(CHECK_REVOKE_TOKEN=True, ACCESS_TOKEN_REVOCATION=True)
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        session = login(client)
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        user.set_password("new")
        user.save()
        # The stateless class never reads the password: the revocation
        # refuses its token.
        assert get(client, STATELESS, session["access"]).json() == BLACKLISTED
        assert refresh(client, session["refresh"]).status_code == 401
        assert BlacklistedToken.objects.filter(token__user=user).count() == 1


def test_saving_a_user_without_a_password_change_revokes_nothing(
    configure, user, client
):
    configure(CHECK_REVOKE_TOKEN=True, ACCESS_TOKEN_REVOCATION=True)
    session = login(client)
    user.first_name = "Alice"
    user.save()
    assert get(client, STATELESS, session["access"]).status_code == 200
    assert not UserTokenRevocation.objects.exists()


def test_a_token_without_iat_is_refused_once_its_user_was_revoked(configure, user):
    configure(ACCESS_TOKEN_REVOCATION=True)
    token = AccessToken.for_user(user)
    del token["iat"]
    revocation.check_access_token(token)
    revocation.logout_everywhere(user)
    with pytest.raises(InvalidToken):
        revocation.check_access_token(token)


def test_async_check_agrees(configure, user):
    configure(ACCESS_TOKEN_REVOCATION=True)
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        token = AccessToken.for_user(user)
        async_to_sync(revocation.acheck_access_token)(token)
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        revocation.logout_everywhere(user)
        with pytest.raises(InvalidToken):
            async_to_sync(revocation.acheck_access_token)(token)
        with pytest.raises(InvalidToken):
            revocation.check_access_token(token)


# -- the cache: one round trip, nothing lost when flushed -----------------------------


def test_a_warm_cache_answers_without_the_database(configure, user, client):
    configure(ACCESS_TOKEN_REVOCATION=True)
    access = login(client)["access"]
    get(client, STATELESS, access)  # fills the cache if there is one
    cache_alias = revocation.api_settings.BLACKLIST_CACHE
    with CaptureQueriesContext(connection) as queries:
        assert get(client, STATELESS, access).status_code == 200
    if cache_alias:
        assert len(queries) == 0
    else:
        # The revoked-token and user-revocation lookups.
        assert len(queries) == 2


def test_one_cache_round_trip_per_request(configure, user, client):
    configure(ACCESS_TOKEN_REVOCATION=True)
    access = login(client)["access"]
    if not revocation.api_settings.BLACKLIST_CACHE:
        pytest.skip("no cache in this configuration")
    reads = []
    original = revocation._cache_get_many

    def counting(cache, keys):
        reads.append(list(keys))
        return original(cache, keys)

    get(client, STATELESS, access)  # fills the cache
    redis_url = os.environ.get(redis_support.ENV)
    if redis_url:
        import redis

        server = redis.Redis.from_url(redis_url)
        server.config_resetstat()
    with mock.patch.object(revocation, "_cache_get_many", counting):
        for _ in range(3):
            assert get(client, STATELESS, access).status_code == 200
    # One read of the token's two keys per request.
    assert len(reads) == 3 and all(len(keys) == 2 for keys in reads)
    if redis_url:
        # What the Redis server saw: one MGET per request, nothing else.
        stats = server.info("commandstats")
        commands = {
            name: stat["calls"]
            for name, stat in stats.items()
            if not name.startswith(("cmdstat_config", "cmdstat_info"))
        }
        assert commands == {"cmdstat_mget": 3}, commands


def test_clearing_the_cache_brings_nothing_back(configure, user, client):
    configure(**ROTATION, ACCESS_TOKEN_REVOCATION=True)
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        session = login(client)
        single = login(client)
        logout = login(client)["refresh"]
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        revocation.revoke_access_token(AccessToken(single["access"]))
        assert get(client, STATELESS, single["access"]).json() == BLACKLISTED
        assert (
            client.post(LOGOUT, {"refresh": logout}, format="json").status_code == 200
        )
        assert refresh(client, logout).json() == BLACKLISTED
        revocation.logout_everywhere(user)
        assert get(client, STATELESS, session["access"]).json() == BLACKLISTED
        if revocation.api_settings.BLACKLIST_CACHE:
            caches["revocation"].clear()
        assert get(client, STATELESS, session["access"]).json() == BLACKLISTED
        assert get(client, STATELESS, single["access"]).json() == BLACKLISTED
        assert refresh(client, logout).json() == BLACKLISTED
        verify = client.post(VERIFY, {"token": logout}, format="json")
        assert verify.status_code == 400
        assert "Token is blacklisted" in str(verify.json())


def test_blacklist_cache_is_written_on_revoke_and_read_on_refresh(
    configure, user, client
):
    configure(**ROTATION)
    token = login(client)["refresh"]
    assert client.post(LOGOUT, {"refresh": token}, format="json").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert refresh(client, token).json() == BLACKLISTED
    blacklist_reads = [
        q
        for q in queries.captured_queries
        if "token_blacklist_blacklistedtoken" in q["sql"]
    ]
    if revocation.api_settings.BLACKLIST_CACHE:
        assert blacklist_reads == []
    else:
        assert len(blacklist_reads) == 1


def test_lifting_a_blacklisting_reaches_the_cache(configure, user, client):
    configure(**ROTATION)
    token = login(client)["refresh"]
    client.post(LOGOUT, {"refresh": token}, format="json")
    assert refresh(client, token).json() == BLACKLISTED
    BlacklistedToken.objects.get().delete()
    assert refresh(client, token).status_code == 200


# -- the flush ------------------------------------------------------------------------


def test_flush_removes_families_and_revoked_access_tokens_after_leeway(
    configure, user, client
):
    configure(
        **ROTATION,
        REFRESH_TOKEN_REUSE_DETECTION=True,
        ACCESS_TOKEN_REVOCATION=True,
        LEEWAY=30,
    )
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        session = login(client)
        refresh(client, session["refresh"])
        revocation.revoke_access_token(AccessToken(session["access"]))
    access_exp = AccessToken(session["access"], verify=False)["exp"]
    refresh_exp = RefreshToken(session["refresh"], verify=False)["exp"]
    with time_machine.travel(start.fromtimestamp(access_exp + 29, start.tzinfo)):
        call_command("flushexpiredtokens")
        assert RevokedAccessToken.objects.count() == 1
    with time_machine.travel(start.fromtimestamp(access_exp + 31, start.tzinfo)):
        call_command("flushexpiredtokens")
        assert RevokedAccessToken.objects.count() == 0
        assert TokenFamily.objects.count() == 1
    with time_machine.travel(start.fromtimestamp(refresh_exp + 31, start.tzinfo)):
        call_command("flushexpiredtokens")
        assert TokenFamily.objects.count() == 0
        assert TokenFamilyMember.objects.count() == 0
        assert OutstandingToken.objects.count() == 0


# -- PostgreSQL: a connection lost in the middle of a rotation ------------------------


def test_connection_dropped_during_rotation_leaves_no_half_rotated_family(
    configure, user, client
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (run by tests/test_revocation_backends.py)")
    import psycopg
    from django.db import InterfaceError, OperationalError

    from rest_framework_simplejwt import families

    configure(**ROTATION, REFRESH_TOKEN_REUSE_DETECTION=True)
    first = login(client)["refresh"]
    second = refresh(client, first).json()["refresh"]
    settings_dict = connection.settings_dict
    record = families._record_rotation

    def drop_the_connection(*args, **kwargs):
        # Half way: the old token is blacklisted and the new one recorded
        # in this transaction, the family not yet updated.
        pid = connection.connection.info.backend_pid
        with psycopg.connect(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"],
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"] or "",
            dbname=settings_dict["NAME"],
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return record(*args, **kwargs)

    before = OutstandingToken.objects.count()
    with (
        mock.patch.object(families, "_record_rotation", drop_the_connection),
        pytest.raises((OperationalError, InterfaceError)),
    ):
        refresh(client, second)
    connection.close()

    # Nothing of the rotation was kept.
    second_jti = RefreshToken(second, verify=False)["jti"]
    assert OutstandingToken.objects.count() == before
    assert not BlacklistedToken.objects.filter(token__jti=second_jti).exists()
    member = TokenFamilyMember.objects.get(jti=second_jti)
    assert member.rotated_at is None and member.successor_jti == ""
    assert TokenFamily.objects.get().revoked_at is None
    # The client retries with the same token: one clean rotation.
    retry = refresh(client, second)
    assert retry.status_code == 200
    assert (
        TokenFamilyMember.objects.get(jti=second_jti).successor_jti
        == (RefreshToken(retry.json()["refresh"])["jti"])
    )
    assert refresh(client, retry.json()["refresh"]).status_code == 200


# -- concurrent uses of one refresh token (PostgreSQL) --------------------------------


def _concurrent_refreshes(token, threads=6):
    import threading

    from django.db import connections

    barrier = threading.Barrier(threads)
    answers = [None] * threads

    def use(slot):
        try:
            client = APIClient()
            barrier.wait(timeout=30)
            response = refresh(client, token)
            answers[slot] = (response.status_code, response.json())
        except Exception as e:  # reported as an answer, failing the test
            answers[slot] = (None, repr(e))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=use, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return answers


@pytest.mark.parametrize("grace", [0, 30])
def test_concurrent_uses_rotate_once_and_count_as_reuse_outside_the_grace_period(
    configure, user, client, grace
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (run by tests/test_revocation_backends.py)")
    configure(
        **ROTATION,
        REFRESH_TOKEN_REUSE_DETECTION=True,
        REFRESH_TOKEN_REUSE_GRACE_PERIOD=grace,
    )
    token = login(client)["refresh"]
    before = OutstandingToken.objects.count()
    answers = _concurrent_refreshes(token)
    # Exactly one rotation happened, whatever the answers.
    assert OutstandingToken.objects.count() == before + 1
    assert TokenFamilyMember.objects.filter(rotated_at__isnull=False).count() == 1
    winners = [body for status, body in answers if status == 200]
    losers = [(status, body) for status, body in answers if status != 200]
    if grace:
        # Retries within the grace period all get the one successor.
        assert losers == [], answers
        assert len({body["refresh"] for body in winners}) == 1
        assert refresh(client, winners[0]["refresh"]).status_code == 200
    else:
        assert len(winners) == 1, answers
        assert losers == [(401, BLACKLISTED)] * (len(answers) - 1), answers
        # The others were replays: the family is revoked, the winner's
        # new token with it.
        assert refresh(client, winners[0]["refresh"]).json() == BLACKLISTED
        assert TokenFamily.objects.get().revoked_reason == "reuse_detected"


# -- system checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, caches_, expected",
    [
        ({}, None, []),
        ({"REFRESH_TOKEN_REUSE_DETECTION": True}, None, ["simplejwt.W101"]),
        ({"BLACKLIST_CACHE": "nowhere"}, None, ["simplejwt.E102"]),
        ({"REFRESH_TOKEN_REUSE_GRACE_PERIOD": -1}, None, ["simplejwt.E103"]),
        ({"REVOCATION_CACHE_TIMEOUT": "300"}, None, ["simplejwt.E103"]),
        (
            {"ROTATE_REFRESH_TOKENS": True, "REFRESH_TOKEN_REUSE_DETECTION": True},
            None,
            [],
        ),
    ],
)
def test_system_checks_of_the_revocation_settings(settings, options, caches_, expected):
    from rest_framework_simplejwt.revocation_checks import check_revocation_settings

    settings.SIMPLE_JWT = options
    assert [problem.id for problem in check_revocation_settings()] == expected


def test_system_check_without_the_blacklist_app(settings):
    from rest_framework_simplejwt.revocation_checks import check_revocation_settings

    settings.INSTALLED_APPS = [
        app
        for app in settings.INSTALLED_APPS
        if app != "rest_framework_simplejwt.token_blacklist"
    ]
    settings.SIMPLE_JWT = {"ACCESS_TOKEN_REVOCATION": True}
    assert [problem.id for problem in check_revocation_settings()] == ["simplejwt.E101"]


def test_check_revoke_token_alone_keeps_upstreams_refusal(configure, user, client):
    configure(CHECK_REVOKE_TOKEN=True)
    session = login(client)
    user.set_password("new")
    user.save()
    assert not BlacklistedToken.objects.exists()
    response = refresh(client, session["refresh"])
    assert response.status_code == 401
    assert response.json()["detail"] == "The user's password has been changed."


def test_log_out_everywhere_for_a_stateless_user(configure, user, client):
    from rest_framework_simplejwt.models import TokenUser

    configure(ACCESS_TOKEN_REVOCATION=True)
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        session = login(client)
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        result = revocation.logout_everywhere(TokenUser(AccessToken(session["access"])))
        assert result == {"refresh_tokens": 1, "access_tokens": True}
        assert get(client, STATELESS, session["access"]).json() == BLACKLISTED


@pytest.mark.parametrize("jti", ["with space", "x" * 300, "ünï\u0000code"])
def test_unusual_token_ids_are_revoked_through_the_cache(configure, user, jti):
    configure(ACCESS_TOKEN_REVOCATION=True)
    token = AccessToken.for_user(user)
    token["jti"] = jti
    other = AccessToken.for_user(user)
    revocation.check_access_token(token)  # fills the cache, if any
    revocation.revoke_access_token(token)
    with pytest.raises(InvalidToken):
        revocation.check_access_token(token)
    revocation.check_access_token(other)
