"""Tokens are interchangeable with PyJWT's, which upstream uses.

Deterministic signatures (HMAC, RSA PKCS#1 v1.5, Ed25519) make our tokens
byte-identical to jwt.encode's for the same payload and key; PSS and ECDSA
signatures are randomized, so there the header and payload segments are
compared and each side verifies the other's tokens.
"""

import functools
import json
import uuid
import warnings
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken
from tests.engine_support import (
    ALGORITHMS,
    DETERMINISTIC_ALGORITHMS,
    HMAC_ALGORITHMS,
    RANDOMIZED_ALGORITHMS,
    payload_of,
    signing_key,
    simple_jwt,
    verifying_key,
)


class UUIDDecimalEncoder(json.JSONEncoder):
    """A JSON_ENCODER as projects write them (importable by dotted path)."""

    def default(self, o):
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def backend(alg: str, **kwargs) -> TokenBackend:
    return TokenBackend(alg, signing_key(alg), verifying_key(alg), **kwargs)


@functools.cache
def pyjwt_signing_key(alg: str):
    """The signing key as PyJWT's callers (upstream among them) pass it: a
    loaded key object, parsed once (loading an RSA key takes tens of ms)."""
    if alg in HMAC_ALGORITHMS:
        return signing_key(alg)
    return serialization.load_pem_private_key(signing_key(alg).encode(), None)


def pyjwt_verifying_key(alg: str) -> str:
    return signing_key(alg) if alg in HMAC_ALGORITHMS else verifying_key(alg)


def simplejwt_claims(**extra) -> dict:
    now = int(datetime.now(tz=timezone.utc).timestamp())
    return {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": "42",
        **extra,
    }


PAYLOADS = [
    {},
    {"a": 1},
    simplejwt_claims(),
    {"text": "héllo wörld, ☃, ünïcödé, 日本語, עברית"},
    {"emoji": "😀🎉👍🏽 family: 👨‍👩‍👧", "flag": "🇫🇷"},
    {"control": "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x9f"},
    {"quotes": "\"double\" 'single' \\back\\slash /slash/ </script>"},
    {"separators": "\u2028\u2029\ufeff\ufffd"},
    {"lone surrogate": "\ud800 and \udfff"},
    {"nested": {"a": {"b": {"c": [1, [2, [3, {"d": None}]]]}}}},
    {"list": [1, "two", 3.0, None, True, False, [], {}]},
    {"big": 2**64, "bigger": 10**40, "negative": -(2**100), "zero": 0, "minus": -1},
    {"floats": [0.1, 1.5, -0.0, 1e16, 1e-7, 3.141592653589793, 1e308, 5e-324]},
    {"special": [float("nan"), float("inf"), float("-inf")]},
    {"bools": True, "none": None, "false": False},
    {"tuple": (1, "x", None)},
    {"é-key": 1, "emoji-😀": 2, "": 3, " ": 4},
    {1: "int key", 2.5: "float key", None: "none key", False: "bool key"},
    {"exp": datetime(2031, 1, 1, 12, 30, tzinfo=timezone.utc)},
    {"iat": datetime(2031, 1, 1, 12, 30)},  # naive, taken as UTC
    OrderedDict([("z", 1), ("a", 2)]),
    {"aud": "mine", "iss": "me", "x": 1},
    {"x": "x" * 5000},
]


def payload_id(payload) -> str:
    return repr(payload)[:40]


# -- PyJWT's tokens in ours -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("alg", ALGORITHMS)
def test_pyjwt_tokens_validate_in_ours(alg):
    claims = simplejwt_claims()
    raw = jwt.encode(claims, signing_key(alg), algorithm=alg)
    assert backend(alg).decode(raw) == claims
    if alg not in HMAC_ALGORITHMS:
        assert TokenBackend(alg, None, verifying_key(alg)).decode(raw) == claims
    with override_settings(SIMPLE_JWT=simple_jwt(alg)):
        assert AccessToken(raw).payload == claims
        assert UntypedToken(raw).payload == claims
    # With a kid header and the claims in another order.
    reordered = dict(reversed(list(claims.items())))
    raw = jwt.encode(reordered, signing_key(alg), algorithm=alg, headers={"kid": "k1"})
    assert list(backend(alg).decode(raw)) == list(reordered)
    # PyJWT's refresh tokens too.
    refresh = simplejwt_claims(token_type="refresh", exp=claims["exp"] + 86400)
    raw = jwt.encode(refresh, signing_key(alg), algorithm=alg)
    with override_settings(SIMPLE_JWT=simple_jwt(alg)):
        assert RefreshToken(raw).payload == refresh
        access = RefreshToken(raw).access_token
        assert jwt.decode(str(access), pyjwt_verifying_key(alg), algorithms=[alg])


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_pyjwt_tokens_with_audience_and_issuer(alg):
    claims = simplejwt_claims(aud=["other", "api"], iss="https://issuer.example")
    raw = jwt.encode(claims, signing_key(alg), algorithm=alg)
    b = backend(alg, audience="api", issuer="https://issuer.example")
    assert b.decode(raw) == claims
    expired = jwt.encode({**claims, "exp": claims["iat"] - 1}, signing_key(alg), alg)
    with pytest.raises(Exception, match="Token is expired"):
        b.decode(expired)


# -- our tokens in PyJWT ---------------------------------------------------------------


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_our_tokens_validate_in_pyjwt(alg):
    claims = simplejwt_claims()
    raw = backend(alg).encode(claims)
    assert jwt.decode(raw, pyjwt_verifying_key(alg), algorithms=[alg]) == claims
    header = jwt.get_unverified_header(raw)
    assert header == {"alg": alg, "typ": "JWT"}


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_our_token_classes_validate_in_pyjwt(alg):
    with override_settings(
        SIMPLE_JWT=simple_jwt(alg, AUDIENCE="api", ISSUER="https://issuer.example")
    ):
        token = AccessToken()
        token["user_id"] = "7"
        raw = str(token)
    decoded = jwt.decode(
        raw,
        pyjwt_verifying_key(alg),
        algorithms=[alg],
        audience="api",
        issuer="https://issuer.example",
    )
    assert decoded == {**token.payload, "aud": "api", "iss": "https://issuer.example"}


# -- byte-identical tokens --------------------------------------------------------------


@pytest.mark.parametrize("alg", DETERMINISTIC_ALGORITHMS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_byte_identical_to_jwt_encode(alg, payload):
    ours = backend(alg).encode(payload)
    theirs = jwt.encode(payload, pyjwt_signing_key(alg), algorithm=alg)
    assert ours == theirs


@pytest.mark.parametrize("alg", RANDOMIZED_ALGORITHMS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_randomized_algorithms_share_header_and_payload(alg, payload):
    ours = backend(alg).encode(payload)
    theirs = jwt.encode(payload, pyjwt_signing_key(alg), algorithm=alg)
    assert ours.split(".")[:2] == theirs.split(".")[:2]
    assert ours.split(".")[2] != theirs.split(".")[2]  # randomized
    key = verifying_key(alg)
    assert repr(jwt.decode(ours, key, algorithms=[alg], options=NO_CLAIMS)) == repr(
        jwt.decode(theirs, key, algorithms=[alg], options=NO_CLAIMS)
    )
    assert repr(backend(alg).decode(theirs, verify=False)) == repr(
        backend(alg).decode(ours, verify=False)
    )
    # Signatures cross-verify (claims aside: some payloads carry odd ones).
    if "exp" not in payload and "iat" not in payload:
        assert repr(backend(alg).decode(theirs)) == repr(backend(alg).decode(ours))


NO_CLAIMS = {
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}


@pytest.mark.parametrize(
    "audience, issuer, payload, expected_order",
    [
        ("api", None, {"a": 1}, ["a", "aud"]),
        (None, "me", {"a": 1}, ["a", "iss"]),
        ("api", "me", {"a": 1, "b": 2}, ["a", "b", "aud", "iss"]),
        (["api", "web"], "me", {"iss": "x", "a": 1}, ["iss", "a", "aud"]),
        ("api", "me", {"aud": "x", "iss": "y", "a": 1}, ["aud", "iss", "a"]),
        (("api", "web"), None, {"a": 1}, ["a", "aud"]),
    ],
)
@pytest.mark.parametrize("alg", ["HS256", "RS256", "EdDSA"])
def test_audience_and_issuer_are_written_as_upstream_writes_them(
    alg, audience, issuer, payload, expected_order
):
    ours = backend(alg, audience=audience, issuer=issuer).encode(payload)
    # Upstream's TokenBackend.encode: copy, then set aud, then iss.
    expected = dict(payload)
    if audience is not None:
        expected["aud"] = audience
    if issuer is not None:
        expected["iss"] = issuer
    assert ours == jwt.encode(expected, pyjwt_signing_key(alg), algorithm=alg)
    assert list(payload_of(ours)) == expected_order


def test_a_non_string_issuer_is_refused_as_pyjwt_refuses_it():
    for payload, issuer in (
        ({"iss": 5}, None),
        ({"iss": None}, None),
        ({}, ["a", "b"]),
    ):
        with pytest.raises(TypeError, match="Issuer"):
            jwt.encode({**payload, **({"iss": issuer} if issuer else {})}, "k" * 64)
        with pytest.raises(TypeError, match="Issuer"):
            backend("HS256", issuer=issuer).encode(payload)
    # The configured issuer replaces a non-string one before the check.
    assert payload_of(backend("HS256", issuer="me").encode({"iss": 5})) == {"iss": "me"}


@pytest.mark.parametrize(
    "payload",
    [{"u": uuid.UUID(int=1)}, {"d": Decimal("1.5")}, {"s": {1}}, [1], "text"],
    ids=repr,
)
def test_unencodable_payloads_fail_as_in_pyjwt(payload):
    with pytest.raises(TypeError):
        jwt.encode(payload, signing_key("HS256"), algorithm="HS256")
    with pytest.raises(TypeError):
        backend("HS256").encode(payload)


# -- JSON_ENCODER -------------------------------------------------------------------------


ENCODER_PAYLOADS = [
    {"u": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"d": Decimal("10.50"), "n": [Decimal("-0.001"), Decimal("1E+3")]},
    {"nested": {"u": [uuid.UUID(int=0)]}, "text": "é😀", "f": 0.1},
    {"exp": datetime(2031, 1, 1, tzinfo=timezone.utc), "u": uuid.UUID(int=2)},
]


@pytest.mark.parametrize("alg", DETERMINISTIC_ALGORITHMS)
@pytest.mark.parametrize("payload", ENCODER_PAYLOADS, ids=payload_id)
def test_json_encoder_output_is_identical_to_pyjwts(alg, payload):
    ours = backend(alg, json_encoder=UUIDDecimalEncoder).encode(payload)
    theirs = jwt.encode(
        payload, pyjwt_signing_key(alg), algorithm=alg, json_encoder=UUIDDecimalEncoder
    )
    assert ours == theirs


def test_json_encoder_setting():
    with override_settings(
        SIMPLE_JWT={"JSON_ENCODER": "tests.test_interop_pyjwt.UUIDDecimalEncoder"}
    ):
        token = AccessToken()
        token["user_id"] = uuid.UUID(int=7)
        token["balance"] = Decimal("2.50")
        raw = str(token)
        assert raw == jwt.encode(
            token.payload,
            settings.SECRET_KEY,
            algorithm="HS256",
            json_encoder=UUIDDecimalEncoder,
        )
        loaded = AccessToken(raw)
    assert loaded["user_id"] == str(uuid.UUID(int=7))
    assert loaded["balance"] == "2.50"
    # Without the encoder the same token cannot be written.
    with pytest.raises(TypeError):
        str(token)


# -- generated payloads --------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec=None), max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(
    st.text(alphabet=st.characters(codec=None), max_size=10), json_values, max_size=6
)


@hypothesis_settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(payload=json_objects)
def test_generated_payloads_are_byte_identical(payload):
    if "iss" in payload and not isinstance(payload["iss"], str):
        with pytest.raises(TypeError):
            backend("HS256").encode(payload)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for alg in ("HS256", "EdDSA"):
            ours = backend(alg).encode(payload)
            assert ours == jwt.encode(payload, pyjwt_signing_key(alg), algorithm=alg)
        decoded = backend("HS256").decode(ours, verify=False)
        assert repr(decoded) == repr(json.loads(json.dumps(payload)))


def test_pyjwt_and_ours_agree_on_expiry_boundaries():
    now = int(datetime.now(tz=timezone.utc).timestamp())
    for exp, valid in ((now + 5, True), (now - 1, False)):
        raw = jwt.encode({"exp": exp}, signing_key("HS256"), algorithm="HS256")
        try:
            jwt.decode(raw, signing_key("HS256"), algorithms=["HS256"])
            pyjwt_valid = True
        except jwt.ExpiredSignatureError:
            pyjwt_valid = False
        try:
            backend("HS256").decode(raw)
            ours_valid = True
        except Exception:
            ours_valid = False
        assert pyjwt_valid is ours_valid is valid
    leeway = timedelta(seconds=10)
    raw = jwt.encode({"exp": now - 5}, signing_key("HS256"), algorithm="HS256")
    assert jwt.decode(raw, signing_key("HS256"), algorithms=["HS256"], leeway=leeway)
    assert backend("HS256", leeway=leeway).decode(raw)
