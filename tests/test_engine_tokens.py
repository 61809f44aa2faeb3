"""The token classes on every algorithm, and Token.verify's rules.

Every rule is checked twice: through the stock classes (one native call) and
through subclasses that override ``verify`` (upstream's Python path), which
must report the same exception classes and messages.
"""

import time
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from freezegun import freeze_time

from rest_framework_simplejwt import _native, state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    ExpiredTokenError,
    TokenBackendError,
    TokenError,
)
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    SlidingToken,
    Token,
    UntypedToken,
)
from tests.engine_support import (
    ALGORITHMS,
    HMAC_ALGORITHMS,
    OTHER_HMAC_SECRET,
    T0,
    T0_EPOCH,
    header_of,
    payload_of,
    signing_key,
    simple_jwt,
    verifying_key,
)


class PyAccessToken(AccessToken):
    """Takes upstream's Python path: verify() is overridden."""

    def verify(self) -> None:
        super().verify()


class PyUntypedToken(UntypedToken):
    def verify(self) -> None:
        super().verify()


class CheckExpAccessToken(AccessToken):
    def check_exp(self, claim="exp", current_time=None) -> None:
        super().check_exp(claim, current_time)


ACCESS_CLASSES = [AccessToken, PyAccessToken, CheckExpAccessToken]
UNTYPED_CLASSES = [UntypedToken, PyUntypedToken]


def default_backend() -> TokenBackend:
    """Signs as the test settings do (HS256 with SECRET_KEY)."""
    return TokenBackend("HS256", settings.SECRET_KEY)


def sign(claims: dict) -> str:
    return default_backend().encode(claims)


def valid_claims(**changes) -> dict:
    claims = {
        "token_type": "access",
        "exp": T0_EPOCH + 300,
        "iat": T0_EPOCH,
        "jti": "0123456789abcdef0123456789abcdef",
        "user_id": "7",
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def error_of(token_class, raw, **kwargs) -> TokenError:
    with pytest.raises(TokenError) as caught:
        token_class(raw, **kwargs)
    return caught.value


def assert_token_error(token_class, raw, message, expired=False):
    error = error_of(token_class, raw)
    assert str(error.args[0]) == message
    assert isinstance(error, ExpiredTokenError) is expired, type(error)


# -- every algorithm through the token classes --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("alg", ALGORITHMS)
def test_token_classes_on_every_algorithm(alg):
    shared = state.token_backend
    with override_settings(SIMPLE_JWT=simple_jwt(alg)):
        # The shared backend took the new settings in place.
        assert state.token_backend is shared
        assert shared.algorithm == alg

        access = AccessToken()
        raw_access = str(access)
        assert header_of(raw_access) == {"alg": alg, "typ": "JWT"}
        assert AccessToken(raw_access).payload == access.payload
        assert UntypedToken(raw_access).payload == access.payload
        assert shared.decode(raw_access) == access.payload

        refresh = RefreshToken()
        raw_refresh = str(refresh)
        loaded = RefreshToken(raw_refresh)
        assert loaded.payload == refresh.payload
        derived = loaded.access_token
        assert derived["jti"] != loaded["jti"]
        assert AccessToken(str(derived))["token_type"] == "access"

        sliding = SlidingToken()
        loaded_sliding = SlidingToken(str(sliding))
        assert loaded_sliding.payload == sliding.payload
        assert loaded_sliding["refresh_exp"] > loaded_sliding["exp"]

        # PyJWT agrees the tokens are signed with the configured key.
        key = signing_key(alg) if alg in HMAC_ALGORITHMS else verifying_key(alg)
        assert jwt.decode(raw_access, key, algorithms=[alg]) == access.payload

    # Settings restored: the shared backend is HS256 with SECRET_KEY again.
    assert shared.algorithm == "HS256"
    assert shared.signing_key == settings.SECRET_KEY
    assert_token_error(AccessToken, raw_access, "Token is invalid")
    assert header_of(str(AccessToken()))["alg"] == "HS256"


# -- Token.verify's rules -----------------------------------------------------


@pytest.fixture
def at_t0():
    with freeze_time(T0) as frozen:
        yield frozen


@pytest.mark.usefixtures("at_t0")
@pytest.mark.parametrize("token_class", ACCESS_CLASSES)
class TestAccessTokenRules:
    def test_valid(self, token_class):
        token = token_class(sign(valid_claims()))
        assert token.payload == valid_claims()

    def test_expired(self, token_class):
        raw = sign(valid_claims(exp=T0_EPOCH))
        assert_token_error(token_class, raw, "Token is expired", expired=True)
        # One second left: valid.
        assert token_class(sign(valid_claims(exp=T0_EPOCH + 1)))

    def test_no_exp(self, token_class):
        raw = sign(valid_claims(exp=None))
        assert_token_error(token_class, raw, "Token has no 'exp' claim")

    def test_no_jti(self, token_class):
        assert_token_error(token_class, sign(valid_claims(jti=None)), "Token has no id")

    def test_no_type(self, token_class):
        raw = sign(valid_claims(token_type=None))
        assert_token_error(token_class, raw, "Token has no type")

    @pytest.mark.parametrize("wrong", ["refresh", "sliding", "Access", "", 1, None])
    def test_wrong_type(self, token_class, wrong):
        claims = valid_claims()
        claims["token_type"] = wrong
        assert_token_error(token_class, sign(claims), "Token has wrong type")

    def test_checks_come_in_upstreams_order(self, token_class):
        # exp presence, then the id, then the type.
        raw = sign(valid_claims(exp=None, jti=None, token_type="refresh"))
        assert_token_error(token_class, raw, "Token has no 'exp' claim")
        raw = sign(valid_claims(jti=None, token_type="refresh"))
        assert_token_error(token_class, raw, "Token has no id")
        # Expiry is the backend's check and comes first of all.
        raw = sign(valid_claims(exp=T0_EPOCH - 1, jti=None, token_type=None))
        assert_token_error(token_class, raw, "Token is expired", expired=True)

    @pytest.mark.parametrize(
        "claims",
        [
            valid_claims(iat=T0_EPOCH + 1),
            valid_claims(nbf=T0_EPOCH + 1),
            valid_claims(exp=str(T0_EPOCH + 300)),
            valid_claims(exp=float("nan")),
            valid_claims(exp=True),
            valid_claims(exp=-1),
            valid_claims(exp=10**30),
            valid_claims(iat="now"),
            valid_claims(jti=5),
            valid_claims(sub=5),
        ],
    )
    def test_backend_claim_rules_report_token_is_invalid(self, token_class, claims):
        assert_token_error(token_class, sign(claims), "Token is invalid")

    def test_bad_signature(self, token_class):
        raw = TokenBackend("HS256", OTHER_HMAC_SECRET).encode(valid_claims())
        assert_token_error(token_class, raw, "Token is invalid")

    def test_another_algorithm_is_invalid_not_invalid_algorithm(self, token_class):
        raw = TokenBackend("HS512", settings.SECRET_KEY).encode(valid_claims())
        assert_token_error(token_class, raw, "Token is invalid")

    @pytest.mark.parametrize("raw", ["", "garbage", "a.b.c", b"\xff.\xfe.\xfd"])
    def test_malformed(self, token_class, raw):
        assert_token_error(token_class, raw, "Token is invalid")

    def test_verify_false_skips_every_check(self, token_class):
        for claims in (
            valid_claims(exp=T0_EPOCH - 1000),
            valid_claims(exp=None, jti=None, token_type="refresh"),
        ):
            raw = TokenBackend("HS256", OTHER_HMAC_SECRET).encode(claims)
            assert token_class(raw, verify=False).payload == claims

    def test_leeway(self, token_class):
        raw = sign(valid_claims(exp=T0_EPOCH - 9))
        assert_token_error(token_class, raw, "Token is expired", expired=True)
        for leeway in (10, 9.5, timedelta(seconds=9, microseconds=1)):
            with override_settings(SIMPLE_JWT={"LEEWAY": leeway}):
                assert token_class(raw)["exp"] == T0_EPOCH - 9
        for leeway in (9, 8.999999, timedelta(seconds=9)):
            with override_settings(SIMPLE_JWT={"LEEWAY": leeway}):
                assert_token_error(token_class, raw, "Token is expired", expired=True)


@pytest.mark.usefixtures("at_t0")
@pytest.mark.parametrize("token_class", UNTYPED_CLASSES)
class TestUntypedTokenRules:
    @pytest.mark.parametrize(
        "token_type", ["access", "refresh", "sliding", "x", 5, None]
    )
    def test_any_type_or_none(self, token_class, token_type):
        claims = valid_claims()
        claims["token_type"] = token_type
        assert token_class(sign(claims))["token_type"] == token_type
        assert token_class(sign(valid_claims(token_type=None)))

    def test_still_needs_exp_and_jti(self, token_class):
        raw = sign(valid_claims(exp=None))
        assert_token_error(token_class, raw, "Token has no 'exp' claim")
        assert_token_error(token_class, sign(valid_claims(jti=None)), "Token has no id")
        raw = sign(valid_claims(exp=T0_EPOCH))
        assert_token_error(token_class, raw, "Token is expired", expired=True)


@pytest.mark.usefixtures("at_t0")
@pytest.mark.parametrize("token_class", ACCESS_CLASSES)
def test_without_jti_and_type_claims_those_checks_are_off(token_class):
    raw = sign(valid_claims(jti=None, token_type=None))
    assert_token_error(token_class, raw, "Token has no id")
    with override_settings(SIMPLE_JWT={"JTI_CLAIM": None}):
        assert_token_error(token_class, raw, "Token has no type")
        with override_settings(
            SIMPLE_JWT={"JTI_CLAIM": None, "TOKEN_TYPE_CLAIM": None}
        ):
            assert token_class(raw).payload == valid_claims(jti=None, token_type=None)


@pytest.mark.django_db
@pytest.mark.usefixtures("at_t0")
def test_refresh_and_sliding_tokens_check_their_own_type():
    access = sign(valid_claims())
    assert_token_error(RefreshToken, access, "Token has wrong type")
    assert_token_error(SlidingToken, access, "Token has wrong type")
    refresh = sign(valid_claims(token_type="refresh"))
    assert RefreshToken(refresh)["token_type"] == "refresh"
    assert_token_error(AccessToken, refresh, "Token has wrong type")


def test_a_class_without_type_or_lifetime_cannot_be_built():
    class NoLifetime(Token):
        token_type = "x"

    class NoType(Token):
        lifetime = timedelta(minutes=1)

    for token_class in (NoLifetime, NoType, Token):
        with pytest.raises(TokenError) as caught:
            token_class()
        assert (
            str(caught.value.args[0]) == "Cannot create token with no type or lifetime"
        )


@pytest.mark.usefixtures("at_t0")
def test_check_exp_messages():
    token = AccessToken()
    token.check_exp()
    token["exp"] = T0_EPOCH
    with pytest.raises(TokenError) as caught:
        token.check_exp()
    assert str(caught.value.args[0]) == "Token 'exp' claim has expired"
    assert not isinstance(caught.value, ExpiredTokenError)
    with pytest.raises(TokenError) as caught:
        token.check_exp("refresh_exp")
    assert str(caught.value.args[0]) == "Token has no 'refresh_exp' claim"
    token["refresh_exp"] = "not a time"
    with pytest.raises(TokenError) as caught:
        token.check_exp("refresh_exp")
    assert str(caught.value.args[0]) == "Token is invalid"


def test_minted_claims():
    with freeze_time(T0):
        access = AccessToken()
        sliding = SlidingToken()
    assert list(access.payload) == ["token_type", "exp", "iat", "jti"]
    assert access["token_type"] == "access"
    assert access["iat"] == T0_EPOCH
    assert access["exp"] == T0_EPOCH + 300
    jti = access["jti"]
    assert len(jti) == 32 and int(jti, 16) >= 0 and jti[12] == "4"
    assert AccessToken()["jti"] != jti
    assert sliding["exp"] == T0_EPOCH + 300
    assert sliding["refresh_exp"] == T0_EPOCH + 86400
    assert payload_of(str(access)) == access.payload


def test_a_token_with_a_float_exp_set_in_python_round_trips():
    # RFC 7519 NumericDates may be non-integer; upstream and PyJWT accept
    # what `token["exp"] = time.time() + 300` writes, and so do we.
    token = AccessToken()
    token["exp"] = time.time() + 300
    again = AccessToken(str(token))
    assert again["exp"] == token["exp"]
    assert isinstance(again["exp"], float)


def test_minting_past_the_last_numeric_date_fails():
    # Upstream's datetime arithmetic raises OverflowError past year 9999; the
    # engine fails too rather than minting a token it would then refuse.
    with (
        freeze_time(T0),
        override_settings(
            SIMPLE_JWT={"ACCESS_TOKEN_LIFETIME": timedelta(days=365 * 8000)}
        ),
        pytest.raises(OverflowError),
    ):
        AccessToken()
    with pytest.raises(OverflowError):
        _native.mint("token_type", "access", 2**62, "jti", 0)
    last = 253402300799 * 10**6
    assert _native.mint("token_type", "access", 0, "jti", last)["exp"] == 253402300799
    with pytest.raises(OverflowError):
        _native.mint("token_type", "access", 10**6, "jti", last)


# -- keys at token level ------------------------------------------------------


def test_an_unusable_key_surfaces_as_improperly_configured():
    raw = str(AccessToken())
    with override_settings(SIMPLE_JWT={"SIGNING_KEY": ""}):
        token = AccessToken()  # minting needs no key
        with pytest.raises(ImproperlyConfigured, match="non-empty"):
            str(token)
        for token_class in (AccessToken, PyAccessToken):
            with pytest.raises(ImproperlyConfigured, match="non-empty"):
                token_class(raw)
    with (
        override_settings(
            SIMPLE_JWT={"ALGORITHM": "ES256", "SIGNING_KEY": signing_key("ES384")}
        ),
        pytest.raises(ImproperlyConfigured, match="P-384"),
    ):
        str(AccessToken())


def test_an_unknown_algorithm_setting_fails_every_use_until_fixed():
    # Upstream builds its backend at import and fails there; ours is rebuilt
    # from the settings and must not fall back to the previous algorithm.
    raw = str(AccessToken())
    with override_settings(SIMPLE_JWT={"ALGORITHM": "HS999"}):
        for operation in (
            lambda: str(AccessToken()),
            lambda: AccessToken(raw),
            lambda: state.token_backend.encode({}),
            lambda: state.token_backend.decode(raw),
        ):
            for _attempt in range(2):
                with pytest.raises(TokenBackendError) as caught:
                    operation()
                assert (
                    str(caught.value.args[0]) == "Unrecognized algorithm type 'HS999'"
                )
    assert header_of(str(AccessToken()))["alg"] == "HS256"
    assert AccessToken(raw).payload == payload_of(raw)
