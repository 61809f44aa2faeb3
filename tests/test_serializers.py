"""The serializers behind the token views, called directly.

Includes the behaviours of upstream's main branch: the ON_LOGIN_SUCCESS and
ON_LOGIN_FAILED hooks, ``no_active_account`` for a deleted user on refresh,
and ``password_changed`` (with blacklisting) on refresh and sliding refresh.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIRequestFactory

from rest_framework_simplejwt import serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import (
    PasswordField,
    TokenBlacklistSerializer,
    TokenObtainPairSerializer,
    TokenObtainSerializer,
    TokenObtainSlidingSerializer,
    TokenRefreshSerializer,
    TokenRefreshSlidingSerializer,
    TokenVerifySerializer,
    default_on_login_failed,
    default_on_login_success,
)
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    SlidingToken,
)

User = get_user_model()

PASSWORD = "correct horse"

pytestmark = pytest.mark.django_db

# Calls made to the hooks below, which tests name by dotted path in settings.
hook_calls: list[tuple] = []


def record_login_failed(credentials, request):
    hook_calls.append(("failed", credentials, request))


def record_login_success(user, request):
    hook_calls.append(("success", user, request))


def only_staff(user):
    return user is not None and user.is_staff


@pytest.fixture(autouse=True)
def _clear_hook_calls():
    hook_calls.clear()
    yield
    hook_calls.clear()


@pytest.fixture
def user():
    return User.objects.create_user(username="ada", password=PASSWORD)


@pytest.fixture
def request_():
    return APIRequestFactory().post("/api/token/")


def refused(serializer) -> drf_exceptions.APIException:
    with pytest.raises(drf_exceptions.AuthenticationFailed) as e:
        serializer.is_valid()
    return e.value


def blacklisted_jtis() -> set[str]:
    return set(BlacklistedToken.objects.values_list("token__jti", flat=True))


class TestPasswordField:
    def test_write_only_password_input(self):
        field = PasswordField()
        assert field.write_only
        assert field.style == {"input_type": "password"}

    def test_keeps_other_style_and_does_not_touch_the_callers_dict(self):
        style = {"placeholder": "secret", "input_type": "text"}
        field = PasswordField(style=style, write_only=False, max_length=10)
        assert field.style == {"placeholder": "secret", "input_type": "password"}
        assert field.write_only
        assert field.max_length == 10
        assert style == {"placeholder": "secret", "input_type": "text"}


class TestTokenObtainSerializer:
    def test_fields(self):
        assert TokenObtainSerializer.username_field == "username"
        fields = TokenObtainSerializer().fields
        assert list(fields) == ["username", "password"]
        assert all(field.write_only for field in fields.values())
        assert isinstance(fields["password"], PasswordField)

    def test_missing_fields(self):
        s = TokenObtainSerializer(data={})
        assert not s.is_valid()
        assert s.errors == {
            "username": ["This field is required."],
            "password": ["This field is required."],
        }

    def test_valid_credentials(self, user):
        s = TokenObtainSerializer(data={"username": "ada", "password": PASSWORD})
        assert s.is_valid()
        assert s.validated_data == {}
        assert s.user == user

    @pytest.mark.parametrize(
        "credentials",
        [
            {"username": "ada", "password": "wrong"},
            {"username": "nobody", "password": PASSWORD},
        ],
    )
    def test_wrong_credentials(self, user, credentials):
        error = refused(TokenObtainSerializer(data=credentials))
        assert error.detail == "No active account found with the given credentials"
        assert error.detail.code == "no_active_account"
        assert error.get_codes() == "no_active_account"

    def test_inactive_user(self, user):
        user.is_active = False
        user.save()
        error = refused(
            TokenObtainSerializer(data={"username": "ada", "password": PASSWORD})
        )
        assert error.detail.code == "no_active_account"

    @override_settings(
        AUTHENTICATION_BACKENDS=[
            "django.contrib.auth.backends.AllowAllUsersModelBackend"
        ],
        SIMPLE_JWT={"CHECK_USER_IS_ACTIVE": False},
    )
    def test_inactive_user_allowed_by_the_rule(self, user):
        user.is_active = False
        user.save()
        s = TokenObtainSerializer(data={"username": "ada", "password": PASSWORD})
        assert s.is_valid()

    def test_authentication_rule_follows_settings(self, user):
        data = {"username": "ada", "password": PASSWORD}
        with override_settings(
            SIMPLE_JWT={"USER_AUTHENTICATION_RULE": "tests.test_serializers.only_staff"}
        ):
            refused(TokenObtainSerializer(data=data))
        assert TokenObtainSerializer(data=data).is_valid()

    def test_request_is_passed_to_authenticate(self, user, request_):
        with mock.patch.object(
            serializers, "authenticate", wraps=serializers.authenticate
        ) as spy:
            s = TokenObtainSerializer(
                data={"username": "ada", "password": PASSWORD},
                context={"request": request_},
            )
            assert s.is_valid()
        spy.assert_called_once_with(request_, username="ada", password=PASSWORD)

    def test_get_token_uses_token_class(self, user):
        class Obtain(TokenObtainSerializer):
            token_class = AccessToken

        token = Obtain.get_token(user)
        assert type(token) is AccessToken
        assert token["user_id"] == str(user.pk)


class TestLoginHooks:
    def test_defaults(self):
        assert api_settings.ON_LOGIN_SUCCESS is default_on_login_success
        assert api_settings.ON_LOGIN_FAILED is default_on_login_failed
        assert default_on_login_failed({"username": "x"}, None) is None

    def test_default_success_hook_updates_last_login(self, user):
        assert user.last_login is None
        default_on_login_success(user, None)
        user.refresh_from_db()
        assert user.last_login is not None

    @override_settings(
        SIMPLE_JWT={"ON_LOGIN_FAILED": "tests.test_serializers.record_login_failed"}
    )
    def test_failed_login_hook_gets_masked_credentials(self, user, request_):
        refused(
            TokenObtainPairSerializer(
                data={"username": "ada", "password": "wrong"},
                context={"request": request_},
            )
        )
        assert hook_calls == [
            ("failed", {"username": "ada", "password": "*" * 20}, request_)
        ]

    @override_settings(
        SIMPLE_JWT={"ON_LOGIN_FAILED": "tests.test_serializers.record_login_failed"}
    )
    def test_failed_login_hook_for_inactive_user_and_without_request(self, user):
        user.is_active = False
        user.save()
        refused(TokenObtainSerializer(data={"username": "ada", "password": PASSWORD}))
        assert hook_calls == [
            ("failed", {"username": "ada", "password": "*" * 20}, None)
        ]

    @override_settings(
        SIMPLE_JWT={
            "ON_LOGIN_FAILED": "tests.test_serializers.record_login_failed",
            "ON_LOGIN_SUCCESS": "tests.test_serializers.record_login_success",
            "UPDATE_LAST_LOGIN": True,
        }
    )
    @pytest.mark.parametrize(
        "serializer_class", [TokenObtainPairSerializer, TokenObtainSlidingSerializer]
    )
    def test_success_hook(self, user, request_, serializer_class):
        s = serializer_class(
            data={"username": "ada", "password": PASSWORD},
            context={"request": request_},
        )
        assert s.is_valid()
        assert hook_calls == [("success", user, request_)]

    @override_settings(
        SIMPLE_JWT={"ON_LOGIN_SUCCESS": "tests.test_serializers.record_login_success"}
    )
    def test_success_hook_only_with_update_last_login(self, user):
        # As upstream's main branch: the hook replaces update_last_login.
        s = TokenObtainPairSerializer(data={"username": "ada", "password": PASSWORD})
        assert s.is_valid()
        assert hook_calls == []

    @pytest.mark.parametrize(
        "serializer_class", [TokenObtainPairSerializer, TokenObtainSlidingSerializer]
    )
    def test_last_login(self, user, serializer_class):
        data = {"username": "ada", "password": PASSWORD}
        assert serializer_class(data=data).is_valid()
        user.refresh_from_db()
        assert user.last_login is None

        before = timezone.now()
        with override_settings(SIMPLE_JWT={"UPDATE_LAST_LOGIN": True}):
            assert serializer_class(data=data).is_valid()
        user.refresh_from_db()
        assert before <= user.last_login <= timezone.now()

    @override_settings(SIMPLE_JWT={"ON_LOGIN_FAILED": None, "ON_LOGIN_SUCCESS": None})
    def test_hooks_may_be_none(self, user):
        refused(TokenObtainSerializer(data={"username": "ada", "password": "x"}))
        with override_settings(
            SIMPLE_JWT={
                "ON_LOGIN_FAILED": None,
                "ON_LOGIN_SUCCESS": None,
                "UPDATE_LAST_LOGIN": True,
            }
        ):
            s = TokenObtainPairSerializer(
                data={"username": "ada", "password": PASSWORD}
            )
            assert s.is_valid()


class TestObtain:
    def test_pair(self, user):
        s = TokenObtainPairSerializer(data={"username": "ada", "password": PASSWORD})
        assert s.is_valid()
        assert set(s.validated_data) == {"refresh", "access"}
        refresh = RefreshToken(s.validated_data["refresh"])
        access = AccessToken(s.validated_data["access"])
        assert refresh["user_id"] == access["user_id"] == str(user.pk)
        assert OutstandingToken.objects.get().jti == refresh["jti"]

    def test_sliding(self, user):
        s = TokenObtainSlidingSerializer(data={"username": "ada", "password": PASSWORD})
        assert s.is_valid()
        assert set(s.validated_data) == {"token"}
        assert SlidingToken(s.validated_data["token"])["user_id"] == str(user.pk)

    def test_custom_claims_through_get_token(self, user):
        class WithName(TokenObtainPairSerializer):
            @classmethod
            def get_token(cls, user):
                token = super().get_token(user)
                token["name"] = user.username
                return token

        s = WithName(data={"username": "ada", "password": PASSWORD})
        assert s.is_valid()
        assert AccessToken(s.validated_data["access"])["name"] == "ada"


class TestRefresh:
    def test_access_token_with_the_refresh_claims(self, user):
        refresh = RefreshToken.for_user(user)
        refresh["scope"] = "read"
        s = TokenRefreshSerializer(data={"refresh": str(refresh)})
        assert s.is_valid()
        assert set(s.validated_data) == {"access"}
        access = AccessToken(s.validated_data["access"])
        assert access["scope"] == "read"
        assert access["user_id"] == str(user.pk)
        assert access["jti"] != refresh["jti"]

    def test_token_without_user_is_not_checked(self):
        s = TokenRefreshSerializer(data={"refresh": str(RefreshToken())})
        assert s.is_valid()

    @pytest.mark.parametrize(
        ("serializer_class", "token_class", "field"),
        [
            (TokenRefreshSerializer, RefreshToken, "refresh"),
            (TokenRefreshSlidingSerializer, SlidingToken, "token"),
        ],
    )
    def test_deleted_user(self, user, serializer_class, token_class, field):
        token = token_class.for_user(user)
        user.delete()
        error = refused(serializer_class(data={field: str(token)}))
        assert type(error) is drf_exceptions.AuthenticationFailed
        assert error.detail == "No active account found for the given token."
        assert error.detail.code == "no_active_account"

    def test_inactive_user(self, user):
        refresh = RefreshToken.for_user(user)
        user.is_active = False
        user.save()
        error = refused(TokenRefreshSerializer(data={"refresh": str(refresh)}))
        assert error.detail.code == "no_active_account"

    @pytest.mark.parametrize("user_id", ["abc", 2**70, "999"])
    def test_user_id_naming_no_user(self, user, user_id):
        refresh = RefreshToken()
        refresh["user_id"] = user_id
        error = refused(TokenRefreshSerializer(data={"refresh": str(refresh)}))
        assert error.detail.code == "no_active_account"

    def test_invalid_tokens_raise_token_error(self, user):
        expired = RefreshToken.for_user(user)
        expired.set_exp(lifetime=-timedelta(seconds=1))
        with pytest.raises(TokenError, match="Token is expired"):
            TokenRefreshSerializer(data={"refresh": str(expired)}).is_valid()
        with pytest.raises(TokenError, match="Token has wrong type"):
            TokenRefreshSerializer(data={"refresh": access_of(user)}).is_valid()

    def test_missing_field(self):
        s = TokenRefreshSerializer(data={})
        assert not s.is_valid()
        assert s.errors == {"refresh": ["This field is required."]}

    @override_settings(SIMPLE_JWT={"ROTATE_REFRESH_TOKENS": True})
    def test_rotation(self, user):
        refresh = RefreshToken.for_user(user)
        s = TokenRefreshSerializer(data={"refresh": str(refresh)})
        assert s.is_valid()
        assert set(s.validated_data) == {"access", "refresh"}
        new = RefreshToken(s.validated_data["refresh"])
        assert new["jti"] != refresh["jti"]
        assert new["user_id"] == str(user.pk)
        assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {
            refresh["jti"],
            new["jti"],
        }
        assert OutstandingToken.objects.get(jti=new["jti"]).user == user
        assert blacklisted_jtis() == set()
        # Without BLACKLIST_AFTER_ROTATION the old token still works.
        assert TokenRefreshSerializer(data={"refresh": str(refresh)}).is_valid()

    @override_settings(
        SIMPLE_JWT={"ROTATE_REFRESH_TOKENS": True, "BLACKLIST_AFTER_ROTATION": True}
    )
    def test_rotation_with_blacklist(self, user):
        refresh = RefreshToken.for_user(user)
        s = TokenRefreshSerializer(data={"refresh": str(refresh)})
        assert s.is_valid()
        assert blacklisted_jtis() == {refresh["jti"]}
        with pytest.raises(TokenError, match="Token is blacklisted"):
            TokenRefreshSerializer(data={"refresh": str(refresh)}).is_valid()
        assert TokenRefreshSerializer(
            data={"refresh": s.validated_data["refresh"]}
        ).is_valid()

    @override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True})
    def test_password_changed(self, user):
        refresh = RefreshToken.for_user(user)
        assert TokenRefreshSerializer(data={"refresh": str(refresh)}).is_valid()

        user.set_password("battery staple")
        user.save()
        error = refused(TokenRefreshSerializer(data={"refresh": str(refresh)}))
        assert error.detail == "The user's password has been changed."
        assert error.detail.code == "password_changed"
        assert blacklisted_jtis() == {refresh["jti"]}

    def test_password_changed_without_blacklist_app(self, user):
        with override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True}):
            refresh = RefreshToken.for_user(user)
        user.set_password("battery staple")
        user.save()
        apps_without = [
            app
            for app in settings.INSTALLED_APPS
            if app != "rest_framework_simplejwt.token_blacklist"
        ]
        with override_settings(
            INSTALLED_APPS=apps_without, SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True}
        ):
            error = refused(TokenRefreshSerializer(data={"refresh": str(refresh)}))
        assert error.detail.code == "password_changed"
        assert blacklisted_jtis() == set()

    def test_messages_in_french(self, user):
        refresh = RefreshToken.for_user(user)
        user.delete()
        with translation.override("fr"):
            error = refused(TokenRefreshSerializer(data={"refresh": str(refresh)}))
        assert error.detail == "Aucun compte actif n'a été trouvé pour ce jeton."


def access_of(user) -> str:
    return str(AccessToken.for_user(user))


class TestRefreshSliding:
    def test_new_expiry(self, user):
        token = SlidingToken.for_user(user)
        token.set_exp(lifetime=timedelta(seconds=30))
        s = TokenRefreshSlidingSerializer(data={"token": str(token)})
        assert s.is_valid()
        renewed = SlidingToken(s.validated_data["token"])
        assert renewed["exp"] > token["exp"]
        assert renewed["jti"] == token["jti"]
        assert renewed["refresh_exp"] == token["refresh_exp"]

    def test_refresh_period_over(self, user):
        token = SlidingToken.for_user(user)
        token.set_exp("refresh_exp", lifetime=-timedelta(seconds=1))
        with pytest.raises(TokenError, match="Token 'refresh_exp' claim has expired"):
            TokenRefreshSlidingSerializer(data={"token": str(token)}).is_valid()

    def test_no_refresh_claim(self, user):
        token = SlidingToken.for_user(user)
        del token["refresh_exp"]
        with pytest.raises(TokenError, match="Token has no 'refresh_exp' claim"):
            TokenRefreshSlidingSerializer(data={"token": str(token)}).is_valid()

    @override_settings(SIMPLE_JWT={"SLIDING_TOKEN_REFRESH_EXP_CLAIM": "renew_by"})
    def test_refresh_claim_name_follows_settings(self, user):
        token = SlidingToken.for_user(user)
        assert "renew_by" in token
        assert TokenRefreshSlidingSerializer(data={"token": str(token)}).is_valid()

    @override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True})
    def test_password_changed(self, user):
        token = SlidingToken.for_user(user)
        user.set_password("battery staple")
        user.save()
        error = refused(TokenRefreshSlidingSerializer(data={"token": str(token)}))
        assert error.detail.code == "password_changed"
        assert blacklisted_jtis() == {token["jti"]}
        with pytest.raises(TokenError, match="Token is blacklisted"):
            SlidingToken(str(token))

    def test_inactive_user(self, user):
        token = SlidingToken.for_user(user)
        user.is_active = False
        user.save()
        error = refused(TokenRefreshSlidingSerializer(data={"token": str(token)}))
        assert error.detail.code == "no_active_account"


class TestVerify:
    @pytest.mark.parametrize("token_class", [AccessToken, RefreshToken, SlidingToken])
    def test_any_type(self, token_class):
        s = TokenVerifySerializer(data={"token": str(token_class())})
        assert s.is_valid()
        assert s.validated_data == {}

    def test_unknown_type(self):
        token = AccessToken()
        token["token_type"] = "other"
        assert TokenVerifySerializer(data={"token": str(token)}).is_valid()

    def test_invalid(self):
        token = AccessToken()
        token.set_exp(lifetime=-timedelta(seconds=1))
        with pytest.raises(TokenError, match="Token is expired"):
            TokenVerifySerializer(data={"token": str(token)}).is_valid()
        with pytest.raises(TokenError, match="Token is invalid"):
            TokenVerifySerializer(data={"token": "x.y.z"}).is_valid()

    def test_blacklisted_refresh_token(self, user):
        refresh = RefreshToken.for_user(user)
        refresh.blacklist()
        # Only looked up when BLACKLIST_AFTER_ROTATION is on, as upstream.
        assert TokenVerifySerializer(data={"token": str(refresh)}).is_valid()
        with override_settings(SIMPLE_JWT={"BLACKLIST_AFTER_ROTATION": True}):
            s = TokenVerifySerializer(data={"token": str(refresh)})
            with pytest.raises(drf_serializers.ValidationError) as e:
                s.is_valid(raise_exception=True)
        assert e.value.detail == {"non_field_errors": ["Token is blacklisted"]}

    def test_token_field_is_write_only(self):
        assert TokenVerifySerializer().fields["token"].write_only


class TestBlacklist:
    def test_blacklists_the_token(self, user):
        refresh = RefreshToken.for_user(user)
        s = TokenBlacklistSerializer(data={"refresh": str(refresh)})
        assert s.is_valid()
        assert s.validated_data == {}
        assert blacklisted_jtis() == {refresh["jti"]}
        with pytest.raises(TokenError, match="Token is blacklisted"):
            TokenBlacklistSerializer(data={"refresh": str(refresh)}).is_valid()

    def test_token_not_issued_here_is_recorded_then_blacklisted(self):
        refresh = RefreshToken()
        assert TokenBlacklistSerializer(data={"refresh": str(refresh)}).is_valid()
        assert OutstandingToken.objects.get().jti == refresh["jti"]
        assert blacklisted_jtis() == {refresh["jti"]}

    def test_access_token_refused(self, user):
        with pytest.raises(TokenError, match="Token has wrong type"):
            TokenBlacklistSerializer(data={"refresh": access_of(user)}).is_valid()

    def test_token_class_without_blacklist(self):
        class Plain(TokenBlacklistSerializer):
            token_class = AccessToken

        assert Plain(data={"refresh": str(AccessToken())}).is_valid()
        assert blacklisted_jtis() == set()
