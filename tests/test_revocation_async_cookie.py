"""Access-token revocation (issue 13) on the paths issue 14 added: the
cookie class (sync, token from its cookie) and ``aauthenticate`` of every
class, header and cookie. A revoked token, or one issued before its user's
"log out everywhere", is refused on each path; a token not revoked passes.
"""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from rest_framework.request import Request

from rest_framework_simplejwt import revocation
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTCookieAuthentication,
    JWTStatelessUserAuthentication,
    JWTStatelessUserCookieAuthentication,
)
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import AccessToken

COOKIE = "access_cookie"
CLASSES = [
    JWTAuthentication,
    JWTStatelessUserAuthentication,
    JWTCookieAuthentication,
    JWTStatelessUserCookieAuthentication,
]
COOKIE_CLASSES = [JWTCookieAuthentication, JWTStatelessUserCookieAuthentication]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def user(settings):
    settings.SIMPLE_JWT = {"ACCESS_TOKEN_REVOCATION": True, "AUTH_COOKIE": COOKIE}
    return get_user_model().objects.create_user("alice", password="pw")


def by_header(token):
    return Request(RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}"))


def by_cookie(token):
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = str(token)
    return Request(request)


def authenticate(cls, request, use_async):
    auth = cls()
    if use_async:
        return async_to_sync(auth.aauthenticate)(request)
    return auth.authenticate(request)


CASES = [
    (cls, make, use_async)
    for use_async in (False, True)
    for cls in CLASSES
    for make in ((by_header, by_cookie) if cls in COOKIE_CLASSES else (by_header,))
]
IDS = [
    f"{cls.__name__}-{make.__name__}-{'async' if use_async else 'sync'}"
    for cls, make, use_async in CASES
]


@pytest.mark.parametrize(("cls", "make", "use_async"), CASES, ids=IDS)
def test_a_revoked_access_token_is_refused(user, cls, make, use_async):
    revoked = AccessToken.for_user(user)
    kept = AccessToken.for_user(user)
    revocation.revoke_access_token(revoked)

    found_user, token = authenticate(cls, make(kept), use_async)
    assert str(found_user.id) == str(user.id)
    assert token["jti"] == kept["jti"]
    with pytest.raises(InvalidToken):
        authenticate(cls, make(revoked), use_async)


@pytest.mark.parametrize(("cls", "make", "use_async"), CASES, ids=IDS)
def test_log_out_everywhere_is_refused(user, cls, make, use_async):
    token = AccessToken.for_user(user)
    assert authenticate(cls, make(token), use_async) is not None
    revocation.logout_everywhere(user)
    with pytest.raises(InvalidToken):
        authenticate(cls, make(token), use_async)
