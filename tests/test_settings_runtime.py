"""Settings changed while the process runs take effect.

Two ways projects change them in tests: django.test.override_settings, and
upstream's own helper idiom of assigning into api_settings.user_settings and
deleting the cached attribute. Both must reach the token classes and the
shared backend (state.token_backend, which is reconfigured in place).
"""

import contextlib
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from freezegun import freeze_time

from rest_framework_simplejwt import state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import (
    DEFAULTS,
    IMPORT_STRINGS,
    REMOVED_SETTINGS,
    APISettings,
    api_settings,
)
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    SlidingToken,
    UntypedToken,
)
from tests.engine_support import (
    HMAC_SECRET,
    OTHER_HMAC_SECRET,
    T0,
    T0_EPOCH,
    header_of,
    payload_of,
    signing_key,
    simple_jwt,
    verifying_key,
)

# Upstream 5.5.1's settings and defaults (SIGNING_KEY defaults to SECRET_KEY).
UPSTREAM_DEFAULTS = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": False,
    "BLACKLIST_AFTER_ROTATION": False,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "VERIFYING_KEY": "",
    "AUDIENCE": None,
    "ISSUER": None,
    "JSON_ENCODER": None,
    "JWK_URL": None,
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "USER_AUTHENTICATION_RULE": "rest_framework_simplejwt.authentication.default_user_authentication_rule",
    "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.AccessToken",),
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
    "TOKEN_USER_CLASS": "rest_framework_simplejwt.models.TokenUser",
    "SLIDING_TOKEN_REFRESH_EXP_CLAIM": "refresh_exp",
    "SLIDING_TOKEN_LIFETIME": timedelta(minutes=5),
    "SLIDING_TOKEN_REFRESH_LIFETIME": timedelta(days=1),
    "TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "rest_framework_simplejwt.serializers.TokenVerifySerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "rest_framework_simplejwt.serializers.TokenBlacklistSerializer",
    "SLIDING_TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainSlidingSerializer",
    "SLIDING_TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSlidingSerializer",
    "CHECK_REVOKE_TOKEN": False,
    "REVOKE_TOKEN_CLAIM": "hash_password",
    "CHECK_USER_IS_ACTIVE": True,
}
UPSTREAM_IMPORT_STRINGS = {
    "AUTH_TOKEN_CLASSES",
    "JSON_ENCODER",
    "TOKEN_USER_CLASS",
    "USER_AUTHENTICATION_RULE",
}
UPSTREAM_REMOVED_SETTINGS = {
    "AUTH_HEADER_TYPE",
    "AUTH_TOKEN_CLASS",
    "SECRET_KEY",
    "TOKEN_BACKEND_CLASS",
}
SETTINGS_DOC = (
    "https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html"
)


@contextlib.contextmanager
def assigned_api_settings(**changes):
    """Upstream's test-helper idiom: write into user_settings, then delete
    the cached attribute so the next read sees the new value."""
    saved = {}
    for name, value in changes.items():
        if name in api_settings.user_settings:
            saved[name] = api_settings.user_settings[name]
        api_settings.user_settings[name] = value
        with contextlib.suppress(AttributeError):
            delattr(api_settings, name)
    try:
        yield
    finally:
        for name in changes:
            api_settings.user_settings.pop(name)
            if name in saved:
                api_settings.user_settings[name] = saved[name]
            with contextlib.suppress(AttributeError):
                delattr(api_settings, name)


# -- what the settings are ----------------------------------------------------------


def test_every_upstream_setting_exists_with_upstreams_default():
    for name, value in UPSTREAM_DEFAULTS.items():
        assert name in DEFAULTS, name
        assert DEFAULTS[name] == value, name
    assert DEFAULTS["SIGNING_KEY"] == settings.SECRET_KEY
    assert set(IMPORT_STRINGS) >= UPSTREAM_IMPORT_STRINGS
    assert set(REMOVED_SETTINGS) == UPSTREAM_REMOVED_SETTINGS


def test_defaults_are_what_api_settings_reads():
    assert api_settings.ALGORITHM == "HS256"
    assert api_settings.SIGNING_KEY == settings.SECRET_KEY
    assert timedelta(minutes=5) == api_settings.ACCESS_TOKEN_LIFETIME
    assert api_settings.LEEWAY == 0
    assert api_settings.AUDIENCE is None
    assert api_settings.JSON_ENCODER is None
    assert list(api_settings.AUTH_TOKEN_CLASSES) == [AccessToken]
    with pytest.raises(AttributeError, match="Invalid API setting"):
        _ = api_settings.NOT_A_SETTING


@pytest.mark.parametrize("name", sorted(UPSTREAM_REMOVED_SETTINGS))
def test_removed_settings_raise_runtime_error(name):
    message = (
        f"The '{name}' setting has been removed. "
        f"Please refer to '{SETTINGS_DOC}' for available settings."
    )
    with override_settings(SIMPLE_JWT={name: "anything"}):
        with pytest.raises(RuntimeError) as caught:
            _ = api_settings.ALGORITHM
        assert str(caught.value) == message
        with pytest.raises(RuntimeError):
            AccessToken()
    with pytest.raises(RuntimeError) as caught:
        APISettings({name: "anything"})
    assert str(caught.value) == message
    # Gone with the override.
    assert api_settings.ALGORITHM == "HS256"
    assert AccessToken()


# -- override_settings ----------------------------------------------------------------


def test_algorithm_and_keys():
    backend = state.token_backend
    with override_settings(SIMPLE_JWT=simple_jwt("ES384")):
        assert backend.algorithm == "ES384"
        raw = str(AccessToken())
        assert header_of(raw)["alg"] == "ES384"
        assert jwt.decode(raw, verifying_key("ES384"), algorithms=["ES384"])
        assert state.token_backend.decode(raw)["token_type"] == "access"
    with override_settings(
        SIMPLE_JWT={"ALGORITHM": "HS512", "SIGNING_KEY": HMAC_SECRET}
    ):
        raw = str(AccessToken())
        assert header_of(raw)["alg"] == "HS512"
        assert jwt.decode(raw, HMAC_SECRET, algorithms=["HS512"])
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(raw, settings.SECRET_KEY, algorithms=["HS512"])
    assert state.token_backend is backend
    assert backend.algorithm == "HS256"


def test_verifying_key_only_service():
    issued = None
    with override_settings(SIMPLE_JWT=simple_jwt("RS256")):
        issued = str(AccessToken())
    with override_settings(
        SIMPLE_JWT={"ALGORITHM": "RS256", "VERIFYING_KEY": verifying_key("RS256")}
    ):
        assert AccessToken(issued)["token_type"] == "access"
    with override_settings(
        SIMPLE_JWT={
            "ALGORITHM": "RS256",
            "SIGNING_KEY": signing_key("RS256"),
            "VERIFYING_KEY": "",
        }
    ):
        assert AccessToken(issued)["token_type"] == "access"


def test_secret_key_is_the_signing_key_when_none_is_set():
    new_secret = "a-different-django-secret-key-" + "x" * 40
    with override_settings(SECRET_KEY=new_secret):
        assert new_secret == api_settings.SIGNING_KEY
        assert state.token_backend.signing_key == new_secret
        raw = str(AccessToken())
        assert jwt.decode(raw, new_secret, algorithms=["HS256"])
        assert AccessToken(raw)
    assert api_settings.SIGNING_KEY == settings.SECRET_KEY != new_secret
    with pytest.raises(TokenError):
        AccessToken(raw)
    # An explicit SIGNING_KEY wins over SECRET_KEY.
    with override_settings(
        SECRET_KEY=new_secret, SIMPLE_JWT={"SIGNING_KEY": HMAC_SECRET}
    ):
        assert jwt.decode(str(AccessToken()), HMAC_SECRET, algorithms=["HS256"])


@pytest.mark.django_db
def test_lifetimes():
    with (
        freeze_time(T0),
        override_settings(
            SIMPLE_JWT={
                "ACCESS_TOKEN_LIFETIME": timedelta(seconds=42),
                "REFRESH_TOKEN_LIFETIME": timedelta(hours=3),
                "SLIDING_TOKEN_LIFETIME": timedelta(minutes=7),
                "SLIDING_TOKEN_REFRESH_LIFETIME": timedelta(days=3),
            }
        ),
    ):
        assert AccessToken.lifetime == timedelta(seconds=42)
        assert AccessToken()["exp"] == T0_EPOCH + 42
        refresh = RefreshToken()
        assert refresh["exp"] == T0_EPOCH + 3 * 3600
        assert refresh.access_token["exp"] == T0_EPOCH + 42
        sliding = SlidingToken()
        assert sliding["exp"] == T0_EPOCH + 7 * 60
        assert sliding["refresh_exp"] == T0_EPOCH + 3 * 86400
    with freeze_time(T0):
        assert AccessToken()["exp"] == T0_EPOCH + 300


@pytest.mark.django_db
def test_token_type_claim():
    with override_settings(SIMPLE_JWT={"TOKEN_TYPE_CLAIM": "kind"}):
        access = AccessToken()
        assert access["kind"] == "access"
        assert "token_type" not in access
        assert AccessToken(str(access))["kind"] == "access"
        refresh = RefreshToken()
        derived = refresh.access_token
        assert derived["kind"] == "access"
        assert RefreshToken(str(refresh))["kind"] == "refresh"
        legacy = TokenBackend("HS256", settings.SECRET_KEY).encode(
            {**access.payload, "token_type": "access", "kind": None}
        )
        with pytest.raises(TokenError, match="wrong type"):
            AccessToken(legacy)
        del_kind = {k: v for k, v in access.payload.items() if k != "kind"}
        with pytest.raises(TokenError, match="Token has no type"):
            AccessToken(TokenBackend("HS256", settings.SECRET_KEY).encode(del_kind))
    with pytest.raises(TokenError, match="Token has no type"):
        AccessToken(str(access))


@pytest.mark.django_db
def test_jti_claim():
    with override_settings(SIMPLE_JWT={"JTI_CLAIM": "id"}):
        access = AccessToken()
        assert "jti" not in access
        assert len(access["id"]) == 32 and int(access["id"], 16) >= 0
        assert AccessToken(str(access))["id"] == access["id"]
        refresh = RefreshToken()
        assert refresh.access_token["id"] != refresh["id"]
    with pytest.raises(TokenError, match="Token has no id"):
        AccessToken(str(access))


@pytest.mark.django_db
def test_user_id_claim_and_field():
    user = get_user_model().objects.create_user(username="ada", password="pw")
    with override_settings(SIMPLE_JWT={"USER_ID_CLAIM": "uid"}):
        token = AccessToken.for_user(user)
        assert token["uid"] == str(user.pk)
        assert "user_id" not in token
    with override_settings(
        SIMPLE_JWT={"USER_ID_CLAIM": "who", "USER_ID_FIELD": "username"}
    ):
        assert AccessToken.for_user(user)["who"] == "ada"


def test_leeway():
    with freeze_time(T0) as frozen:
        raw = str(AccessToken())
        frozen.tick(timedelta(minutes=5, seconds=3))
        with pytest.raises(ExpiredTokenError):
            AccessToken(raw)
        for leeway in (4, 3.5, timedelta(seconds=3, microseconds=1)):
            with override_settings(SIMPLE_JWT={"LEEWAY": leeway}):
                assert state.token_backend.leeway == leeway
                assert AccessToken(raw)
                assert state.token_backend.decode(raw)
        with (
            override_settings(SIMPLE_JWT={"LEEWAY": 3}),
            pytest.raises(ExpiredTokenError),
        ):
            AccessToken(raw)


def test_audience_and_issuer():
    with override_settings(
        SIMPLE_JWT={"AUDIENCE": ["api", "web"], "ISSUER": "https://issuer.example"}
    ):
        raw = str(AccessToken())
        assert payload_of(raw)["aud"] == ["api", "web"]
        assert payload_of(raw)["iss"] == "https://issuer.example"
        assert AccessToken(raw)["iss"] == "https://issuer.example"
    # Accepted where neither is configured: they are not checked.
    assert AccessToken(raw)["aud"] == ["api", "web"]
    plain = str(AccessToken())
    with override_settings(SIMPLE_JWT={"AUDIENCE": "api"}):
        with pytest.raises(TokenError, match="Token is invalid"):
            AccessToken(plain)
        assert AccessToken(raw)
    with (
        override_settings(SIMPLE_JWT={"AUDIENCE": "mobile"}),
        pytest.raises(TokenError, match="Token is invalid"),
    ):
        AccessToken(raw)
    with override_settings(SIMPLE_JWT={"ISSUER": "https://issuer.example"}):
        with pytest.raises(TokenError, match="Token is invalid"):
            AccessToken(plain)
        assert AccessToken(raw)
    with (
        override_settings(SIMPLE_JWT={"ISSUER": "https://other.example"}),
        pytest.raises(TokenError, match="Token is invalid"),
    ):
        UntypedToken(raw)


def test_nested_overrides_unwind():
    with override_settings(SIMPLE_JWT={"ALGORITHM": "HS384"}):
        with override_settings(SIMPLE_JWT={"ALGORITHM": "HS512"}):
            assert header_of(str(AccessToken()))["alg"] == "HS512"
        assert header_of(str(AccessToken()))["alg"] == "HS384"
        assert state.token_backend.algorithm == "HS384"
    assert header_of(str(AccessToken()))["alg"] == "HS256"


# -- upstream's user_settings idiom -------------------------------------------------


def test_assignment_into_user_settings_takes_effect():
    backend = state.token_backend
    with (
        freeze_time(T0),
        assigned_api_settings(
            ALGORITHM="HS384",
            SIGNING_KEY=HMAC_SECRET,
            ACCESS_TOKEN_LIFETIME=timedelta(seconds=10),
            TOKEN_TYPE_CLAIM="typ",
        ),
    ):
        token = AccessToken()
        assert token["typ"] == "access" and token["exp"] == T0_EPOCH + 10
        raw = str(token)
        assert header_of(raw)["alg"] == "HS384"
        assert jwt.decode(raw, HMAC_SECRET, algorithms=["HS384"])
        assert AccessToken(raw)["typ"] == "access"
        # Code holding the shared backend sees the change too.
        assert backend.decode(raw)["typ"] == "access"
        assert header_of(backend.encode({}))["alg"] == "HS384"
    assert header_of(backend.encode({}))["alg"] == "HS256"
    assert header_of(str(AccessToken()))["alg"] == "HS256"
    with pytest.raises(TokenError):
        AccessToken(raw)


def test_assignment_of_leeway_audience_and_issuer():
    with freeze_time(T0) as frozen:
        raw = str(AccessToken())
        frozen.tick(timedelta(minutes=6))
        with pytest.raises(ExpiredTokenError):
            AccessToken(raw)
        with assigned_api_settings(LEEWAY=timedelta(minutes=2)):
            assert AccessToken(raw)
        with pytest.raises(ExpiredTokenError):
            AccessToken(raw)
        plain = str(AccessToken())
        with assigned_api_settings(AUDIENCE="api", ISSUER="me"):
            minted = str(AccessToken())
            assert payload_of(minted)["aud"] == "api"
            assert payload_of(minted)["iss"] == "me"
            assert AccessToken(minted)
            with pytest.raises(TokenError, match="Token is invalid"):
                AccessToken(plain)
        assert AccessToken(plain)


def test_assignment_of_a_signing_key_signs_with_it():
    with assigned_api_settings(SIGNING_KEY=OTHER_HMAC_SECRET):
        raw = str(AccessToken())
        assert jwt.decode(raw, OTHER_HMAC_SECRET, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(str(AccessToken()), OTHER_HMAC_SECRET, algorithms=["HS256"])


def test_the_shared_backend_attributes_follow_override_settings():
    backend = state.token_backend
    with override_settings(
        SIMPLE_JWT=simple_jwt("EdDSA", AUDIENCE="api", ISSUER="me", LEEWAY=7)
    ):
        assert (
            backend.algorithm,
            backend.audience,
            backend.issuer,
            backend.leeway,
        ) == (
            "EdDSA",
            "api",
            "me",
            7,
        )
    assert (backend.algorithm, backend.audience, backend.issuer, backend.leeway) == (
        "HS256",
        None,
        None,
        0,
    )


def test_assigning_a_read_setting_applies_to_tokens():
    """Upstream's own tests assign api_settings attributes directly."""
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    assert api_settings.TOKEN_TYPE_CLAIM == "token_type"
    assert RefreshToken.no_copy_claims[0] == "token_type"
    raw = str(AccessToken())
    api_settings.TOKEN_TYPE_CLAIM = "kind"
    try:
        assert RefreshToken.no_copy_claims[0] == "kind"
        assert AccessToken()["kind"] == "access"
        # A token typed under the old claim name has no type now.
        with pytest.raises(TokenError, match="Token has no type"):
            AccessToken(raw)
    finally:
        del api_settings.TOKEN_TYPE_CLAIM
    assert AccessToken(raw)["token_type"] == "access"
