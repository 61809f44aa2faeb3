"""Our cookie mode beside dj-rest-auth's, run by tests/test_dj_rest_auth.py in
a child process (dj-rest-auth's URLconf depends on its settings at import, so
it gets a process with its own settings: this module is also the settings
and the URLconf).

    DJANGO_SETTINGS_MODULE=tests.dj_rest_auth_scenario python -m tests.dj_rest_auth_scenario

Each check prints ``ok <name>``; the first failure raises.
"""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework.authtoken", "dj_rest_auth"]
ROOT_URLCONF = "tests.dj_rest_auth_scenario"
REST_AUTH = {
    "USE_JWT": True,
    "SESSION_LOGIN": False,
    "JWT_AUTH_COOKIE": "dra-access",
    "JWT_AUTH_REFRESH_COOKIE": "dra-refresh",
    "JWT_AUTH_HTTPONLY": True,
    "JWT_AUTH_COOKIE_USE_CSRF": True,
}
SIMPLE_JWT = {
    "AUTH_COOKIE": "access",
    "AUTH_REFRESH_COOKIE": "refresh",
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}


def _urlpatterns():
    from dj_rest_auth.jwt_auth import JWTCookieAuthentication as TheirCookieAuth
    from django.urls import include, path
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from rest_framework_simplejwt import views
    from rest_framework_simplejwt.authentication import JWTCookieAuthentication

    class Ours(APIView):
        authentication_classes = (JWTCookieAuthentication,)
        permission_classes = (IsAuthenticated,)

        def get(self, request):
            return Response({"user": request.user.get_username()})

        post = get

    class Theirs(Ours):
        authentication_classes = (TheirCookieAuth,)

    return [
        path("auth/", include("dj_rest_auth.urls")),
        path("api/token/", views.TokenObtainPairView.as_view()),
        path("api/token/refresh/", views.TokenRefreshView.as_view()),
        path("api/token/blacklist/", views.TokenBlacklistView.as_view()),
        path("api/ours/", Ours.as_view()),
        path("api/theirs/", Theirs.as_view()),
    ]


def __getattr__(name):
    # The URLconf, built once Django is set up.
    if name == "urlpatterns":
        patterns = globals()["urlpatterns"] = _urlpatterns()
        return patterns
    raise AttributeError(name)


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
    from rest_framework_simplejwt.tokens import AccessToken

    setup_test_environment()
    call_command("migrate", verbosity=0, run_syncdb=True)
    get_user_model().objects.create_user("alice", password="pw")
    credentials = {"username": "alice", "password": "pw"}
    csrf = "C" * 32

    def browser() -> APIClient:
        client = APIClient(enforce_csrf_checks=True)
        client.cookies["csrftoken"] = csrf
        return client

    def ok(name: str) -> None:
        print("ok", name, flush=True)

    # 1. Each login sets its own cookies only, both holding our tokens.
    theirs = browser()
    response = theirs.post("/auth/login/", credentials, format="json")
    assert response.status_code == 200, response.content
    assert {"dra-access", "dra-refresh"} <= set(response.cookies), response.cookies
    assert not {"access", "refresh"} & set(response.cookies)
    assert AccessToken(response.cookies["dra-access"].value)["user_id"] == "1"
    ok("dj-rest-auth login sets dra-access and dra-refresh, not ours")

    ours = browser()
    response = ours.post("/api/token/", credentials, format="json")
    assert response.status_code == 200
    assert set(response.cookies) == {"access", "refresh"}, response.cookies
    assert response.json() == {}
    ok("our login sets access and refresh, not dj-rest-auth's")

    # 2. Each authentication class reads its own cookie.
    assert theirs.get("/api/theirs/").json() == {"user": "alice"}
    assert theirs.get("/api/ours/").status_code == 401
    assert ours.get("/api/ours/").json() == {"user": "alice"}
    assert ours.get("/api/theirs/").status_code == 401
    ok("each authentication class reads its own cookie")

    # 3. Tokens are the same package's: each is accepted by the other's class.
    bearer = f"Bearer {theirs.cookies['dra-access'].value}"
    assert APIClient().get("/api/ours/", HTTP_AUTHORIZATION=bearer).status_code == 200
    bearer = f"Bearer {ours.cookies['access'].value}"
    assert APIClient().get("/api/theirs/", HTTP_AUTHORIZATION=bearer).status_code == 200
    ok("tokens of either login authenticate with either class by header")

    # 4. dj-rest-auth's refresh view (a TokenRefreshView subclass) keeps to
    #    its own cookies and body: ours neither sets cookies there nor
    #    strips its body.
    old = theirs.cookies["dra-refresh"].value
    response = theirs.post("/auth/token/refresh/", {}, format="json")
    assert response.status_code == 200, response.content
    assert "access" in response.json()
    assert {"dra-access", "dra-refresh"} <= set(response.cookies)
    assert not {"access", "refresh"} & set(response.cookies)
    assert BlacklistedToken.objects.filter(token__token=old).exists()
    ok("dj-rest-auth's refresh sets only its cookies; rotation blacklists")

    # Our refresh cookie's path covers our refresh and logout URLs only.
    assert ours.cookies["refresh"]["path"] == "/api/token/"
    response = ours.post(
        "/api/token/refresh/", {}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200
    assert set(response.cookies) == {"access", "refresh"}
    ok("our refresh sets only ours, path /api/token/")

    # 5. A browser holding both: each logout clears its own cookies only.
    both = browser()
    both.post("/auth/login/", credentials, format="json")
    both.post("/api/token/", credentials, format="json")
    ours_refresh = both.cookies["refresh"].value
    response = both.post(
        "/api/token/blacklist/", {}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200, response.content
    assert {"access", "refresh"} <= set(response.cookies)
    assert not {"dra-access", "dra-refresh"} & set(response.cookies)
    assert BlacklistedToken.objects.filter(token__token=ours_refresh).exists()
    assert both.get("/api/theirs/").status_code == 200
    assert both.get("/api/ours/").status_code == 401
    ok("our logout deletes our cookies; dj-rest-auth's session still works")

    theirs_refresh = both.cookies["dra-refresh"].value
    response = both.post("/auth/logout/", {}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    assert not {"access", "refresh"} & set(response.cookies)
    assert BlacklistedToken.objects.filter(token__token=theirs_refresh).exists()
    ok("dj-rest-auth's logout deletes its cookies and blacklists its token")

    print("all ok")


if __name__ == "__main__":
    main()
