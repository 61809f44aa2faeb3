"""HttpOnly cookies (issue 14): the token views set, read and delete them,
``JWTCookieAuthentication`` reads the access cookie and puts cookie-
authenticated requests through Django's CSRF check.

Clients are ``APIClient(enforce_csrf_checks=True)``: a browser's request,
not the test client's CSRF exemption.
"""

import secrets
import string
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework.test import APIClient

from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, SlidingToken

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cookie_urls")]

User = get_user_model()
PASSWORD = "correct horse"
COOKIES = {"AUTH_COOKIE": "access", "AUTH_REFRESH_COOKIE": "refresh"}
CREDENTIALS = {"username": "alice", "password": PASSWORD}


@pytest.fixture
def user():
    return User.objects.create_user("alice", password=PASSWORD)


def browser() -> APIClient:
    return APIClient(enforce_csrf_checks=True)


def with_csrf(client: APIClient) -> dict[str, str]:
    """Give the client a CSRF cookie; returns the header a same-origin page
    would send with it."""
    secret = "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
    )
    client.cookies["csrftoken"] = secret
    return {"HTTP_X_CSRFTOKEN": secret}


def simple_jwt(**extra):
    return override_settings(SIMPLE_JWT={**COOKIES, **extra})


def log_in(client: APIClient):
    response = client.post("/api/token/", CREDENTIALS, format="json")
    assert response.status_code == 200, response.content
    return response


# -- off by default -----------------------------------------------------------------


def test_without_the_settings_no_cookie_is_set_and_the_body_is_upstreams(user):
    client = browser()
    response = log_in(client)
    assert response.cookies == {} or not response.cookies
    assert set(response.json()) == {"access", "refresh"}
    # A cookie named like a token is not read either.
    client.cookies["access"] = response.json()["access"]
    assert client.get("/api/whoami/").status_code == 401
    # The refresh view still wants its body.
    client.cookies["refresh"] = response.json()["refresh"]
    refreshed = client.post("/api/token/refresh/", {}, format="json")
    assert refreshed.status_code == 400
    assert refreshed.json() == {"refresh": ["This field is required."]}


# -- obtain -------------------------------------------------------------------------


def test_obtain_sets_both_cookies_and_keeps_tokens_out_of_the_body(user):
    with simple_jwt(
        ACCESS_TOKEN_LIFETIME=timedelta(minutes=7),
        REFRESH_TOKEN_LIFETIME=timedelta(hours=3),
    ):
        response = log_in(browser())
    assert response.json() == {}
    access, refresh = response.cookies["access"], response.cookies["refresh"]
    assert AccessToken(access.value)["user_id"] == str(user.pk)
    assert RefreshToken(refresh.value)["user_id"] == str(user.pk)
    assert access["max-age"] == 7 * 60
    assert refresh["max-age"] == 3 * 3600
    assert access["httponly"] is True and refresh["httponly"] is True
    assert access["samesite"] == refresh["samesite"] == "Lax"
    assert access["path"] == "/"
    # The common path of the refresh and logout URLs, and nothing wider.
    assert refresh["path"] == "/api/token/"
    assert not access["secure"] and not access["domain"]


def test_tokens_in_body_setting_keeps_them_in_the_json_too(user):
    with simple_jwt(AUTH_COOKIE_TOKENS_IN_BODY=True):
        response = log_in(browser())
    body = response.json()
    assert body["access"] == response.cookies["access"].value
    assert body["refresh"] == response.cookies["refresh"].value


def test_cookie_attribute_settings(user):
    with simple_jwt(
        AUTH_COOKIE_DOMAIN="example.test",
        AUTH_COOKIE_SECURE=True,
        AUTH_COOKIE_HTTP_ONLY=False,
        AUTH_COOKIE_SAMESITE="Strict",
        AUTH_COOKIE_PATH="/api/",
        AUTH_REFRESH_COOKIE_PATH="/api/token/refresh/",
    ):
        response = log_in(browser())
    access, refresh = response.cookies["access"], response.cookies["refresh"]
    for cookie in (access, refresh):
        assert cookie["domain"] == "example.test"
        assert cookie["secure"] is True
        assert not cookie["httponly"]
        assert cookie["samesite"] == "Strict"
    assert access["path"] == "/api/"
    assert refresh["path"] == "/api/token/refresh/"


def test_without_a_refresh_cookie_name_the_refresh_token_stays_in_the_body(user):
    with override_settings(SIMPLE_JWT={"AUTH_COOKIE": "access"}):
        response = log_in(browser())
    assert "refresh" not in response.cookies
    assert set(response.json()) == {"refresh"}
    assert response.cookies["access"].value


def test_a_view_can_keep_to_the_body(user):
    with simple_jwt():
        response = browser().post("/header/token/", CREDENTIALS, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert not response.cookies


def test_use_cookies_true_without_a_cookie_name_is_a_configuration_error(user):
    from rest_framework_simplejwt import cookies
    from rest_framework_simplejwt.views import TokenObtainPairView

    with pytest.raises(ImproperlyConfigured, match="AUTH_COOKIE"):
        cookies.enabled(TokenObtainPairView(use_cookies=True))


# -- refresh ------------------------------------------------------------------------


def test_refresh_reads_the_cookie_and_needs_the_csrf_token(user):
    client = browser()
    with simple_jwt():
        first = log_in(client)
        refused = client.post("/api/token/refresh/", {}, format="json")
        assert refused.status_code == 403
        assert refused.json()["detail"].startswith("CSRF Failed: CSRF cookie not set")

        headers = with_csrf(client)
        refused = client.post(
            "/api/token/refresh/", {}, format="json", HTTP_X_CSRFTOKEN="x" * 32
        )
        assert refused.status_code == 403
        assert "CSRF token" in refused.json()["detail"]

        response = client.post("/api/token/refresh/", {}, format="json", **headers)
    assert response.status_code == 200, response.content
    assert response.json() == {}
    new_access = response.cookies["access"].value
    assert new_access != first.cookies["access"].value
    assert AccessToken(new_access)["user_id"] == str(user.pk)
    # No rotation: the refresh cookie is left as it is.
    assert "refresh" not in response.cookies


def test_a_refresh_token_in_the_body_wins_and_needs_no_csrf(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        other = str(RefreshToken.for_user(user))
        response = client.post("/api/token/refresh/", {"refresh": other}, format="json")
    assert response.status_code == 200
    assert AccessToken(response.cookies["access"].value)["user_id"] == str(user.pk)


def test_rotation_replaces_both_cookies_and_blacklists_the_old_one(user):
    client = browser()
    with simple_jwt(ROTATE_REFRESH_TOKENS=True, BLACKLIST_AFTER_ROTATION=True):
        old = log_in(client).cookies["refresh"].value
        headers = with_csrf(client)
        response = client.post("/api/token/refresh/", {}, format="json", **headers)
        assert response.status_code == 200
        new = response.cookies["refresh"].value
        assert new != old
        assert response.cookies["refresh"]["path"] == "/api/token/"
        assert (
            BlacklistedToken.objects.filter(token__jti=RefreshToken(new)["jti"]).count()
            == 0
        )
        assert BlacklistedToken.objects.filter(token__token=old).exists(), (
            "the rotated-out token is blacklisted"
        )
        # The client holds the new cookie now, and it works.
        again = client.post("/api/token/refresh/", {}, format="json", **headers)
    assert again.status_code == 200


def test_header_refresh_view_ignores_the_cookie(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        response = client.post("/header/token/refresh/", {}, format="json")
    assert response.status_code == 400


# -- logout -------------------------------------------------------------------------


def test_logout_blacklists_the_cookies_token_and_deletes_both_cookies(user):
    client = browser()
    with simple_jwt():
        refresh = log_in(client).cookies["refresh"].value
        headers = with_csrf(client)
        response = client.post("/api/token/blacklist/", {}, format="json", **headers)
        assert response.status_code == 200, response.content
        assert BlacklistedToken.objects.filter(token__token=refresh).exists()
        for name, path in (("access", "/"), ("refresh", "/api/token/")):
            cookie = response.cookies[name]
            assert cookie.value == ""
            assert cookie["max-age"] == 0
            assert cookie["path"] == path
        # The blacklisted token no longer refreshes.
        client.cookies["refresh"] = refresh
        refused = client.post("/api/token/refresh/", {}, format="json", **headers)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Token is blacklisted"


def test_logout_without_csrf_is_refused_and_blacklists_nothing(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        response = client.post("/api/token/blacklist/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert not BlacklistedToken.objects.exists()


def test_logout_with_a_refused_token_still_deletes_the_cookies(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        headers = with_csrf(client)
        client.cookies["refresh"] = "not-a-token"
        response = client.post("/api/token/blacklist/", {}, format="json", **headers)
    assert response.status_code == 401
    assert response.cookies["access"]["max-age"] == 0
    assert response.cookies["refresh"]["max-age"] == 0


# -- sliding ------------------------------------------------------------------------


def test_sliding_token_lives_in_the_access_cookie(user):
    client = browser()
    with simple_jwt(
        AUTH_TOKEN_CLASSES=("rest_framework_simplejwt.tokens.SlidingToken",),
        SLIDING_TOKEN_REFRESH_LIFETIME=timedelta(hours=2),
    ):
        response = client.post("/api/sliding/", CREDENTIALS, format="json")
        assert response.status_code == 200
        assert response.json() == {}
        cookie = response.cookies["access"]
        assert cookie["max-age"] == 7200
        first = SlidingToken(cookie.value)
        assert client.get("/api/whoami/").json()["via"] == first["jti"]

        headers = with_csrf(client)
        assert (
            client.post("/api/sliding/refresh/", {}, format="json").status_code == 403
        )
        renewed = client.post("/api/sliding/refresh/", {}, format="json", **headers)
    assert renewed.status_code == 200
    assert SlidingToken(renewed.cookies["access"].value)["jti"] == first["jti"]


# -- JWTCookieAuthentication --------------------------------------------------------


def test_cookie_authenticates_safe_methods_without_csrf(user):
    client = browser()
    with simple_jwt():
        access = log_in(client).cookies["access"].value
        response = client.get("/api/whoami/")
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "via": AccessToken(access)["jti"]}


def test_cookie_authenticated_unsafe_method_needs_csrf(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        refused = client.post("/api/whoami/", {}, format="json")
        assert refused.status_code == 403
        assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
        headers = with_csrf(client)
        wrong = client.post(
            "/api/whoami/", {}, format="json", HTTP_X_CSRFTOKEN="a" * 32
        )
        assert wrong.status_code == 403
        assert wrong.json()["detail"].startswith("CSRF Failed: CSRF token")
        allowed = client.post("/api/whoami/", {}, format="json", **headers)
    assert allowed.status_code == 200
    assert allowed.json() == {"changed": True, "username": "alice"}


def test_https_needs_a_same_origin_referer(user):
    client = browser()
    with (
        simple_jwt(),
        override_settings(ALLOWED_HOSTS=["testserver", "api.example.test"]),
    ):
        log_in(client)
        headers = with_csrf(client)
        cross = client.post(
            "/api/whoami/",
            {},
            format="json",
            secure=True,
            HTTP_HOST="api.example.test",
            HTTP_ORIGIN="https://evil.example",
            **headers,
        )
        same = client.post(
            "/api/whoami/",
            {},
            format="json",
            secure=True,
            HTTP_HOST="api.example.test",
            HTTP_ORIGIN="https://api.example.test",
            **headers,
        )
    assert cross.status_code == 403
    assert "Origin checking failed" in cross.json()["detail"]
    assert same.status_code == 200


def test_header_authenticated_requests_skip_csrf_and_come_first(user):
    client = browser()
    with simple_jwt():
        log_in(client)  # the client now holds a valid access cookie
        token = str(AccessToken.for_user(user))
        response = client.post(
            "/api/whoami/", {}, format="json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 200
        # A bad header token is refused even though the cookie is good.
        refused = client.get("/api/whoami/", HTTP_AUTHORIZATION="Bearer not.a.token")
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_bad_cookie_token_is_a_401(user):
    client = browser()
    with simple_jwt():
        client.cookies["access"] = str(RefreshToken.for_user(user))
        response = client.get("/api/whoami/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Given token not valid for any token type"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_cookie_no_header_is_anonymous(user):
    with simple_jwt():
        response = browser().get("/api/whoami/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided."
    }


def test_stateless_cookie_class(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        with django_assert_no_queries():
            response = client.get("/api/whoami/stateless/")
    assert response.json() == {"user_id": str(user.pk)}


def django_assert_no_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class NoQueries(CaptureQueriesContext):
        def __exit__(self, *exc):
            super().__exit__(*exc)
            assert not self.captured_queries, self.captured_queries

    return NoQueries(connection)


def test_readme_documents_each_cookie_setting_with_its_default():
    from pathlib import Path

    from rest_framework_simplejwt.settings import DEFAULTS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    names = [
        n for n in DEFAULTS if n.startswith("AUTH_COOKIE") or n == "AUTH_REFRESH_COOKIE"
    ]
    names += ["AUTH_REFRESH_COOKIE_PATH"]
    assert len(set(names)) == 9
    for name in set(names):
        default = DEFAULTS[name]
        shown = f'"{default}"' if isinstance(default, str) else repr(default)
        assert f"| `{name}` | `{shown}` |" in readme, name


def test_a_form_post_may_carry_the_csrf_token_as_a_field(user):
    client = browser()
    with simple_jwt():
        log_in(client)
        secret = with_csrf(client)["HTTP_X_CSRFTOKEN"]
        refused = client.post("/api/whoami/", {"name": "x"})
        allowed = client.post("/api/whoami/", {"csrfmiddlewaretoken": secret})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF token missing."}
    assert allowed.status_code == 200, allowed.content
