"""TokenBackend on its own: every algorithm, the token format rules, the claim
rules at their boundaries, and key handling.

Backend.decode reads the clock through time.time(), so freezegun sets "now".
"""

import json
import math
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from freezegun import freeze_time

from rest_framework_simplejwt import _native
from rest_framework_simplejwt.backends import ALLOWED_ALGORITHMS, TokenBackend
from rest_framework_simplejwt.exceptions import (
    TokenBackendError,
    TokenBackendExpiredToken,
)
from tests.engine_support import (
    ALGORITHM_KEYS,
    ALGORITHMS,
    ASYMMETRIC_ALGORITHMS,
    HMAC_SECRET,
    OTHER_HMAC_SECRET,
    T0,
    T0_EPOCH,
    b64url,
    header_of,
    hs256_token,
    payload_of,
    pem,
    signing_key,
    verifying_key,
)

PAYLOAD = {"token_type": "access", "user_id": "42", "jti": "abc", "n": [1, 2.5]}


def backend(alg: str = "HS256", **kwargs) -> TokenBackend:
    signing, verifying = ALGORITHM_KEYS[alg]
    kwargs.setdefault("signing_key", signing)
    kwargs.setdefault("verifying_key", verifying)
    return TokenBackend(alg, **kwargs)


def hs256(**kwargs) -> TokenBackend:
    return TokenBackend("HS256", HMAC_SECRET, **kwargs)


def assert_invalid(call, message="Token is invalid"):
    with pytest.raises(TokenBackendError) as caught:
        call()
    assert not isinstance(caught.value, TokenBackendExpiredToken)
    assert str(caught.value.args[0]) == message
    return caught.value


def assert_expired(call):
    with pytest.raises(TokenBackendExpiredToken) as caught:
        call()
    assert str(caught.value.args[0]) == "Token is expired"


HS256_HEADER = {"alg": "HS256", "typ": "JWT"}


# -- every algorithm ---------------------------------------------------------


def test_the_test_keys_cover_every_algorithm_the_engine_implements():
    assert set(ALGORITHMS) == set(_native.ALGORITHMS) == ALLOWED_ALGORITHMS
    assert len(ALGORITHMS) == 14


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_round_trip(alg):
    b = backend(alg)
    token = b.encode(PAYLOAD)
    assert isinstance(token, str)
    assert header_of(token) == {"alg": alg, "typ": "JWT"}
    assert b.decode(token) == PAYLOAD
    assert b.decode(token.encode()) == PAYLOAD  # bytes are accepted too


@pytest.mark.parametrize("alg", ASYMMETRIC_ALGORITHMS)
def test_without_verifying_key_the_signing_keys_public_half_verifies(alg):
    b = TokenBackend(alg, signing_key(alg), "")
    token = b.encode(PAYLOAD)
    assert b.decode(token) == PAYLOAD
    # And a verify-only service holding just the public key accepts it.
    verifier = TokenBackend(alg, None, verifying_key(alg))
    assert verifier.decode(token) == PAYLOAD


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_a_changed_signature_or_payload_is_refused(alg):
    b = backend(alg)
    header, payload, signature = b.encode(PAYLOAD).split(".")
    other_payload = b64url(json.dumps({**PAYLOAD, "user_id": "1"}).encode())
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for forged in (
        f"{header}.{other_payload}.{signature}",
        f"{header}.{payload}.{flipped}",
        f"{header}.{payload}.",
        f"{header}.{payload}.{signature[:-4]}",
    ):
        assert_invalid(lambda forged=forged: b.decode(forged))


def test_a_token_from_another_key_is_refused():
    from cryptography.hazmat.primitives.asymmetric import ec

    token = TokenBackend("HS256", OTHER_HMAC_SECRET).encode(PAYLOAD)
    assert_invalid(lambda: backend("HS256").decode(token))
    # The PKCS#8 and SEC1 test files hold the same P-256 key: use a new one.
    other_p256 = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = TokenBackend("ES256", other_p256).encode(PAYLOAD)
    assert_invalid(lambda: backend("ES256").decode(token))


def test_rsa_tokens_from_another_rsa_key_are_refused():
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        .decode()
    )
    for alg in ("RS256", "PS256"):
        token = TokenBackend(alg, other).encode(PAYLOAD)
        assert_invalid(lambda alg=alg, token=token: backend(alg).decode(token))


@pytest.mark.parametrize(
    "alg, private_file, public_file",
    [
        ("RS256", "rsa_private_pkcs1.pem", "rsa_public_pkcs1.pem"),
        ("RS256", "rsa_private_pkcs8.pem", "rsa_public_spki.pem"),
        ("ES256", "p256_private_pkcs8.pem", "p256_public.pem"),
        ("ES256", "p256_private_sec1.pem", "p256_public.pem"),
        ("ES384", "p384_private_sec1.pem", "p384_public.pem"),
        ("ES512", "p521_private_pkcs8.pem", "p521_public.pem"),
        ("ES256K", "secp256k1_private_sec1.pem", "secp256k1_public.pem"),
    ],
)
def test_every_pem_encoding_of_the_test_keys(alg, private_file, public_file):
    token = TokenBackend(alg, pem(private_file)).encode(PAYLOAD)
    assert TokenBackend(alg, None, pem(public_file)).decode(token) == PAYLOAD
    # Keys given as bytes work the same.
    as_bytes = TokenBackend(alg, pem(private_file).encode(), pem(public_file).encode())
    assert as_bytes.decode(as_bytes.encode(PAYLOAD)) == PAYLOAD
    # A private key as VERIFYING_KEY verifies with its public half.
    assert TokenBackend(alg, None, pem(private_file)).decode(token) == PAYLOAD


def test_cryptography_key_objects_are_accepted_as_keys():
    private = serialization.load_pem_private_key(
        pem("rsa_private_pkcs8.pem").encode(), None
    )
    b = TokenBackend("RS256", private, private.public_key())
    assert b.decode(b.encode(PAYLOAD)) == PAYLOAD


def test_hmac_secrets_as_str_and_bytes_are_the_same_key():
    token = TokenBackend("HS256", HMAC_SECRET).encode(PAYLOAD)
    assert TokenBackend("HS256", HMAC_SECRET.encode()).encode(PAYLOAD) == token
    assert TokenBackend("HS256", HMAC_SECRET.encode()).decode(token) == PAYLOAD


def test_hmac_ignores_the_verifying_key():
    token = hs256().encode(PAYLOAD)
    b = TokenBackend("HS256", HMAC_SECRET, OTHER_HMAC_SECRET)
    assert b.decode(token) == PAYLOAD


# -- the algorithm is pinned -------------------------------------------------


@pytest.mark.parametrize(
    "issued_by, checked_by",
    [("HS256", "HS512"), ("RS256", "RS512"), ("RS256", "PS256"), ("ES256", "ES256K")],
)
def test_a_token_for_another_algorithm_is_refused(issued_by, checked_by):
    token = backend(issued_by).encode(PAYLOAD)
    assert_invalid(
        lambda: backend(checked_by).decode(token), "Invalid algorithm specified"
    )
    # Without verification the algorithm is not looked at.
    assert backend(checked_by).decode(token, verify=False) == PAYLOAD


@pytest.mark.parametrize(
    "header",
    [
        {"typ": "JWT"},
        {"alg": "none", "typ": "JWT"},
        {"alg": None},
        {"alg": ["HS256"]},
        {"alg": "hs256"},
        {"alg": "HS256 "},
    ],
)
def test_the_header_must_name_the_configured_algorithm(header):
    token = hs256_token(header, PAYLOAD)
    assert_invalid(lambda: hs256().decode(token), "Invalid algorithm specified")


def test_alg_none_with_an_empty_signature_is_refused():
    header = b64url(b'{"alg":"none"}')
    token = f"{header}.{b64url(json.dumps(PAYLOAD).encode())}."
    assert_invalid(lambda: hs256().decode(token), "Invalid algorithm specified")


def test_hmac_signed_with_the_public_key_is_refused_by_an_rsa_backend():
    # The classic algorithm confusion: the attacker knows the public key.
    public = verifying_key("RS256")
    token = hs256_token(HS256_HEADER, PAYLOAD, secret=public)
    assert_invalid(
        lambda: backend("RS256").decode(token), "Invalid algorithm specified"
    )


# -- token structure ---------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "..",
        "...",
        "a",
        "a.b",
        "a.b.c.d",
        "e30.e30",
        "e30.e30.e30.e30",
        " e30.e30.c2ln",
        "e30.e30.c2ln\n",
    ],
)
def test_a_token_has_exactly_three_segments(token):
    for verify in (True, False):
        assert_invalid(lambda verify=verify: hs256().decode(token, verify=verify))


def test_segments_beyond_three_are_refused_even_if_the_first_three_are_valid():
    good = hs256().encode(PAYLOAD)
    assert hs256().decode(good) == PAYLOAD
    assert_invalid(lambda: hs256().decode(good + ".e30"))
    assert_invalid(lambda: hs256().decode(good + "."))


def test_base64url_alphabet_is_strict():
    good = hs256().encode(PAYLOAD)
    header, payload, signature = good.split(".")
    for bad in (
        f"{header}.{payload}.{signature[:10]}+{signature[11:]}",
        f"{header}.{payload}.{signature[:10]}/{signature[11:]}",
        f"{header}.{payload}.{signature[:10]} {signature[11:]}",
        f"{header}.{payload[:5]}!{payload[6:]}.{signature}",
        f"{header}.{payload[:5]}={payload[5:]}.{signature}",
    ):
        assert_invalid(lambda bad=bad: hs256().decode(bad))
        assert_invalid(lambda bad=bad: hs256().decode(bad, verify=False))


def test_padding_is_refused():
    # RFC 7515 section 2: base64url without padding. 32-byte HMAC signature:
    # 43 characters, one '=' would make 44.
    header, payload, signature = hs256().encode(PAYLOAD).split(".")
    assert len(signature) % 4 == 3
    for bad in ("=", "==", "===", "===="):
        assert_invalid(
            lambda bad=bad: hs256().decode(f"{header}.{payload}.{signature}{bad}")
        )

    # A payload whose encoding would take two '=': refused even when the
    # padded text is what was signed.
    body = b'{"a":1}'  # 7 bytes: 10 characters, "==" pads to 12
    assert len(b64url(body)) % 4 == 2
    assert hs256().decode(hs256_token(HS256_HEADER, b64url(body))) == {"a": 1}
    for padding in ("=", "==", "==="):
        token = hs256_token(HS256_HEADER, b64url(body) + padding)
        assert_invalid(lambda token=token: hs256().decode(token))
        assert_invalid(lambda token=token: hs256().decode(token, verify=False))
    # And in the header.
    token = hs256_token(b64url(b'{"alg":"HS256"}') + "=", b64url(body))
    assert_invalid(lambda: hs256().decode(token, verify=False))


def test_non_canonical_base64_is_refused():
    # b64url(b"{}") is "e30"; "e31" carries a stray bit and decodes to the
    # same bytes in lax decoders.
    assert b64url(b"{}") == "e30"
    assert hs256().decode(hs256_token(HS256_HEADER, "e30")) == {}
    assert_invalid(lambda: hs256().decode(hs256_token(HS256_HEADER, "e31")))
    # One leftover character can never be base64.
    assert_invalid(lambda: hs256().decode(hs256_token(HS256_HEADER, "e30a")))


@pytest.mark.parametrize("header", [[], ["alg"], "HS256", 1, None, True])
def test_the_header_must_be_a_json_object(header):
    assert_invalid(lambda: hs256().decode(hs256_token(header, PAYLOAD)))
    assert_invalid(lambda: hs256().decode(hs256_token(header, PAYLOAD), verify=False))


@pytest.mark.parametrize("payload", [[], [1, 2], "text", 1, 1.5, None, True])
def test_the_payload_must_be_a_json_object(payload):
    token = hs256_token(HS256_HEADER, payload)
    assert_invalid(lambda: hs256().decode(token))
    assert_invalid(lambda: hs256().decode(token, verify=False))


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"",
        b"{'a': 1}",
        b'{"a":1,}',
        b'{"a":1} x',
        b'{"a":01}',
        b'{"a":"\t"}',  # raw control character in a string
        '{"a":"é"}'.encode("utf-16"),
        '{"a":"é"}'.encode("latin-1"),
        b'{"a":"\xff"}',
        b'{"a":"\xed\xa0\x80"}',  # an encoded surrogate is not UTF-8
        b"[" * 300 + b"]" * 300,
        b'{"a":' * 300 + b"1" + b"}" * 300,
    ],
)
def test_the_payload_must_be_utf8_json(raw):
    token = hs256_token(HS256_HEADER, raw)
    assert_invalid(lambda: hs256().decode(token))
    assert_invalid(lambda: hs256().decode(token, verify=False))


def test_the_header_must_be_utf8_json():
    header = '{"alg":"HS256","x":"é"}'.encode("utf-16")
    assert_invalid(lambda: hs256().decode(hs256_token(header, PAYLOAD)))


@pytest.mark.parametrize(
    "raw",
    [
        '{"a":1,"b":2,"a":3}',
        '{"f":[NaN,Infinity,-Infinity,1e400,-0.0,0.1,1E+2]}',
        '{"big":123456789012345678901234567890,"neg":-98765432109876543210}',
        '{"s":"\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/","lone":"\\ud800x"}',
        '{ "spaced" : [ 1 , { } , [ ] ] }',
        '{"nested":{"a":{"b":{"c":[null,true,false]}}}}',
        '{"é":"direct UTF-8 ☃"}',
    ],
)
def test_payload_json_is_read_as_json_loads_reads_it(raw):
    token = hs256_token(HS256_HEADER, raw.encode())
    decoded = hs256().decode(token)
    expected = json.loads(raw)
    # repr compares NaN and key order too.
    assert repr(decoded) == repr(expected)
    assert list(decoded) == list(expected)
    if "f" in expected:
        assert math.isnan(decoded["f"][0])


def test_crit_headers_are_refused():
    for crit in (["exp"], [], "exp"):
        header = {**HS256_HEADER, "crit": crit, "exp": 1}
        token = hs256_token(header, PAYLOAD)
        assert_invalid(lambda token=token: hs256().decode(token))


def test_unencoded_payloads_are_refused():
    token = hs256_token({**HS256_HEADER, "b64": False}, PAYLOAD)
    assert_invalid(lambda: hs256().decode(token))
    # b64: true is the default and changes nothing.
    token = hs256_token({**HS256_HEADER, "b64": True}, PAYLOAD)
    assert hs256().decode(token) == PAYLOAD


@pytest.mark.parametrize("kid", [5, None, ["k"], {"k": 1}, True])
def test_kid_must_be_a_string(kid):
    token = hs256_token({**HS256_HEADER, "kid": kid}, PAYLOAD)
    assert_invalid(lambda: hs256().decode(token))


def test_a_string_kid_and_unknown_header_members_are_accepted():
    header = {**HS256_HEADER, "kid": "key-1", "x5t": "ignored", "cty": "JWT"}
    assert hs256().decode(hs256_token(header, PAYLOAD)) == PAYLOAD


def _token_of_length(length: int) -> str:
    base = len(hs256_token(HS256_HEADER, {"pad": ""}))
    for extra_key in range(4):
        claims = {"k" * (extra_key + 1): 0} if extra_key else {}
        for guess in range((length - base) * 3 // 4 - 8, (length - base) * 3 // 4 + 8):
            token = hs256_token(HS256_HEADER, {**claims, "pad": "x" * guess})
            if len(token) == length:
                return token
    raise AssertionError(f"no token of exactly {length} bytes")


def test_tokens_longer_than_max_token_bytes_are_refused():
    limit = _native.MAX_TOKEN_BYTES
    assert limit == 64 * 1024
    at_limit = _token_of_length(limit)
    assert len(at_limit) == limit
    assert hs256().decode(at_limit)["pad"].startswith("xxx")
    over = _token_of_length(limit + 1)
    assert_invalid(lambda: hs256().decode(over))
    assert_invalid(lambda: hs256().decode(over, verify=False))
    assert_invalid(lambda: hs256().decode(over.encode()))


@pytest.mark.parametrize("token", [None, 5, 1.5, ["a.b.c"], {"a": 1}, object()])
def test_tokens_that_are_neither_str_nor_bytes_are_invalid(token):
    assert_invalid(lambda: hs256().decode(token))


def test_text_that_is_not_utf8_encodable_is_invalid():
    good = hs256().encode(PAYLOAD)
    assert_invalid(lambda: hs256().decode(good[:-2] + "\ud800"))
    assert_invalid(lambda: hs256().decode(good[:-2] + "é"))


# -- claims ------------------------------------------------------------------


def signed(claims: dict, **backend_kwargs) -> str:
    return hs256(**backend_kwargs).encode(claims)


def test_exp_equal_to_now_is_expired_and_one_second_later_is_valid():
    with freeze_time(T0):
        assert_expired(lambda: hs256().decode(signed({"exp": T0_EPOCH})))
        assert hs256().decode(signed({"exp": T0_EPOCH + 1})) == {"exp": T0_EPOCH + 1}
        assert_expired(lambda: hs256().decode(signed({"exp": T0_EPOCH - 1})))
    # A microsecond before exp the token is still valid.
    with freeze_time(T0 - timedelta(microseconds=1)):
        assert hs256().decode(signed({"exp": T0_EPOCH}))


@pytest.mark.parametrize(
    "leeway, leeway_delta",
    [
        (10, timedelta(seconds=10)),
        (1.5, timedelta(seconds=1.5)),
        (0.25, timedelta(milliseconds=250)),
        (timedelta(seconds=3, microseconds=7), timedelta(seconds=3, microseconds=7)),
        (timedelta(days=1), timedelta(days=1)),
        (None, timedelta(0)),
        (0, timedelta(0)),
    ],
)
def test_leeway_boundaries_are_exact(leeway, leeway_delta):
    b = hs256(leeway=leeway)
    exp_token = signed({"exp": T0_EPOCH})
    iat_token = signed({"iat": T0_EPOCH})
    nbf_token = signed({"nbf": T0_EPOCH})
    one_us = timedelta(microseconds=1)

    # exp: valid while now < exp + leeway.
    with freeze_time(T0 + leeway_delta - one_us):
        assert b.decode(exp_token) == {"exp": T0_EPOCH}
    with freeze_time(T0 + leeway_delta):
        assert_expired(lambda: b.decode(exp_token))

    # iat and nbf: valid once now >= claim - leeway.
    for token in (iat_token, nbf_token):
        with freeze_time(T0 - leeway_delta):
            assert b.decode(token)
        with freeze_time(T0 - leeway_delta - one_us):
            assert_invalid(lambda token=token: b.decode(token))


def test_leeway_of_an_unsupported_type_is_reported():
    b = hs256(leeway="1")
    with pytest.raises(TokenBackendError) as caught:
        b.decode(signed({}))
    assert "Unrecognized type" in str(caught.value.args[0])


def test_iat_and_nbf_in_the_future_are_invalid_not_expired():
    with freeze_time(T0):
        for claim in ("iat", "nbf"):
            token = signed({claim: T0_EPOCH + 1, "exp": T0_EPOCH + 100})
            assert_invalid(lambda token=token: hs256().decode(token))
            token = signed({claim: T0_EPOCH, "exp": T0_EPOCH + 100})
            assert hs256().decode(token)[claim] == T0_EPOCH


def test_an_expired_token_with_a_future_iat_reports_the_iat():
    # PyJWT's order: iat, nbf, then exp.
    with freeze_time(T0):
        token = signed({"iat": T0_EPOCH + 60, "exp": T0_EPOCH - 60})
        assert_invalid(lambda: hs256().decode(token))


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "value",
    [
        str(T0_EPOCH + 100),
        True,
        False,
        None,
        -1,
        -(2**40),
        10**20,
        2**64,
        253402300800,
        253402300800.0,
        1e300,
        [T0_EPOCH],
        {"t": T0_EPOCH},
        float("nan"),
        float("inf"),
        float("-inf"),
    ],
)
def test_numeric_dates_must_be_numbers_in_range(claim, value):
    token = signed({claim: value})
    with freeze_time(T0):
        assert_invalid(lambda: hs256().decode(token))
        # Not checked without verification.
        unverified = hs256().decode(token, verify=False)[claim]
        assert repr(unverified) == repr(value)


@pytest.mark.parametrize("offset", [-1.5, -0.5, 0.0, 0.5, 0.999999, 1.0, 1.5])
def test_fractional_numeric_dates_are_compared_as_pyjwt_compares_them(offset):
    # RFC 7519 allows non-integer NumericDates; PyJWT compares int(value).

    def outcome(decode):
        try:
            decode()
        except (TokenBackendError, jwt.InvalidTokenError) as e:
            return "expired" if "xpired" in str(e) else "invalid"
        return "valid"

    for claim in ("exp", "nbf", "iat"):
        token = signed({claim: T0_EPOCH + offset})
        with freeze_time(T0):
            ours = outcome(lambda token=token: hs256().decode(token))
            theirs = outcome(
                lambda token=token: jwt.decode(token, HMAC_SECRET, algorithms=["HS256"])
            )
            assert ours == theirs, (claim, offset)
            if ours == "valid":
                assert hs256().decode(token)[claim] == T0_EPOCH + offset


def test_numeric_date_range_ends_are_accepted():
    with freeze_time(T0):
        assert hs256().decode(signed({"exp": 253402300799}))["exp"] == 253402300799
        assert hs256().decode(signed({"iat": 0, "nbf": 0})) == {"iat": 0, "nbf": 0}


@pytest.mark.parametrize("claim", ["sub", "jti"])
@pytest.mark.parametrize("value", [5, None, 1.5, True, ["x"], {"x": 1}])
def test_sub_and_jti_must_be_strings_when_present(claim, value):
    assert_invalid(lambda: hs256().decode(signed({claim: value})))
    assert hs256().decode(signed({claim: "5"})) == {claim: "5"}
    assert hs256().decode(signed({claim: ""})) == {claim: ""}


def test_other_claim_names_are_not_typed():
    claims = {"user_id": 5, "token_type": None, "id": [1], "subject": 1}
    assert hs256().decode(signed(claims)) == claims


@pytest.mark.parametrize(
    "audience, aud, accepted",
    [
        ("api", "api", True),
        ("api", ["web", "api"], True),
        ("api", ["api"], True),
        (["api", "web"], "web", True),
        (("api", "web"), ["x", "web"], True),
        ({"api"}, "api", True),
        ("api", "API", False),
        ("api", "api ", False),
        ("api", "other", False),
        ("api", ["other"], False),
        ("api", "", False),
        ("api", [], False),
        ("api", None, False),
        ("api", 5, False),
        ("api", ["api", 5], False),
        ("api", {"api": 1}, False),
        (["api", "web"], ["x", "y"], False),
    ],
)
def test_audience(audience, aud, accepted):
    token = hs256_token(HS256_HEADER, {"aud": aud})
    b = hs256(audience=audience)
    if accepted:
        assert b.decode(token) == {"aud": aud}
    else:
        assert_invalid(lambda: b.decode(token))


def test_a_missing_aud_is_refused_when_an_audience_is_set():
    assert_invalid(lambda: hs256(audience="api").decode(hs256_token(HS256_HEADER, {})))


@pytest.mark.parametrize("aud", ["anything", ["a", "b"], 5, None, "", {"x": 1}])
def test_aud_is_not_checked_without_an_audience(aud):
    token = hs256_token(HS256_HEADER, {"aud": aud})
    assert hs256().decode(token) == {"aud": aud}


@pytest.mark.parametrize(
    "issuer, iss, accepted",
    [
        ("https://issuer.example", "https://issuer.example", True),
        ("https://issuer.example", "https://issuer.example/", False),
        ("https://issuer.example", "HTTPS://issuer.example", False),
        ("https://issuer.example", "", False),
        ("https://issuer.example", ["https://issuer.example"], False),
        ("https://issuer.example", 5, False),
        ("https://issuer.example", None, False),
    ],
)
def test_issuer_is_matched_exactly(issuer, iss, accepted):
    token = hs256_token(HS256_HEADER, {"iss": iss})
    if accepted:
        assert hs256(issuer=issuer).decode(token) == {"iss": iss}
    else:
        assert_invalid(lambda: hs256(issuer=issuer).decode(token))


def test_a_missing_iss_is_refused_when_an_issuer_is_set():
    token = hs256_token(HS256_HEADER, {})
    assert_invalid(lambda: hs256(issuer="me").decode(token))


@pytest.mark.parametrize("iss", ["anyone", 5, None, ["x"]])
def test_iss_is_not_checked_without_an_issuer(iss):
    token = hs256_token(HS256_HEADER, {"iss": iss})
    assert hs256().decode(token) == {"iss": iss}


def test_encode_adds_audience_and_issuer_and_decode_accepts_them():
    b = hs256(audience=["api", "web"], issuer="me")
    token = b.encode({"a": 1})
    assert payload_of(token) == {"a": 1, "aud": ["api", "web"], "iss": "me"}
    assert b.decode(token) == {"a": 1, "aud": ["api", "web"], "iss": "me"}
    # The configured values replace the payload's, in place.
    token = b.encode({"iss": "spoofed", "a": 1, "aud": "x"})
    assert list(payload_of(token).items()) == [
        ("iss", "me"),
        ("a", 1),
        ("aud", ["api", "web"]),
    ]


def test_verify_false_skips_signature_and_every_claim_check():
    claims = {
        "exp": 1,
        "iat": 253402300799,
        "nbf": 253402300799,
        "aud": "other",
        "iss": "other",
        "sub": 5,
        "jti": None,
    }
    token = TokenBackend("HS256", OTHER_HMAC_SECRET).encode(claims)
    strict = hs256(audience="api", issuer="me")
    assert_invalid(lambda: strict.decode(token))
    assert strict.decode(token, verify=False) == claims
    # Nor is a key needed.
    assert TokenBackend("RS256", "not a key").decode(token, verify=False) == claims


# -- keys --------------------------------------------------------------------


def a_token_for(alg: str) -> str:
    """A well-formed token for ``alg`` with a meaningless signature: enough to
    make decode reach the key."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{b64url(b'{}')}.{b64url(bytes(64))}"


KEY_PROBLEMS = [
    # (algorithm, signing key, verifying key, words the message must contain)
    ("HS256", "", "", ["HS256", "non-empty"]),
    ("HS512", b"", "", ["HS512", "non-empty"]),
    ("HS256", None, "", ["HS256", "signing key"]),
    ("HS256", pem("rsa_public_spki.pem"), "", ["asymmetric"]),
    ("HS384", pem("p256_private_sec1.pem"), "", ["asymmetric"]),
    ("HS256", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC user@host", "", ["SSH"]),
    ("HS256", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host", "", ["SSH"]),
    ("RS256", pem("rsa1024_private.pem"), "", ["2048"]),
    ("PS256", pem("rsa1024_private.pem"), "", ["2048"]),
    ("RS256", pem("p256_private_sec1.pem"), "", ["RSA", "P-256"]),
    ("PS384", pem("ed25519_private.pem"), "", ["RSA", "Ed25519"]),
    ("ES256", pem("p384_private_sec1.pem"), "", ["P-256", "P-384"]),
    ("ES384", pem("p256_private_pkcs8.pem"), "", ["P-384", "P-256"]),
    ("ES512", pem("p384_private_pkcs8.pem"), "", ["P-521", "P-384"]),
    ("ES256", pem("secp256k1_private_sec1.pem"), "", ["P-256", "secp256k1"]),
    ("ES256K", pem("p256_private_sec1.pem"), "", ["secp256k1", "P-256"]),
    ("ES256", pem("rsa_private_pkcs8.pem"), "", ["P-256", "RSA"]),
    ("EdDSA", pem("ed448_private.pem"), "", ["Ed25519", "Ed448"]),
    ("EdDSA", pem("p256_private_pkcs8.pem"), "", ["Ed25519", "P-256"]),
    ("RS256", "not a pem key", "", ["PEM"]),
    ("RS256", None, "", ["RS256", "signing key"]),
    ("ES256", "", "", ["ES256"]),
]


@pytest.mark.parametrize("alg, signing, verifying, words", KEY_PROBLEMS)
def test_an_unusable_key_fails_encode_and_decode_not_the_constructor(
    alg, signing, verifying, words
):
    b = TokenBackend(alg, signing, verifying)  # never raises for a key
    for operation in (lambda: b.encode({"a": 1}), lambda: b.decode(a_token_for(alg))):
        for _attempt in range(2):  # the failure is not forgotten
            with pytest.raises(ImproperlyConfigured) as caught:
                operation()
            message = str(caught.value)
            for word in words:
                assert word in message, message


@pytest.mark.parametrize(
    "alg, verifying, words",
    [
        ("RS256", pem("rsa1024_public.pem"), ["2048", "1024"]),
        ("RS256", pem("p256_public.pem"), ["RSA", "P-256"]),
        ("ES256", pem("p384_public.pem"), ["P-256", "P-384"]),
        ("ES512", pem("p256_public.pem"), ["P-521", "P-256"]),
        ("ES256K", pem("p256_public.pem"), ["secp256k1", "P-256"]),
        ("EdDSA", pem("ed448_public.pem"), ["Ed25519", "Ed448"]),
        ("EdDSA", pem("rsa_public_spki.pem"), ["Ed25519", "RSA"]),
        ("PS256", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", []),
    ],
)
def test_an_unusable_verifying_key_fails_decode_only(alg, verifying, words):
    b = TokenBackend(alg, signing_key(alg), verifying)
    token = b.encode({"a": 1})  # the signing key is fine
    with pytest.raises(ImproperlyConfigured) as caught:
        b.decode(token)
    for word in words:
        assert word in str(caught.value), str(caught.value)
    assert b.decode(token, verify=False) == {"a": 1}


def test_a_public_key_cannot_sign():
    b = TokenBackend("RS256", pem("rsa_public_spki.pem"))
    with pytest.raises(ImproperlyConfigured, match="private key"):
        b.encode({"a": 1})


def test_key_errors_are_raised_after_the_structure_and_algorithm_checks():
    # A malformed token or one for another algorithm is the client's problem
    # and is reported as such even when the key is unusable.
    b = TokenBackend("RS256", pem("rsa1024_private.pem"))
    assert_invalid(lambda: b.decode("not.a.token"))
    assert_invalid(
        lambda: b.decode(a_token_for("HS256")), "Invalid algorithm specified"
    )


def test_assigning_a_key_takes_effect():
    b = TokenBackend("HS256", "")
    with pytest.raises(ImproperlyConfigured):
        b.encode({})
    b.signing_key = HMAC_SECRET
    assert b.decode(b.encode({"a": 1})) == {"a": 1}
    b.algorithm = "RS256"
    b.signing_key = signing_key("RS256")
    assert header_of(b.encode({}))["alg"] == "RS256"


@pytest.mark.parametrize(
    "name", ["none", "None", "hs256", "HS1", "RS1024", "ES521", "Ed25519", "", "HS256 "]
)
def test_unknown_algorithms_are_refused_by_the_constructor(name):
    with pytest.raises(TokenBackendError) as caught:
        TokenBackend(name, HMAC_SECRET)
    assert str(caught.value.args[0]) == f"Unrecognized algorithm type '{name}'"
