"""JWTAuthentication and JWTStatelessUserAuthentication.

Unit tests call the authenticator's methods; the HTTP tests go through
``/api/whoami/`` (tests/urls.py), a view that requires a token, and check the
exact status codes, JSON bodies and WWW-Authenticate header a client sees.
"""

import importlib
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTStatelessUserAuthentication,
    JWTTokenUserAuthentication,
    default_user_authentication_rule,
)
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    SlidingToken,
    UntypedToken,
)
from rest_framework_simplejwt.utils import get_md5_hash_password

User = get_user_model()

WHOAMI = "/api/whoami/"
STATELESS_WHOAMI = "/api/whoami/stateless/"
FRENCH = [
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
]


@pytest.fixture
def user(db):
    return User.objects.create_user(username="ada", password="correct horse")


@pytest.fixture
def backend():
    return JWTAuthentication()


@pytest.fixture
def factory():
    return APIRequestFactory()


@pytest.fixture
def french_middleware():
    """LocaleMiddleware, which activates the client's language and leaves it
    active in this thread after the response; put back what was active."""
    language = translation.get_language()
    with override_settings(MIDDLEWARE=FRENCH):
        yield
    translation.activate(language)


def access_for(user) -> str:
    return str(AccessToken.for_user(user))


def get_whoami(token: str, scheme: str = "Bearer", path: str = WHOAMI, **headers):
    return APIClient().get(path, HTTP_AUTHORIZATION=f"{scheme} {token}", **headers)


# -- reading the header --------------------------------------------------------


class TestGetHeader:
    def test_missing_header_is_none(self, backend, factory):
        assert backend.get_header(factory.get("/")) is None

    def test_bytes_and_text_values_both_give_bytes(self, backend, factory):
        assert backend.get_header(factory.get("/", HTTP_AUTHORIZATION=b"Bearer x")) == (
            b"Bearer x"
        )
        assert backend.get_header(factory.get("/", HTTP_AUTHORIZATION="Bearer x")) == (
            b"Bearer x"
        )

    def test_text_outside_latin1_does_not_crash(self, backend, factory):
        request = factory.get("/", HTTP_AUTHORIZATION="Bearer jéton✓")
        assert backend.get_header(request) == "Bearer jéton✓".encode()

    def test_header_name_follows_settings(self, backend, factory):
        request = factory.get("/", HTTP_X_ACCESS_TOKEN="Bearer x")
        assert backend.get_header(request) is None
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_NAME": "HTTP_X_ACCESS_TOKEN"}):
            assert backend.get_header(request) == b"Bearer x"
        assert backend.get_header(request) is None


class TestGetRawToken:
    def test_token_after_the_scheme(self, backend):
        assert backend.get_raw_token(b"Bearer abc.def.ghi") == b"abc.def.ghi"

    def test_text_header_accepted(self, backend):
        assert backend.get_raw_token("Bearer abc") == b"abc"

    @pytest.mark.parametrize("header", [b"", b"   "])
    def test_empty_header_is_none(self, backend, header):
        assert backend.get_raw_token(header) is None

    @pytest.mark.parametrize(
        "header", [b"Basic dXNlcjpwYXNz", b"Token abc", b"bearer abc", b"JWT abc"]
    )
    def test_other_schemes_are_left_to_other_authenticators(self, backend, header):
        assert backend.get_raw_token(header) is None

    @pytest.mark.parametrize("header", [b"Bearer", b"Bearer a b", b"Bearer a b c"])
    def test_malformed_header(self, backend, header):
        with pytest.raises(AuthenticationFailed) as e:
            backend.get_raw_token(header)
        assert e.value.detail == {
            "detail": "Authorization header must contain two space-delimited values",
            "code": "bad_authorization_header",
        }

    def test_header_types_follow_settings(self, backend):
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT",)}):
            assert backend.get_raw_token(b"JWT abc") == b"abc"
            assert backend.get_raw_token(b"Bearer abc") is None
        assert backend.get_raw_token(b"JWT abc") is None
        assert backend.get_raw_token(b"Bearer abc") == b"abc"

    def test_single_string_header_type(self, backend):
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": "JWT"}):
            assert backend.get_raw_token(b"JWT abc") == b"abc"
            assert backend.authenticate_header(None) == 'JWT realm="api"'

    def test_several_header_types(self, backend):
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ["JWT", "Bearer"]}):
            assert backend.get_raw_token(b"JWT abc") == b"abc"
            assert backend.get_raw_token(b"Bearer abc") == b"abc"

    def test_header_types_edited_on_api_settings(self, backend):
        # The way upstream's test helper changes a setting.
        assert api_settings.AUTH_HEADER_TYPES == ("Bearer",)
        api_settings.user_settings["AUTH_HEADER_TYPES"] = ("Token",)
        del api_settings.AUTH_HEADER_TYPES
        try:
            assert backend.get_raw_token(b"Token abc") == b"abc"
            assert backend.get_raw_token(b"Bearer abc") is None
        finally:
            del api_settings.user_settings["AUTH_HEADER_TYPES"]
            del api_settings.AUTH_HEADER_TYPES
        assert backend.get_raw_token(b"Bearer abc") == b"abc"


class TestModuleLevelNames:
    def test_names_follow_settings(self):
        assert authentication.AUTH_HEADER_TYPES == ("Bearer",)
        keywords = authentication.AUTH_HEADER_TYPE_BYTES
        assert keywords == {b"Bearer"}
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT", "Bearer")}):
            assert authentication.AUTH_HEADER_TYPES == ("JWT", "Bearer")
            keywords = authentication.AUTH_HEADER_TYPE_BYTES
            assert keywords == {b"JWT", b"Bearer"}
            from rest_framework_simplejwt.authentication import AUTH_HEADER_TYPES

            assert AUTH_HEADER_TYPES[0] == "JWT"

    def test_assigned_names_are_used(self, backend):
        with (
            mock.patch.object(authentication, "AUTH_HEADER_TYPES", ("Token",)),
            mock.patch.object(authentication, "AUTH_HEADER_TYPE_BYTES", {b"Token"}),
        ):
            assert backend.get_raw_token(b"Token abc") == b"abc"
            assert backend.get_raw_token(b"Bearer abc") is None
            assert backend.authenticate_header(None) == 'Token realm="api"'
        assert backend.get_raw_token(b"Bearer abc") == b"abc"
        assert backend.authenticate_header(None) == 'Bearer realm="api"'

    def test_monkeypatch_undo_does_not_pin_the_old_value(self, backend, monkeypatch):
        # monkeypatch restores the value it read, which then sits in the
        # module's namespace; it must not freeze the setting.
        monkeypatch.setattr(authentication, "AUTH_HEADER_TYPE_BYTES", {b"Token"})
        monkeypatch.setattr(authentication, "AUTH_HEADER_TYPES", ("Token",))
        monkeypatch.undo()
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT",)}):
            assert backend.get_raw_token(b"JWT abc") == b"abc"
            assert backend.authenticate_header(None) == 'JWT realm="api"'

    def test_reload_forgets_assigned_names(self, backend):
        authentication.AUTH_HEADER_TYPE_BYTES = {b"Token"}
        importlib.reload(authentication)
        assert "AUTH_HEADER_TYPE_BYTES" not in vars(authentication)
        assert backend.get_raw_token(b"Bearer abc") == b"abc"

    def test_unknown_name(self):
        with pytest.raises(AttributeError):
            authentication.NO_SUCH_NAME  # noqa: B018


class TestAuthenticateHeader:
    def test_first_header_type_and_realm(self, backend):
        assert backend.authenticate_header(None) == 'Bearer realm="api"'

    def test_follows_settings(self, backend):
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT", "Bearer")}):
            assert backend.authenticate_header(None) == 'JWT realm="api"'

    def test_realm_can_be_overridden(self):
        class Custom(JWTAuthentication):
            www_authenticate_realm = "internal"

        assert Custom().authenticate_header(None) == 'Bearer realm="internal"'


# -- validating the token ------------------------------------------------------


class TestGetValidatedToken:
    def test_returns_a_token_of_the_first_accepting_class(self, backend):
        token = AccessToken()
        validated = backend.get_validated_token(str(token).encode())
        assert type(validated) is AccessToken
        assert validated.payload == token.payload

    def test_expired_token(self, backend):
        token = AccessToken()
        token.set_exp(lifetime=-timedelta(seconds=1))
        with pytest.raises(InvalidToken) as e:
            backend.get_validated_token(str(token))
        assert e.value.detail == {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [
                {
                    "token_class": "AccessToken",
                    "token_type": "access",
                    "message": "Token is expired",
                }
            ],
        }

    def test_wrong_type(self, backend):
        with pytest.raises(InvalidToken) as e:
            backend.get_validated_token(str(RefreshToken()))
        assert e.value.detail["messages"] == [
            {
                "token_class": "AccessToken",
                "token_type": "access",
                "message": "Token has wrong type",
            }
        ]

    def test_garbage(self, backend):
        with pytest.raises(InvalidToken) as e:
            backend.get_validated_token(b"not-a-token")
        assert e.value.detail["messages"][0]["message"] == "Token is invalid"

    @override_settings(
        SIMPLE_JWT={
            "AUTH_TOKEN_CLASSES": (
                "rest_framework_simplejwt.tokens.AccessToken",
                "rest_framework_simplejwt.tokens.SlidingToken",
            )
        }
    )
    def test_classes_are_tried_in_order(self, backend, db):
        assert type(backend.get_validated_token(str(SlidingToken()))) is SlidingToken
        assert type(backend.get_validated_token(str(AccessToken()))) is AccessToken
        with pytest.raises(InvalidToken) as e:
            backend.get_validated_token(str(RefreshToken()))
        assert e.value.detail["messages"] == [
            {
                "token_class": "AccessToken",
                "token_type": "access",
                "message": "Token has wrong type",
            },
            {
                "token_class": "SlidingToken",
                "token_type": "sliding",
                "message": "Token has wrong type",
            },
        ]

    def test_token_classes_follow_settings(self, backend, db):
        sliding = str(SlidingToken())
        with pytest.raises(InvalidToken):
            backend.get_validated_token(sliding)
        with override_settings(
            SIMPLE_JWT={
                "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.SlidingToken",)
            }
        ):
            assert type(backend.get_validated_token(sliding)) is SlidingToken
        with pytest.raises(InvalidToken):
            backend.get_validated_token(sliding)

    @override_settings(
        SIMPLE_JWT={
            "AUTH_TOKEN_CLASSES": "rest_framework_simplejwt.tokens.UntypedToken"
        }
    )
    def test_a_single_dotted_path(self, backend):
        assert type(backend.get_validated_token(str(RefreshToken()))) is UntypedToken

    def test_messages_are_translated(self, backend):
        token = AccessToken()
        token.set_exp(lifetime=-timedelta(seconds=1))
        with translation.override("fr"), pytest.raises(InvalidToken) as e:
            backend.get_validated_token(str(token))
        assert e.value.detail["detail"] == (
            "Le jeton fourni n'est valide pour aucun type de jeton"
        )
        assert e.value.detail["messages"][0]["message"] == "Le jeton a expiré"


# -- finding the user ----------------------------------------------------------


@pytest.mark.django_db
class TestGetUser:
    def test_user_of_the_token(self, backend, user):
        assert backend.get_user(AccessToken.for_user(user)) == user

    def test_plain_mapping_and_id_as_text_or_number(self, backend, user):
        assert backend.get_user({"user_id": str(user.pk)}) == user
        assert backend.get_user({"user_id": user.pk}) == user

    def test_no_user_id_claim(self, backend):
        with pytest.raises(InvalidToken) as e:
            backend.get_user({"sub": "1"})
        assert e.value.detail == {
            "detail": "Token contained no recognizable user identification",
            "code": "token_not_valid",
        }

    def test_unknown_user(self, backend, user):
        with pytest.raises(AuthenticationFailed) as e:
            backend.get_user({"user_id": user.pk + 100})
        assert e.value.detail == {"detail": "User not found", "code": "user_not_found"}

    @pytest.mark.parametrize(
        "user_id", ["abc", "1.5e3", 2**80, [1], {"id": 1}, "", " "], ids=repr
    )
    def test_id_the_user_model_refuses_is_user_not_found(self, backend, user, user_id):
        with pytest.raises(AuthenticationFailed) as e:
            backend.get_user({"user_id": user_id})
        assert e.value.detail["code"] == "user_not_found"

    def test_inactive_user(self, backend, user):
        user.is_active = False
        user.save()
        with pytest.raises(AuthenticationFailed) as e:
            backend.get_user({"user_id": user.pk})
        assert e.value.detail == {"detail": "User is inactive", "code": "user_inactive"}

    def test_inactive_user_allowed_when_not_checked(self, backend, user):
        user.is_active = False
        user.save()
        with override_settings(SIMPLE_JWT={"CHECK_USER_IS_ACTIVE": False}):
            assert backend.get_user({"user_id": user.pk}) == user

    def test_revoked_by_password_change(self, backend, user):
        with override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True}):
            token = AccessToken.for_user(user)
            assert token["hash_password"] == get_md5_hash_password(user.password)
            assert backend.get_user(token) == user

            user.set_password("battery staple")
            user.save()
            with pytest.raises(AuthenticationFailed) as e:
                backend.get_user(token)
        assert e.value.detail == {
            "detail": "The user's password has been changed.",
            "code": "password_changed",
        }
        # Not checked once the setting is off again.
        assert backend.get_user(token) == user

    def test_revoke_claim_name_follows_settings(self, backend, user):
        with override_settings(
            SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True, "REVOKE_TOKEN_CLAIM": "pwd"}
        ):
            payload = {"user_id": user.pk, "pwd": get_md5_hash_password(user.password)}
            assert backend.get_user(payload) == user
            with pytest.raises(AuthenticationFailed):
                backend.get_user({"user_id": user.pk})

    def test_id_field_and_claim_follow_settings(self, backend, user):
        with override_settings(
            SIMPLE_JWT={"USER_ID_FIELD": "username", "USER_ID_CLAIM": "sub"}
        ):
            token = AccessToken.for_user(user)
            assert token["sub"] == "ada"
            assert backend.get_user(token) == user

    def test_user_model_attribute(self, backend):
        assert backend.user_model is User

    def test_user_model_comes_from_the_patched_get_user_model(self, user):
        # Upstream calls the module's get_user_model(); a patch of it is seen.
        with mock.patch(
            "rest_framework_simplejwt.authentication.get_user_model",
            return_value="patched",
        ):
            assert JWTAuthentication().user_model == "patched"

    def test_subclass_may_assign_its_own_user_model(self, user):
        queried = []

        class Manager:
            def get(self, **kwargs):
                queried.append(kwargs)
                return user

        class Model:
            DoesNotExist = User.DoesNotExist
            objects = Manager()

        class Custom(JWTAuthentication):
            def __init__(self):
                super().__init__()
                self.user_model = Model

        assert Custom().get_user({"user_id": 7}) == user
        assert queried == [{"id": 7}]


class TestStatelessUser:
    @pytest.mark.django_db
    def test_token_user_without_query(self, django_assert_num_queries):
        token = AccessToken()
        token["user_id"] = 42
        with django_assert_num_queries(0):
            user = JWTStatelessUserAuthentication().get_user(token)
        assert isinstance(user, TokenUser)
        assert user.id == 42
        assert user.token is token

    def test_no_user_id_claim(self):
        with pytest.raises(InvalidToken) as e:
            JWTStatelessUserAuthentication().get_user({"sub": 1})
        assert e.value.detail["detail"] == (
            "Token contained no recognizable user identification"
        )

    def test_token_user_class_follows_settings(self):
        with override_settings(
            SIMPLE_JWT={"TOKEN_USER_CLASS": "tests.test_authentication.NamedUser"}
        ):
            user = JWTStatelessUserAuthentication().get_user({"user_id": 1})
        assert type(user) is NamedUser
        assert type(JWTStatelessUserAuthentication().get_user({"user_id": 1})) is (
            TokenUser
        )

    def test_alias(self):
        assert JWTTokenUserAuthentication is JWTStatelessUserAuthentication


class NamedUser(TokenUser):
    username = "named"


@pytest.mark.django_db
class TestUserAuthenticationRule:
    def test_rule(self, user):
        assert default_user_authentication_rule(None) is False
        assert default_user_authentication_rule(user) is True
        user.is_active = False
        assert default_user_authentication_rule(user) is False
        with override_settings(SIMPLE_JWT={"CHECK_USER_IS_ACTIVE": False}):
            assert default_user_authentication_rule(user) is True

    def test_is_the_default_setting(self):
        assert api_settings.USER_AUTHENTICATION_RULE is default_user_authentication_rule


# -- authenticate(), and over HTTP --------------------------------------------


@pytest.mark.django_db
class TestAuthenticate:
    def test_user_and_token(self, backend, factory, user):
        token = access_for(user)
        request = factory.get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
        authed_user, validated = backend.authenticate(request)
        assert authed_user == user
        assert str(validated) == token

    def test_no_header_or_other_scheme(self, backend, factory):
        assert backend.authenticate(factory.get("/")) is None
        request = factory.get("/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
        assert backend.authenticate(request) is None

    def test_no_per_request_imports(self, backend, factory, user):
        request = factory.get("/", HTTP_AUTHORIZATION=f"Bearer {access_for(user)}")
        backend.authenticate(request)
        with mock.patch(
            "django.utils.module_loading.import_string",
            side_effect=AssertionError("import_string on the request path"),
        ):
            for _ in range(3):
                assert JWTAuthentication().authenticate(request)[0] == user

    def test_the_user_model_is_looked_up_as_upstream_does(self, factory, user):
        request = factory.get("/", HTTP_AUTHORIZATION=f"Bearer {access_for(user)}")
        with mock.patch.object(
            authentication, "get_user_model", wraps=authentication.get_user_model
        ) as looked_up:
            assert JWTAuthentication().authenticate(request)[0] == user
            assert looked_up.call_count == 1
            # The stateless class never needs the user model.
            JWTStatelessUserAuthentication().authenticate(request)
            assert looked_up.call_count == 1

    def test_changed_settings_reach_a_warm_authenticator(self, backend, factory, user):
        request = factory.get("/", HTTP_AUTHORIZATION=f"JWT {access_for(user)}")
        assert backend.authenticate(request) is None
        with override_settings(SIMPLE_JWT={"AUTH_HEADER_TYPES": ("JWT",)}):
            assert backend.authenticate(request)[0] == user
        assert backend.authenticate(request) is None


@pytest.mark.django_db
class TestOverHttp:
    def test_success(self, user):
        response = get_whoami(access_for(user))
        assert response.status_code == 200
        assert response.json() == {
            "user_id": user.pk,
            "username": "ada",
            "token_type": "access",
        }

    def test_stateless_success(self, user):
        response = get_whoami(access_for(user), path=STATELESS_WHOAMI)
        assert response.status_code == 200
        assert response.json() == {
            "user_id": str(user.pk),
            "username": "",
            "token_type": "access",
        }

    def test_no_credentials(self):
        response = APIClient().get(WHOAMI)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json() == {
            "detail": "Authentication credentials were not provided."
        }

    def test_other_scheme_means_no_credentials(self, user):
        response = get_whoami(access_for(user), scheme="Token")
        assert response.status_code == 401
        assert response.json() == {
            "detail": "Authentication credentials were not provided."
        }

    def test_malformed_header(self):
        response = APIClient().get(WHOAMI, HTTP_AUTHORIZATION="Bearer a b")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json() == {
            "detail": "Authorization header must contain two space-delimited values",
            "code": "bad_authorization_header",
        }

    def test_expired_token(self, user):
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=-timedelta(seconds=1))
        response = get_whoami(str(token))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json() == {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [
                {
                    "token_class": "AccessToken",
                    "token_type": "access",
                    "message": "Token is expired",
                }
            ],
        }

    def test_refresh_token_is_not_an_access_token(self, user):
        response = get_whoami(str(RefreshToken.for_user(user)))
        assert response.status_code == 401
        assert response.json()["messages"][0]["message"] == "Token has wrong type"

    def test_tampered_token(self, user):
        header, payload, signature = access_for(user).split(".")
        response = get_whoami(f"{header}.{payload}.{signature[::-1]}")
        assert response.status_code == 401
        assert response.json()["messages"][0]["message"] == "Token is invalid"

    @pytest.mark.parametrize("user_id", ["abc", "999999", 2**70])
    def test_user_id_without_user(self, user, user_id):
        token = AccessToken()
        token["user_id"] = user_id
        response = get_whoami(str(token))
        assert response.status_code == 401
        assert response.json() == {"detail": "User not found", "code": "user_not_found"}

    def test_inactive_user(self, user):
        token = access_for(user)
        user.is_active = False
        user.save()
        response = get_whoami(token)
        assert response.status_code == 401
        assert response.json() == {
            "detail": "User is inactive",
            "code": "user_inactive",
        }

    def test_password_changed(self, user):
        with override_settings(SIMPLE_JWT={"CHECK_REVOKE_TOKEN": True}):
            token = access_for(user)
            assert get_whoami(token).status_code == 200
            user.set_password("battery staple")
            user.save()
            response = get_whoami(token)
        assert response.status_code == 401
        assert response.json() == {
            "detail": "The user's password has been changed.",
            "code": "password_changed",
        }

    def test_header_settings_at_run_time(self, user):
        token = access_for(user)
        with override_settings(
            SIMPLE_JWT={
                "AUTH_HEADER_TYPES": ("JWT",),
                "AUTH_HEADER_NAME": "HTTP_X_ACCESS_TOKEN",
            }
        ):
            response = APIClient().get(WHOAMI, HTTP_X_ACCESS_TOKEN=f"JWT {token}")
            assert response.status_code == 200
            refused = get_whoami(token)
            assert refused.status_code == 401
            assert refused["WWW-Authenticate"] == 'JWT realm="api"'
        assert get_whoami(token).status_code == 200

    def test_french(self, user, french_middleware):
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=-timedelta(seconds=1))
        response = get_whoami(str(token), HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 401
        assert response.json() == {
            "detail": "Le jeton fourni n'est valide pour aucun type de jeton",
            "code": "token_not_valid",
            "messages": [
                {
                    "token_class": "AccessToken",
                    "token_type": "access",
                    "message": "Le jeton a expiré",
                }
            ],
        }

        malformed = APIClient().get(
            WHOAMI, HTTP_AUTHORIZATION="Bearer", HTTP_ACCEPT_LANGUAGE="fr"
        )
        assert malformed.json()["detail"] == (
            "L'en-tête Authorization doit contenir deux valeurs séparées par un espace"
        )

        unknown = AccessToken()
        unknown["user_id"] = "abc"
        response = get_whoami(str(unknown), HTTP_ACCEPT_LANGUAGE="fr")
        assert response.json() == {
            "detail": "Utilisateur introuvable",
            "code": "user_not_found",
        }
