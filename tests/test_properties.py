"""Properties of the Python API, checked by hypothesis on generated input.

- Any JSON-able payload survives ``TokenBackend.encode`` then ``decode``
  as ``json.loads(json.dumps(payload))`` would return it: the same types,
  the same floats to the bit (NaN, infinities and -0.0 included), lone
  surrogates, big integers, repeated keys after conversion.
- ``encode`` writes, byte for byte, what PyJWT writes for the same payload
  and key (HS256, and EdDSA and RS256, whose signatures are deterministic
  too), and each decodes the other's tokens to the same payload.
- A correctly signed token carrying any bytes as its payload is either
  accepted by ``AccessToken``, with exactly ``json.loads``'s payload, or
  refused with ``TokenError``; any string or bytes at all only ever raises
  ``TokenError`` (tests/test_fuzz_inputs.py feeds many more shapes to every
  consumer; this adds the token classes and the asymmetric algorithms).

Runs derandomized (the same examples every run) with bounded example
counts, so the file takes seconds.
"""

import enum
import json
import math
from collections import OrderedDict

import jwt
import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    SlidingToken,
    UntypedToken,
)
from tests.engine_support import HMAC_SECRET, hs256_token, signing_key

# Claims the backend validates on decode; a random value there is refused
# (tests/test_hostile_tokens.py covers them), so payloads here avoid them.
REGISTERED = {"exp", "nbf", "iat", "iss", "aud", "sub", "jti"}

PROPERTY_SETTINGS = hypothesis_settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Colour(enum.IntEnum):
    RED = 1


class Name(str):
    pass


# Every code point; plus, often enough to matter, lone surrogates (json.dumps
# escapes them; hypothesis's alphabet rarely has them) and characters JSON
# must escape.
special = st.sampled_from(
    ["\ud800", "\udbff", "\udc00", "\udfff", "\x00", "\x1f", '"', "\\", "\u2028"]
)
any_character = st.one_of(st.characters(exclude_categories=()), special)
text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=12),
    st.lists(any_character, max_size=8).map("".join),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    # The values these properties are about, so that every run has them.
    st.sampled_from(
        [
            Colour.RED,
            Name("subclass"),
            2**63,
            -(2**63) - 1,
            2**100,
            -0.0,
            math.nan,
            math.inf,
            -math.inf,
            5e-324,
            "\ud800x\udfff",
        ]
    ),
)
keys = st.one_of(text, st.integers(), st.booleans(), st.none(), st.floats())


def containers(children):
    return st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(text, children, max_size=4),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(text, children, max_size=3).map(OrderedDict),
    )


json_values = st.recursive(scalars, containers, max_leaves=10)
payloads = st.dictionaries(
    st.one_of(text, st.integers()).filter(lambda key: key not in REGISTERED),
    json_values,
    max_size=6,
)


def canonical(value) -> str:
    """Equality that sees NaN as NaN and -0.0 as different from 0.0."""
    return json.dumps(value)


def expected_payload(payload: dict):
    return json.loads(json.dumps(payload))


HS256 = TokenBackend("HS256", HMAC_SECRET)
EDDSA = TokenBackend("EdDSA", signing_key("EdDSA"))
RS256 = TokenBackend("RS256", signing_key("RS256"))
PYJWT_KEYS = {
    "HS256": HMAC_SECRET,
    "EdDSA": signing_key("EdDSA"),
    "RS256": signing_key("RS256"),
}


@PROPERTY_SETTINGS
@given(payload=payloads)
def test_payloads_round_trip_as_json_loads_reads_them(payload):
    expected = expected_payload(payload)
    token = HS256.encode(payload)
    for decoded in (HS256.decode(token), HS256.decode(token, verify=False)):
        assert canonical(decoded) == canonical(expected)
        assert list(decoded) == list(expected)  # key order too
        if not any(isinstance(v, float) and math.isnan(v) for v in _leaves(expected)):
            assert decoded == expected


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


@PROPERTY_SETTINGS
@given(payload=payloads)
def test_hs256_encoding_is_pyjwts_byte_for_byte(payload):
    ours = HS256.encode(payload)
    theirs = jwt.encode(payload, HMAC_SECRET, algorithm="HS256")
    assert ours == theirs
    # And each reads the other's tokens the same way.
    options = {"verify_exp": False}
    decoded = jwt.decode(ours, HMAC_SECRET, algorithms=["HS256"], options=options)
    assert canonical(decoded) == canonical(HS256.decode(theirs))


@hypothesis_settings(PROPERTY_SETTINGS, max_examples=40)
@given(payload=payloads, alg=st.sampled_from(["EdDSA", "RS256"]))
def test_deterministic_asymmetric_encoding_is_pyjwts_byte_for_byte(payload, alg):
    backend = EDDSA if alg == "EdDSA" else RS256
    ours = backend.encode(payload)
    assert ours == jwt.encode(payload, PYJWT_KEYS[alg], algorithm=alg)
    assert canonical(backend.decode(ours)) == canonical(expected_payload(payload))


# -- any payload bytes, correctly signed ---------------------------------------------

json_texts = st.one_of(
    json_values.map(json.dumps),
    payloads.map(lambda payload: json.dumps({**payload, "token_type": "access"})),
)
payload_bytes = st.one_of(
    st.binary(max_size=80),
    json_texts.map(str.encode),
    # A valid access token's claims with custom claims added and, often,
    # one claim (registered or not) replaced by any value.
    st.builds(
        lambda extra, mutation: json.dumps(
            {**plausible_claims(), **extra, **dict([mutation] if mutation else [])}
        ).encode(),
        st.dictionaries(text, json_values, max_size=3),
        st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(
                    ["token_type", "exp", "iat", "nbf", "jti", "sub", "aud", "iss"]
                ),
                json_values,
            ),
        ),
    ),
)


def plausible_claims() -> dict:
    return {
        "token_type": "access",
        "exp": 2_000_000_000 + 86_400 * 365 * 100,
        "iat": 1_700_000_000,
        "jti": "4f2d3c1b0a9e8d7c6b5a49382716f5e4",
        "user_id": "1",
    }


@pytest.mark.django_db  # refresh and sliding tokens look up the blacklist
@hypothesis_settings(PROPERTY_SETTINGS, max_examples=200)
@given(payload=payload_bytes)
def test_signed_payloads_are_accepted_as_json_loads_reads_them_or_refused(payload):
    token = hs256_token({"alg": "HS256", "typ": "JWT"}, payload, settings.SECRET_KEY)
    for token_class in (AccessToken, RefreshToken, SlidingToken, UntypedToken):
        try:
            accepted = token_class(token)
        except TokenError:
            continue
        expected = json.loads(payload)
        assert canonical(accepted.payload) == canonical(expected)


@hypothesis_settings(PROPERTY_SETTINGS, max_examples=200)
@given(
    raw=st.one_of(
        st.text(any_character, max_size=120),
        st.binary(max_size=120),
        st.lists(
            st.one_of(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789-_="), text),
            min_size=1,
            max_size=4,
        ).map(".".join),
    )
)
def test_anything_else_only_raises_token_error(raw):
    for token_class in (AccessToken, RefreshToken, SlidingToken, UntypedToken):
        with pytest.raises(TokenError):
            token_class(raw)
    for backend in (HS256, EDDSA):
        with pytest.raises(TokenBackendError):
            backend.decode(raw)


def test_the_strategies_reach_the_interesting_values():
    # A guard against a strategy change that would quietly stop generating
    # the values these properties are about.
    found = {"nan": False, "surrogate": False, "bigint": False, "accepted": 0}

    @hypothesis_settings(PROPERTY_SETTINGS)
    @given(payload=payloads)
    def explore(payload):
        for leaf in _leaves(expected_payload(payload)):
            if isinstance(leaf, float) and math.isnan(leaf):
                found["nan"] = True
            if isinstance(leaf, str) and any(0xD800 <= ord(c) < 0xE000 for c in leaf):
                found["surrogate"] = True
            if isinstance(leaf, int) and abs(leaf) > 2**64:
                found["bigint"] = True

    explore()
    assert found["nan"] and found["surrogate"] and found["bigint"]

    @hypothesis_settings(PROPERTY_SETTINGS)
    @given(payload=payload_bytes)
    def accepted(payload):
        token = hs256_token({"alg": "HS256"}, payload, settings.SECRET_KEY)
        try:
            AccessToken(token)
        except TokenError:
            return
        found["accepted"] += 1

    accepted()
    # 16 with hypothesis 6.x's derandomized examples today; other versions
    # (the CI matrix installs its own) draw other examples, so the bar only
    # asks that valid tokens are generated at all.
    assert found["accepted"] >= 5
