"""The token views over HTTP, with the URLs of tests/urls.py (the quickstart's
``api/token/`` and ``api/token/refresh/``, plus the other endpoints).

Bodies are compared whole: clients parse them, so keys, messages (msgids) and
``code`` values must be upstream's.
"""

import sys
import types
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import translation
from django.utils.module_loading import import_string
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_simplejwt import views
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.settings import DEFAULTS
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, SlidingToken
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenObtainSlidingView,
    TokenRefreshSlidingView,
    TokenRefreshView,
    TokenVerifyView,
    TokenViewBase,
)

User = get_user_model()

PASSWORD = "correct horse"
OBTAIN = "/api/token/"
REFRESH = "/api/token/refresh/"
OBTAIN_SLIDING = "/api/token/sliding/"
REFRESH_SLIDING = "/api/token/sliding/refresh/"
VERIFY = "/api/token/verify/"
BLACKLIST = "/api/token/blacklist/"
WHOAMI = "/api/whoami/"

NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
NO_ACCOUNT = {"detail": "No active account found with the given credentials"}
NO_ACCOUNT_FOR_TOKEN = {"detail": "No active account found for the given token."}

pytestmark = pytest.mark.django_db


class WithGreeting(TokenObtainPairSerializer):
    """Referred to by dotted path in settings."""

    def validate(self, attrs):
        data = super().validate(attrs)
        data["greeting"] = f"hello {self.user.username}"
        return data


@pytest.fixture
def user():
    return User.objects.create_user(username="ada", password=PASSWORD)


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def french():
    language = translation.get_language()
    with override_settings(
        MIDDLEWARE=[
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
        ]
    ):
        yield
    translation.activate(language)


def post(client, url, data, **headers):
    return client.post(url, data, format="json", **headers)


def token_not_valid(detail: str) -> dict:
    return {"detail": detail, "code": "token_not_valid"}


def assert_401(response, body: dict, scheme: str = "Bearer") -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == f'{scheme} realm="api"'
    assert response.json() == body


class TestObtainPair:
    def test_success(self, client, user):
        response = post(client, OBTAIN, {"username": "ada", "password": PASSWORD})
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"refresh", "access"}
        assert AccessToken(body["access"])["user_id"] == str(user.pk)
        assert RefreshToken(body["refresh"])["user_id"] == str(user.pk)

    def test_form_encoded(self, client, user):
        response = client.post(OBTAIN, {"username": "ada", "password": PASSWORD})
        assert response.status_code == 200

    def test_missing_fields(self, client):
        response = post(client, OBTAIN, {})
        assert response.status_code == 400
        assert response.json() == {
            "username": ["This field is required."],
            "password": ["This field is required."],
        }

    def test_wrong_password(self, client, user):
        response = post(client, OBTAIN, {"username": "ada", "password": "wrong"})
        assert_401(response, NO_ACCOUNT)

    def test_inactive_user(self, client, user):
        user.is_active = False
        user.save()
        response = post(client, OBTAIN, {"username": "ada", "password": PASSWORD})
        assert_401(response, NO_ACCOUNT)

    def test_get_not_allowed(self, client):
        assert client.get(OBTAIN).status_code == 405

    def test_update_last_login(self, client, user):
        post(client, OBTAIN, {"username": "ada", "password": PASSWORD})
        user.refresh_from_db()
        assert user.last_login is None
        with override_settings(SIMPLE_JWT={"UPDATE_LAST_LOGIN": True}):
            post(client, OBTAIN, {"username": "ada", "password": PASSWORD})
        user.refresh_from_db()
        assert user.last_login is not None

    def test_french(self, client, user, french):
        response = post(
            client,
            OBTAIN,
            {"username": "ada", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        assert_401(
            response,
            {"detail": "Aucun compte actif ne correspond aux identifiants fournis"},
        )


class TestRefresh:
    def test_success(self, client, user):
        refresh = RefreshToken.for_user(user)
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert response.status_code == 200
        assert set(response.json()) == {"access"}
        assert AccessToken(response.json()["access"])["user_id"] == str(user.pk)

    def test_missing_field(self, client):
        response = post(client, REFRESH, {})
        assert response.status_code == 400
        assert response.json() == {"refresh": ["This field is required."]}

    def test_expired(self, client, user):
        refresh = RefreshToken.for_user(user)
        refresh.set_exp(lifetime=-timedelta(seconds=1))
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, token_not_valid("Token is expired"))

    def test_garbage(self, client):
        response = post(client, REFRESH, {"refresh": "not.a.token"})
        assert_401(response, token_not_valid("Token is invalid"))

    def test_access_token_refused(self, client, user):
        response = post(client, REFRESH, {"refresh": str(AccessToken.for_user(user))})
        assert_401(response, token_not_valid("Token has wrong type"))

    def test_no_exp(self, client):
        refresh = RefreshToken()
        del refresh["exp"]
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, token_not_valid("Token has no 'exp' claim"))

    def test_deleted_user(self, client, user):
        refresh = RefreshToken.for_user(user)
        user.delete()
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, NO_ACCOUNT_FOR_TOKEN)

    def test_inactive_user(self, client, user):
        refresh = RefreshToken.for_user(user)
        user.is_active = False
        user.save()
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, NO_ACCOUNT_FOR_TOKEN)

    def test_user_id_the_model_refuses(self, client):
        refresh = RefreshToken()
        refresh["user_id"] = "abc"
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, NO_ACCOUNT_FOR_TOKEN)

    @override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True})
    def test_password_changed(self, client, user):
        refresh = RefreshToken.for_user(user)
        user.set_password("battery staple")
        user.save()
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, {"detail": "The user's password has been changed."})
        # It was blacklisted, so it stays refused for that reason.
        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, token_not_valid("Token is blacklisted"))

    def test_rotation_settings_at_run_time(self, client, user):
        refresh = str(RefreshToken.for_user(user))
        with override_settings(
            SIMPLE_JWT={"ROTATE_REFRESH_TOKENS": True, "BLACKLIST_AFTER_ROTATION": True}
        ):
            response = post(client, REFRESH, {"refresh": refresh})
            assert response.status_code == 200
            assert set(response.json()) == {"access", "refresh"}
            new_refresh = response.json()["refresh"]

            response = post(client, REFRESH, {"refresh": refresh})
            assert_401(response, token_not_valid("Token is blacklisted"))

        response = post(client, REFRESH, {"refresh": new_refresh})
        assert response.status_code == 200
        assert set(response.json()) == {"access"}

    def test_french(self, client, user, french):
        refresh = RefreshToken.for_user(user)
        refresh.set_exp(lifetime=-timedelta(seconds=1))
        response = post(
            client, REFRESH, {"refresh": str(refresh)}, HTTP_ACCEPT_LANGUAGE="fr"
        )
        assert_401(response, token_not_valid("Le jeton a expiré"))

        refresh = RefreshToken.for_user(user)
        user.delete()
        response = post(
            client, REFRESH, {"refresh": str(refresh)}, HTTP_ACCEPT_LANGUAGE="fr"
        )
        assert_401(
            response, {"detail": "Aucun compte actif n'a été trouvé pour ce jeton."}
        )


class TestSliding:
    def test_obtain_use_and_refresh(self, client, user):
        response = post(
            client, OBTAIN_SLIDING, {"username": "ada", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert set(response.json()) == {"token"}
        token = response.json()["token"]

        with override_settings(
            SIMPLE_JWT={
                "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.SlidingToken",)
            }
        ):
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            assert client.get(WHOAMI).json()["token_type"] == "sliding"
            client.credentials()

        response = post(client, REFRESH_SLIDING, {"token": token})
        assert response.status_code == 200
        assert set(response.json()) == {"token"}
        assert (
            SlidingToken(response.json()["token"])["jti"] == SlidingToken(token)["jti"]
        )

    def test_wrong_credentials(self, client, user):
        response = post(client, OBTAIN_SLIDING, {"username": "ada", "password": "x"})
        assert_401(response, NO_ACCOUNT)

    def test_refresh_period_over(self, client, user):
        token = SlidingToken.for_user(user)
        token.set_exp("refresh_exp", lifetime=-timedelta(seconds=1))
        response = post(client, REFRESH_SLIDING, {"token": str(token)})
        assert_401(response, token_not_valid("Token 'refresh_exp' claim has expired"))

    def test_missing_field(self, client):
        response = post(client, REFRESH_SLIDING, {})
        assert response.status_code == 400
        assert response.json() == {"token": ["This field is required."]}

    def test_deleted_user(self, client, user):
        token = SlidingToken.for_user(user)
        user.delete()
        response = post(client, REFRESH_SLIDING, {"token": str(token)})
        assert_401(response, NO_ACCOUNT_FOR_TOKEN)


class TestVerify:
    def test_valid(self, client, user):
        response = post(client, VERIFY, {"token": str(AccessToken.for_user(user))})
        assert response.status_code == 200
        assert response.json() == {}

    def test_invalid(self, client):
        token = AccessToken()
        token.set_exp(lifetime=-timedelta(seconds=1))
        response = post(client, VERIFY, {"token": str(token)})
        assert_401(response, token_not_valid("Token is expired"))

    def test_missing_field(self, client):
        response = post(client, VERIFY, {})
        assert response.status_code == 400
        assert response.json() == {"token": ["This field is required."]}

    @override_settings(SIMPLE_JWT={"BLACKLIST_AFTER_ROTATION": True})
    def test_blacklisted(self, client, user):
        refresh = RefreshToken.for_user(user)
        refresh.blacklist()
        response = post(client, VERIFY, {"token": str(refresh)})
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["Token is blacklisted"]}


class TestBlacklist:
    def test_logout(self, client, user):
        refresh = RefreshToken.for_user(user)
        response = post(client, BLACKLIST, {"refresh": str(refresh)})
        assert response.status_code == 200
        assert response.json() == {}
        assert BlacklistedToken.objects.get().token.jti == refresh["jti"]

        response = post(client, REFRESH, {"refresh": str(refresh)})
        assert_401(response, token_not_valid("Token is blacklisted"))
        response = post(client, BLACKLIST, {"refresh": str(refresh)})
        assert_401(response, token_not_valid("Token is blacklisted"))

    def test_missing_field(self, client):
        response = post(client, BLACKLIST, {})
        assert response.status_code == 400
        assert response.json() == {"refresh": ["This field is required."]}


class TestQuickstart:
    """Step 3 and 4 of USER-QUICKSTART.md: obtain, call, refresh, call."""

    def test_flow(self, client, user):
        tokens = post(client, OBTAIN, {"username": "ada", "password": PASSWORD}).json()

        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        assert client.get(WHOAMI).json()["username"] == "ada"

        client.credentials()
        assert_401(client.get(WHOAMI), NOT_PROVIDED)

        access = post(client, REFRESH, {"refresh": tokens["refresh"]}).json()["access"]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        assert client.get(WHOAMI).status_code == 200


class TestAuthenticateHeader:
    def test_scheme_follows_settings(self, client):
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT", "Bearer")}):
            response = post(client, REFRESH, {"refresh": "x"})
            assert_401(response, token_not_valid("Token is invalid"), scheme="JWT")

    def test_realm(self):
        class Internal(TokenRefreshView):
            www_authenticate_realm = "internal"

        request = APIRequestFactory().post(REFRESH, {"refresh": "x"}, format="json")
        response = Internal.as_view()(request)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="internal"'

    def test_module_name(self):
        assert views.AUTH_HEADER_TYPES == ("Bearer",)
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT",)}):
            assert views.AUTH_HEADER_TYPES == ("JWT",)
        with pytest.raises(AttributeError):
            views.NO_SUCH_NAME  # noqa: B018


class TestSerializerResolution:
    @pytest.mark.parametrize(
        ("view_class", "setting"),
        [
            (TokenObtainPairView, "TOKEN_OBTAIN_SERIALIZER"),
            (TokenRefreshView, "TOKEN_REFRESH_SERIALIZER"),
            (TokenObtainSlidingView, "SLIDING_TOKEN_OBTAIN_SERIALIZER"),
            (TokenRefreshSlidingView, "SLIDING_TOKEN_REFRESH_SERIALIZER"),
            (TokenVerifyView, "TOKEN_VERIFY_SERIALIZER"),
            (TokenBlacklistView, "TOKEN_BLACKLIST_SERIALIZER"),
        ],
    )
    def test_path_comes_from_settings(self, view_class, setting):
        assert view_class._serializer_class == DEFAULTS[setting]
        assert view_class()._serializer_class == DEFAULTS[setting]
        assert view_class().get_serializer_class() is import_string(DEFAULTS[setting])
        with override_settings(SIMPLE_JWT={setting: "tests.test_views.WithGreeting"}):
            assert view_class._serializer_class == "tests.test_views.WithGreeting"
            assert view_class().get_serializer_class() is WithGreeting

    def test_changed_setting_reaches_the_endpoint(self, client, user):
        credentials = {"username": "ada", "password": PASSWORD}
        with override_settings(
            SIMPLE_JWT={"TOKEN_OBTAIN_SERIALIZER": "tests.test_views.WithGreeting"}
        ):
            body = post(client, OBTAIN, credentials).json()
            assert body["greeting"] == "hello ada"
        assert "greeting" not in post(client, OBTAIN, credentials).json()

    def test_serializer_class_wins(self):
        class Custom(TokenObtainPairView):
            serializer_class = WithGreeting

        with override_settings(
            SIMPLE_JWT={
                "TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenVerifySerializer"
            }
        ):
            assert Custom().get_serializer_class() is WithGreeting

    def test_custom_view_with_serializer_class(self):
        class Custom(TokenViewBase):
            serializer_class = TokenObtainPairSerializer

        request = APIRequestFactory().post("/", {}, format="json")
        response = Custom.as_view()(request)
        assert response.status_code == 400

    def test_plain_path_on_a_subclass(self):
        class Custom(TokenViewBase):
            _serializer_class = "tests.test_views.WithGreeting"

        assert Custom().get_serializer_class() is WithGreeting
        view = TokenObtainPairView()
        view._serializer_class = "tests.test_views.WithGreeting"
        assert view.get_serializer_class() is WithGreeting

    def test_setting_holding_a_class(self):
        with override_settings(SIMPLE_JWT={"TOKEN_OBTAIN_SERIALIZER": WithGreeting}):
            assert TokenObtainPairView().get_serializer_class() is WithGreeting

    @pytest.mark.parametrize(
        "path", ["", "nowhere", "tests.test_views.Missing", "no_such_module.Thing"]
    )
    def test_unimportable(self, path):
        class Custom(TokenViewBase):
            _serializer_class = path

        with pytest.raises(
            ImportError, match=f"^Could not import serializer '{path}'$"
        ):
            Custom().get_serializer_class()

    def test_base_view_has_no_serializer(self):
        with pytest.raises(ImportError, match="^Could not import serializer ''$"):
            TokenViewBase().get_serializer_class()

    def test_replaced_module_attribute_is_noticed(self, monkeypatch):
        # What importlib.reload does to a module of serializers.
        module = types.ModuleType("tests.reloadable_serializers")
        module.Obtain = WithGreeting
        monkeypatch.setitem(sys.modules, module.__name__, module)

        class Custom(TokenViewBase):
            _serializer_class = "tests.reloadable_serializers.Obtain"

        assert Custom().get_serializer_class() is WithGreeting
        module.Obtain = TokenObtainPairSerializer
        assert Custom().get_serializer_class() is TokenObtainPairSerializer


class TestFunctionAliases:
    @pytest.mark.parametrize(
        ("function", "view_class"),
        [
            (views.token_obtain_pair, TokenObtainPairView),
            (views.token_refresh, TokenRefreshView),
            (views.token_obtain_sliding, TokenObtainSlidingView),
            (views.token_refresh_sliding, TokenRefreshSlidingView),
            (views.token_verify, TokenVerifyView),
            (views.token_blacklist, TokenBlacklistView),
        ],
    )
    def test_alias(self, function, view_class):
        assert function.view_class is view_class
        assert view_class.authentication_classes == ()
        assert view_class.permission_classes == ()
