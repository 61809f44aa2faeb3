"""``aauthenticate`` (issue 14): the async twin of ``authenticate`` on
JWTAuthentication, JWTStatelessUserAuthentication and JWTCookieAuthentication.

In process: it returns what ``authenticate`` returns and refuses what it
refuses, through the same overridable methods; its user lookup leaves the
event loop free. Then under uvicorn (a real ASGI server, in a child process):
concurrent requests to a plain ``async def`` Django view and to adrf async
views each get their own user.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.db.models.query import QuerySet
from django.test import RequestFactory, override_settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTCookieAuthentication,
    JWTStatelessUserAuthentication,
)
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, SlidingToken

ROOT = Path(__file__).resolve().parent.parent
User = get_user_model()


def run(coroutine_function, *args):
    return async_to_sync(coroutine_function)(*args)


def drf(request):
    return Request(request)


def bearer(token) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def user(db):
    return User.objects.create_user("alice", password="pw")


# -- the same answers as authenticate -----------------------------------------------


@pytest.mark.parametrize("wrap", [drf, lambda r: r], ids=["drf", "django"])
def test_returns_what_authenticate_returns(user, wrap):
    token = AccessToken.for_user(user)
    request = wrap(RequestFactory().get("/", **bearer(token)))
    auth = JWTAuthentication()
    got_user, got_token = run(auth.aauthenticate, request)
    want_user, want_token = auth.authenticate(request)
    assert got_user == want_user == user
    assert got_token.payload == want_token.payload == token.payload
    assert type(got_token) is AccessToken


def test_no_header_or_another_scheme_is_none(user):
    auth = JWTAuthentication()
    assert run(auth.aauthenticate, drf(RequestFactory().get("/"))) is None
    basic = drf(RequestFactory().get("/", HTTP_AUTHORIZATION="Basic abc"))
    assert run(auth.aauthenticate, basic) is None


@pytest.mark.parametrize(
    ("make_token", "error", "code"),
    [
        (lambda u: "not.a.token", InvalidToken, "token_not_valid"),
        (lambda u: RefreshToken.for_user(u), InvalidToken, "token_not_valid"),
        (
            lambda u: AccessToken.for_user(User(pk=987654)),
            AuthenticationFailed,
            "user_not_found",
        ),
    ],
    ids=["garbage", "refresh-token", "unknown-user"],
)
def test_refuses_what_authenticate_refuses(user, make_token, error, code):
    request = drf(RequestFactory().get("/", **bearer(make_token(user))))
    auth = JWTAuthentication()
    with pytest.raises(error) as sync_refusal:
        auth.authenticate(request)
    with pytest.raises(error) as async_refusal:
        run(auth.aauthenticate, request)
    assert async_refusal.value.detail == sync_refusal.value.detail
    assert code in json.dumps(async_refusal.value.detail)


def test_inactive_user_and_changed_password_are_refused(user):
    token = AccessToken.for_user(user)
    request = drf(RequestFactory().get("/", **bearer(token)))
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed) as refusal:
        run(JWTAuthentication().aauthenticate, request)
    assert refusal.value.detail["code"] == "user_inactive"

    User.objects.filter(pk=user.pk).update(is_active=True)
    with override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True}):
        token = AccessToken.for_user(user)
        user.set_password("new")
        user.save()
        request = drf(RequestFactory().get("/", **bearer(token)))
        with pytest.raises(AuthenticationFailed) as refusal:
            run(JWTAuthentication().aauthenticate, request)
    assert refusal.value.detail["code"] == "password_changed"


def test_settings_are_read_at_the_call(user):
    with override_settings(
        SIMPLE_JWT={
            "AUTH_HEADER_TYPES": ("JWT",),
            "USER_ID_FIELD": "username",
            "USER_ID_CLAIM": "sub",
        }
    ):
        token = AccessToken.for_user(user)
        assert token["sub"] == "alice"
        request = drf(RequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}"))
        assert run(JWTAuthentication().aauthenticate, request)[0] == user
        assert (
            run(
                JWTAuthentication().aauthenticate,
                drf(RequestFactory().get("/", **bearer(token))),
            )
            is None
        )


def test_stateless_builds_a_token_user_without_a_query(user, django_assert_num_queries):
    token = AccessToken.for_user(user)
    request = drf(RequestFactory().get("/", **bearer(token)))
    with django_assert_num_queries(0):
        got_user, _ = run(JWTStatelessUserAuthentication().aauthenticate, request)
    assert isinstance(got_user, TokenUser)
    assert got_user.id == str(user.pk)


def test_sliding_tokens_are_checked_against_the_blacklist_off_the_loop(user):
    with override_settings(
        SIMPLE_JWT={
            "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.SlidingToken",)
        }
    ):
        token = SlidingToken.for_user(user)
        request = drf(RequestFactory().get("/", **bearer(token)))
        assert authentication._decode_is_cpu_only(JWTAuthentication()) is False
        assert run(JWTAuthentication().aauthenticate, request)[0] == user
        token.blacklist()
        with pytest.raises(InvalidToken):
            run(JWTAuthentication().aauthenticate, request)
    assert authentication._decode_is_cpu_only(JWTAuthentication()) is True


# -- the same overridable steps -----------------------------------------------------


def test_an_overridden_get_user_is_followed(user):
    class Custom(JWTAuthentication):
        def get_user(self, validated_token):
            return ("custom", validated_token["user_id"])

    request = drf(RequestFactory().get("/", **bearer(AccessToken.for_user(user))))
    assert run(Custom().aauthenticate, request)[0] == ("custom", str(user.pk))


def test_an_overridden_authenticate_is_followed(user):
    class Custom(JWTAuthentication):
        def authenticate(self, request):
            return ("from-authenticate", None)

    request = drf(RequestFactory().get("/"))
    assert run(Custom().aauthenticate, request) == ("from-authenticate", None)


def test_overridden_header_steps_are_followed(user):
    class Custom(JWTAuthentication):
        def get_header(self, request):
            return request.META.get("HTTP_X_TOKEN", "").encode() or None

        def get_raw_token(self, header):
            return header

    token = AccessToken.for_user(user)
    request = drf(RequestFactory().get("/", HTTP_X_TOKEN=str(token)))
    assert run(Custom().aauthenticate, request)[0] == user


def test_an_overridden_get_validated_token_runs_off_the_loop(user):
    loop_threads = []

    class Custom(JWTAuthentication):
        def get_validated_token(self, raw_token):
            loop_threads.append(threading.current_thread())
            return super().get_validated_token(raw_token)

    request = drf(RequestFactory().get("/", **bearer(AccessToken.for_user(user))))

    async def call():
        loop_thread = threading.current_thread()
        result = await Custom().aauthenticate(request)
        return loop_thread, result

    loop_thread, result = run(call)
    assert result[0] == user
    assert loop_threads and loop_threads[0] is not loop_thread


# -- the event loop stays free during the user lookup -------------------------------


def test_the_user_lookup_does_not_block_the_loop(user, monkeypatch):
    """A slow database: while ``aauthenticate`` waits for the user, other
    coroutines on the loop keep running. The sync ``authenticate`` called on
    the loop would hold it for the whole query."""
    real_get = QuerySet.get

    def slow_get(self, *args, **kwargs):
        time.sleep(0.3)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", slow_get)
    request = drf(RequestFactory().get("/", **bearer(AccessToken.for_user(user))))

    async def ticks_during(coroutine_function):
        ticks = 0
        done = False

        async def ticker():
            nonlocal ticks
            while not done:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        await asyncio.sleep(0)
        result = await coroutine_function()
        done = True
        await task
        return ticks, result

    async def blocking():
        # What a query made on the loop does (Django refuses to make one).
        time.sleep(0.3)
        return (user,)

    async def non_blocking():
        return await JWTAuthentication().aauthenticate(request)

    ticks, result = run(ticks_during, non_blocking)
    assert result[0] == user
    assert ticks >= 10, ticks
    # The control: the ticker does notice a loop held for as long.
    blocked_ticks, result = run(ticks_during, blocking)
    assert result[0] == user
    assert blocked_ticks <= 2, blocked_ticks


# -- the cookie class ---------------------------------------------------------------


COOKIE_SETTINGS = {"AUTH_COOKIE": "access", "AUTH_REFRESH_COOKIE": "refresh"}


def cookie_request(method, token, csrf=None):
    factory = APIRequestFactory(enforce_csrf_checks=True)
    extra = {}
    if csrf:
        extra["HTTP_X_CSRFTOKEN"] = csrf
    request = getattr(factory, method)("/", **extra)
    request.COOKIES["access"] = str(token)
    if csrf:
        request.COOKIES["csrftoken"] = csrf
    return drf(request)


def test_cookie_class_reads_the_cookie_and_enforces_csrf(user):
    token = AccessToken.for_user(user)
    auth = JWTCookieAuthentication()
    with override_settings(SIMPLE_JWT=COOKIE_SETTINGS):
        assert run(auth.aauthenticate, cookie_request("get", token))[0] == user
        with pytest.raises(Exception) as refusal:
            run(auth.aauthenticate, cookie_request("post", token))
        assert refusal.value.status_code == 403
        assert str(refusal.value.detail) == "CSRF Failed: CSRF cookie not set."
        secret = "A" * 16 + "b" * 16
        assert run(auth.aauthenticate, cookie_request("post", token, secret))[0] == user
        # The header comes first and skips the check.
        header_request = cookie_request("post", "garbage")
        header_request._request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        assert run(auth.aauthenticate, header_request)[0] == user
    # Without AUTH_COOKIE the cookie is not read.
    assert run(auth.aauthenticate, cookie_request("get", token)) is None


# -- under uvicorn ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def uvicorn_server(tmp_path_factory):
    """``tests.async_views`` under uvicorn with a fresh SQLite file holding
    three users."""
    db = tmp_path_factory.mktemp("uvicorn") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.async_settings",
        "SIMPLEJWT_TEST_SQLITE_FILE": str(db),
        "PYTHONPATH": str(ROOT),
    }
    setup = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.contrib.auth import get_user_model;"
        "[get_user_model().objects.create_user(n, password='pw-' + n)"
        " for n in ('ann', 'bob', 'cy')]"
    )
    subprocess.run(
        [sys.executable, "-c", setup], env=env, cwd=ROOT, check=True, timeout=120
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.async_asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/async/plain/", timeout=2)
        except urllib.error.HTTPError:
            break  # it answers (401: no token)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(process.stdout.read().decode()) from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def call(url, method="GET", body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers=headers or {}
    )
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_concurrent_requests_under_uvicorn(uvicorn_server):
    tokens = {}
    for name in ("ann", "bob", "cy"):
        status, body = call(
            uvicorn_server + "/api/token/",
            "POST",
            {"username": name, "password": "pw-" + name},
        )
        assert status == 200, body
        tokens[name] = body["access"]
    jtis = {name: AccessToken(token)["jti"] for name, token in tokens.items()}

    cases = []
    for i in range(120):
        name = ("ann", "bob", "cy")[i % 3]
        path = ("/async/plain/", "/async/adrf/")[i % 2]
        cases.append((name, path))
    bad = [("bad", p) for p in ("/async/plain/", "/async/adrf/") for _ in range(10)]

    def one(case):
        name, path = case
        token = tokens.get(name, "not.a.token")
        return case, call(
            uvicorn_server + path, headers={"Authorization": f"Bearer {token}"}
        )

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(one, cases + bad))

    for (name, _path), (status, body) in results:
        if name == "bad":
            assert status == 401, body
            assert "token_not_valid" in json.dumps(body)
        else:
            assert status == 200, body
            assert body == {"username": name, "jti": jtis[name]}

    status, body = call(
        uvicorn_server + "/async/adrf/stateless/",
        headers={"Authorization": f"Bearer {tokens['bob']}"},
    )
    assert status == 200
    assert body["jti"] == jtis["bob"]


def test_no_token_under_uvicorn(uvicorn_server):
    assert call(uvicorn_server + "/async/plain/") == (401, {"detail": "no token"})
    status, body = call(uvicorn_server + "/async/adrf/")
    assert status == 401
    assert body == {"detail": "Authentication credentials were not provided."}


def test_cookie_authentication_under_uvicorn(uvicorn_server):
    status, body = call(
        uvicorn_server + "/api/token/",
        "POST",
        {"username": "ann", "password": "pw-ann"},
    )
    assert status == 200
    cookie = {"Cookie": f"access={body['access']}"}
    url = uvicorn_server + "/async/adrf/cookie/"
    status, got = call(url, headers=cookie)
    assert status == 200
    assert got["username"] == "ann"
    status, got = call(url, "POST", {}, headers=cookie)
    assert (status, got) == (403, {"detail": "CSRF Failed: CSRF cookie not set."})
    csrf = "Q" * 32
    status, got = call(
        url,
        "POST",
        {},
        headers={
            "Cookie": f"access={body['access']}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        },
    )
    assert status == 200
    assert got["username"] == "ann"
