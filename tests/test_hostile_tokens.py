"""Hostile tokens: each one refused the documented way, quickly, never a crash.

Every case goes to three consumers and must be refused by each with the
exception type and message upstream uses, not merely "some exception":

- ``TokenBackend.decode``: ``TokenBackendError("Token is invalid")``, or
  ``"Invalid algorithm specified"`` when the header names another algorithm
  than the configured one (``TokenBackendExpiredToken`` only for expiry);
- ``AccessToken(raw)``: ``TokenError("Token is invalid")`` (upstream maps
  every backend error to it) or ``ExpiredTokenError("Token is expired")``;
- over HTTP, the authentication class (``GET /api/whoami/`` with
  ``Authorization: Bearer ...``) and the verify view: 401 with code
  ``token_not_valid``.

A Rust panic would surface as ``pyo3_runtime.PanicException``, a
``BaseException`` that ``pytest.raises(Exception)`` does not catch, so it
fails the test; so does any other exception type. Each refusal is timed (the
best of three calls, so a scheduler hiccup does not count) against
``BOUND_S``: no input makes the engine hang or work hard.

Where the engine's own reason says which defence fired (size limit, depth
limit, crit), the test checks that reason too: it travels as the
``__cause__`` of the exception, ``_native.JWTError(kind, detail)``, and is
never shown to clients.

Documented resolutions this file pins down:

- duplicate JSON keys: the last one wins, as with ``json.loads`` (so Python
  code re-reading a payload sees the claims the engine checked);
- ``exp``, ``nbf`` and ``iat`` must be NumericDates: numbers (integer or
  not, compared as PyJWT compares ``int(value)``) in [0, 253402300799]; any
  other type or range, NaN and the infinities are "Token is invalid" (PyJWT
  would coerce numeric strings, and upstream crashes with a 500 on ``null``
  or ``2**70``);
- base64url is strict (RFC 7515 section 2): ``=`` padding, another
  alphabet, junk or non-canonical trailing bits are refused (PyJWT accepts
  them), so a token has one spelling;
- the ``kid`` header never selects a key file or a query: without JWK_URL it
  is ignored, with JWK_URL it is compared for equality with the published
  key ids and nothing else;
- tokens longer than ``_native.MAX_TOKEN_BYTES`` (64 KiB) are refused before
  any decoding, in time that does not grow with their length.
"""

import base64
import functools
import gc
import hashlib
import hmac
import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework.test import APIClient

from rest_framework_simplejwt import _native
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    ExpiredTokenError,
    TokenBackendError,
    TokenBackendExpiredToken,
    TokenError,
)
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, SlidingToken
from tests.engine_support import b64url, signing_key, simple_jwt, verifying_key
from tests.test_jwks import jwk_of

BOUND_S = 0.050
INVALID = "Token is invalid"
ALGORITHM = "Invalid algorithm specified"
EXPIRED = "Token is expired"
LIMIT = _native.MAX_TOKEN_BYTES
MAX_NUMERIC_DATE = 253402300799
# Order of the P-256 group, for the (r, n - s) twin of an ECDSA signature.
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

WHOAMI = "/api/whoami/"
VERIFY = "/api/token/verify/"


# -- building tokens ---------------------------------------------------------------


def now() -> int:
    return int(time.time())


def claims(**extra) -> dict:
    return {
        "token_type": "access",
        "exp": now() + 300,
        "iat": now(),
        "jti": uuid.uuid4().hex,
        "user_id": "1",
        **extra,
    }


def segment(part) -> str:
    """A JSON value, raw bytes, or an already encoded segment (str)."""
    if isinstance(part, str):
        return part
    if isinstance(part, bytes):
        return b64url(part)
    return b64url(json.dumps(part, separators=(",", ":")).encode())


def hmac_signature(secret: str | bytes, signing_input: str, digest=hashlib.sha256):
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, signing_input.encode(), digest).digest()


def sign(alg: str, signing_input: str, key=None) -> bytes:
    """A signature by the server's own key for ``alg`` (or ``key``)."""
    if alg.startswith("HS"):
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384}.get(
            alg, hashlib.sha512
        )
        return hmac_signature(key or settings.SECRET_KEY, signing_input, digest)
    algorithm = jwt.algorithms.get_default_algorithms()[alg]
    return algorithm.sign(signing_input.encode(), prepared_key(alg, key))


@functools.cache
def prepared_key(alg: str, key: str | None):
    # Loading an RSA key checks it, which takes cryptography tens of ms.
    return jwt.algorithms.get_default_algorithms()[alg].prepare_key(
        key or signing_key(alg)
    )


def token(alg="HS256", header=None, payload=None, *, sign_as=None, key=None) -> str:
    """A token with any header and payload, signed by the server's key for
    ``alg`` unless ``sign_as`` / ``key`` say otherwise."""
    header = {"alg": alg, "typ": "JWT"} if header is None else header
    payload = claims() if payload is None else payload
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = sign(sign_as or alg, signing_input, key)
    return f"{signing_input}.{b64url(signature)}"


def split(raw: str) -> list[str]:
    return raw.split(".")


def with_signature(raw: str, signature: str) -> str:
    header, payload, _ = split(raw)
    return f"{header}.{payload}.{signature}"


def payload_bytes(**overrides) -> bytes:
    """Claims as JSON text, ``json.dumps`` writing NaN and big ints as is."""
    return json.dumps(claims(**overrides), separators=(",", ":")).encode()


# -- the consumers -----------------------------------------------------------------


def backend_for(alg: str) -> TokenBackend:
    if alg == "HS256":
        return TokenBackend("HS256", settings.SECRET_KEY)
    return TokenBackend(alg, signing_key(alg), verifying_key(alg))


def settings_for(alg: str) -> dict:
    return {} if alg == "HS256" else simple_jwt(alg)


def engine_reason(error: BaseException) -> str | None:
    """The engine's detail behind an exception, if it came from the engine."""
    while error is not None:
        if isinstance(error, _native.JWTError):
            return str(error.args[1])
        error = error.__cause__
    return None


def assert_refused(
    call: Callable[[], object],
    exception: type[Exception],
    message: str,
    reason: str | None = None,
) -> float:
    """``call`` raises exactly ``exception`` with ``message`` (and the engine
    detail containing ``reason``), each of three times; returns the fastest."""
    fastest = math.inf
    for _ in range(3):
        started = time.perf_counter()
        with pytest.raises(Exception) as caught:
            call()
        fastest = min(fastest, time.perf_counter() - started)
        assert type(caught.value) is exception, repr(caught.value)
        assert str(caught.value.args[0]) == message
        if reason is not None:
            assert reason in (engine_reason(caught.value) or ""), engine_reason(
                caught.value
            )
    assert fastest < BOUND_S, f"refusal took {fastest * 1000:.1f} ms"
    return fastest


def assert_accepted(call: Callable[[], object]) -> object:
    fastest, result = math.inf, None
    for _ in range(3):
        started = time.perf_counter()
        result = call()
        fastest = min(fastest, time.perf_counter() - started)
    assert fastest < BOUND_S
    return result


def bearer(raw: str | bytes) -> str:
    # Header values reach Django as latin-1 text; the authentication class
    # encodes them back, so any byte survives the trip.
    return "Bearer " + (raw.decode("latin-1") if isinstance(raw, bytes) else raw)


# -- the cases ---------------------------------------------------------------------


@dataclass
class Hostile:
    name: str
    make: Callable[[], str | bytes]
    alg: str = "HS256"
    message: str = INVALID  # TokenBackend.decode's; AccessToken says INVALID
    reason: str | None = None
    http: bool = True  # some byte strings cannot travel in a header


def _none(variant: str, signature: str = "") -> Callable[[], str]:
    def make() -> str:
        header = segment({"alg": variant, "typ": "JWT"})
        payload = segment(claims())
        return f"{header}.{payload}.{signature}"

    return make


def _none_with_hmac() -> str:
    raw = token(header={"alg": "none", "typ": "JWT"}, sign_as="HS256")
    return raw


def _hmac_with_public_key(alg: str, header_alg: str) -> Callable[[], str]:
    # The attacker knows the public key and signs with it as an HMAC secret.
    return lambda: token(
        header={"alg": header_alg, "typ": "JWT"},
        sign_as="HS256",
        key=verifying_key(alg),
    )


def _signature_variant(transform: Callable[[str], str], alg="HS256"):
    def make() -> str:
        raw = token(alg)
        return with_signature(raw, transform(split(raw)[2]))

    return make


def _ecdsa_der_signature() -> str:
    raw = token("ES256")
    signature = base64.urlsafe_b64decode(split(raw)[2] + "==")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    return with_signature(raw, b64url(encode_dss_signature(r, s)))


def _standard_alphabet() -> str:
    # A token whose signature holds '-' or '_', respelled with '+' and '/':
    # the same bytes in standard base64, which PyJWT accepts.
    while True:
        raw = token()
        signature = split(raw)[2]
        if "-" in signature or "_" in signature:
            return with_signature(raw, signature.replace("-", "+").replace("_", "/"))


def _insert(char: str, segment_index: int) -> Callable[[], str]:
    def make() -> str:
        parts = split(token())
        middle = len(parts[segment_index]) // 2
        parts[segment_index] = (
            parts[segment_index][:middle] + char + parts[segment_index][middle:]
        )
        return ".".join(parts)

    return make


def _signed(header, payload) -> Callable[[], str]:
    return lambda: token(header=header, payload=payload)


def _claim(claim: str, raw_value: str) -> Callable[[], str]:
    """A correctly signed token whose ``claim`` is the JSON text ``raw_value``."""

    def make() -> str:
        body = claims()
        body[claim] = "@@"
        text = json.dumps(body, separators=(",", ":")).replace('"@@"', raw_value)
        return token(payload=text.encode())

    return make


def _nested(depth: int, where: str) -> Callable[[], str]:
    def make() -> str:
        deep = b"[" * depth + b"]" * depth
        if where == "header":
            return f"{b64url(deep)}.{segment(claims())}.c2ln"
        return token(payload=deep)

    return make


def _nested_claim(depth: int) -> Callable[[], str]:
    # The payload object is one level, the claim's arrays the rest.
    def make() -> str:
        inner = b"[" * (depth - 1) + b"]" * (depth - 1)
        return token(payload=payload_bytes()[:-1] + b',"deep":' + inner + b"}")

    return make


HOSTILE = [
    # alg none, with and without a signature, however it is spelled.
    Hostile("alg-none-no-signature", _none("none"), message=ALGORITHM),
    Hostile("alg-None-no-signature", _none("None"), message=ALGORITHM),
    Hostile("alg-NONE-no-signature", _none("NONE"), message=ALGORITHM),
    Hostile("alg-none-junk-signature", _none("none", "c2ln"), message=ALGORITHM),
    Hostile("alg-none-hmac-signature", _none_with_hmac, message=ALGORITHM),
    Hostile("alg-none-to-rs256", _none("none"), alg="RS256", message=ALGORITHM),
    # Algorithm confusion: HMAC keyed with the public key's PEM text.
    Hostile(
        "hs256-keyed-with-rsa-public-pem",
        _hmac_with_public_key("RS256", "HS256"),
        alg="RS256",
        message=ALGORITHM,
    ),
    Hostile(
        "hs256-keyed-with-ec-public-pem",
        _hmac_with_public_key("ES256", "HS256"),
        alg="ES256",
        message=ALGORITHM,
    ),
    Hostile(
        "hs256-keyed-with-ed25519-public-pem",
        _hmac_with_public_key("EdDSA", "HS256"),
        alg="EdDSA",
        message=ALGORITHM,
    ),
    Hostile(
        "rs256-header-hmac-signature-with-public-pem",
        _hmac_with_public_key("RS256", "RS256"),
        alg="RS256",
        reason="signature",
    ),
    Hostile(
        "es256-header-hmac-signature-with-public-pem",
        _hmac_with_public_key("ES256", "ES256"),
        alg="ES256",
        reason="signature",
    ),
    # The header names another algorithm than the configured one, with a
    # signature that is valid for what it names.
    Hostile(
        "hs512-to-hs256",
        lambda: token("HS512", sign_as="HS512", key=settings.SECRET_KEY),
        message=ALGORITHM,
    ),
    Hostile("rs256-to-es256", lambda: token("RS256"), alg="ES256", message=ALGORITHM),
    Hostile("es256-to-rs256", lambda: token("ES256"), alg="RS256", message=ALGORITHM),
    Hostile("ps256-to-rs256", lambda: token("PS256"), alg="RS256", message=ALGORITHM),
    Hostile("es384-to-es256", lambda: token("ES384"), alg="ES256", message=ALGORITHM),
    Hostile("rs256-to-hs256", lambda: token("RS256"), message=ALGORITHM),
    Hostile("alg-missing", _signed({"typ": "JWT"}, claims()), message=ALGORITHM),
    Hostile("alg-null", _signed({"alg": None}, claims()), message=ALGORITHM),
    Hostile("alg-list", _signed({"alg": ["HS256"]}, claims()), message=ALGORITHM),
    Hostile("alg-number", _signed({"alg": 256}, claims()), message=ALGORITHM),
    Hostile("alg-lowercase", _signed({"alg": "hs256"}, claims()), message=ALGORITHM),
    Hostile("alg-padded", _signed({"alg": " HS256"}, claims()), message=ALGORITHM),
    # crit: no extension is understood, so any crit header is refused.
    Hostile(
        "crit-exp",
        _signed({"alg": "HS256", "crit": ["exp"], "exp": 1}, claims()),
        reason="critical",
    ),
    Hostile("crit-empty", _signed({"alg": "HS256", "crit": []}, claims())),
    Hostile("crit-string", _signed({"alg": "HS256", "crit": "b64"}, claims())),
    Hostile(
        "crit-b64-false",
        _signed({"alg": "HS256", "crit": ["b64"], "b64": False}, claims()),
    ),
    Hostile("b64-false", _signed({"alg": "HS256", "b64": False}, claims())),
    # kid of a type the header does not allow.
    Hostile("kid-number", _signed({"alg": "HS256", "kid": 1}, claims())),
    Hostile("kid-object", _signed({"alg": "HS256", "kid": {"$ne": ""}}, claims())),
    # Signatures stripped, truncated, padded, extended or swapped.
    Hostile("signature-stripped", lambda: with_signature(token(), "")),
    Hostile("signature-and-dot-stripped", lambda: ".".join(split(token())[:2])),
    Hostile("signature-truncated-1", _signature_variant(lambda s: s[:-1])),
    Hostile("signature-truncated-4", _signature_variant(lambda s: s[:-4])),
    Hostile("signature-half", _signature_variant(lambda s: s[: len(s) // 2])),
    Hostile("signature-one-byte", _signature_variant(lambda s: s[:2])),
    Hostile("signature-bad-padding-2", _signature_variant(lambda s: s + "==")),
    Hostile("signature-bad-padding-3", _signature_variant(lambda s: s + "===")),
    Hostile(
        "signature-inner-padding", _signature_variant(lambda s: s[:4] + "=" + s[4:])
    ),
    Hostile("signature-extended", _signature_variant(lambda s: s + "AAAA")),
    Hostile(
        "signature-of-another-token",
        lambda: with_signature(token(), split(token())[2]),
    ),
    Hostile(
        "rs256-signature-with-leading-zero",
        _signature_variant(
            lambda s: b64url(b"\0" + base64.urlsafe_b64decode(s + "==")), "RS256"
        ),
        alg="RS256",
    ),
    Hostile(
        "rs256-signature-truncated",
        _signature_variant(lambda s: s[:-2], "RS256"),
        alg="RS256",
    ),
    Hostile("es256-der-signature", _ecdsa_der_signature, alg="ES256"),
    Hostile(
        "eddsa-signature-flipped",
        _signature_variant(lambda s: ("B" if s[0] == "A" else "A") + s[1:], "EdDSA"),
        alg="EdDSA",
    ),
    # Segment counts.
    Hostile("empty", lambda: ""),
    Hostile("one-segment", lambda: split(token())[0]),
    Hostile("four-segments", lambda: token() + ".c2ln"),
    Hostile("five-segments-jwe", lambda: token() + ".c2ln.c2ln"),
    Hostile("dots-only", lambda: "...."),
    Hostile("empty-header", lambda: "." + ".".join(split(token())[1:])),
    Hostile("empty-payload", lambda: f"{split(token())[0]}..c2ln"),
    Hostile("leading-dot", lambda: "." + token()),
    Hostile("trailing-dot", lambda: token() + "."),
    # Characters outside base64url.
    Hostile("standard-alphabet-signature", _standard_alphabet),
    Hostile("plus-in-header", _insert("+", 0)),
    Hostile("slash-in-payload", _insert("/", 1)),
    Hostile("space-in-payload", _insert(" ", 1)),
    Hostile("newline-in-signature", _insert("\n", 2), http=False),
    Hostile("tab-in-header", _insert("\t", 0), http=False),
    Hostile("percent-in-header", _insert("%", 0)),
    Hostile("star-in-signature", _insert("*", 2)),
    Hostile("nul-in-payload", _insert("\x00", 1), http=False),
    Hostile("non-ascii-in-payload", _insert("é", 1)),
    Hostile("leading-space", lambda: " " + token(), http=False),
    # Bytes that are not UTF-8, in the token and in the decoded JSON.
    Hostile("invalid-utf8-token", lambda: token().encode() + b"\xff"),
    Hostile("invalid-utf8-in-segment", lambda: b"\xc3" + token().encode()),
    Hostile("lone-surrogate-str-token", lambda: token() + "\ud800", http=False),
    Hostile("header-not-utf8", _signed(b'{"alg":"HS256","x":"\xff"}', claims())),
    Hostile(
        "payload-not-utf8",
        _signed({"alg": "HS256"}, payload_bytes()[:-1] + b',"x":"\xe9"}'),
    ),
    Hostile("payload-overlong-utf8", _signed({"alg": "HS256"}, b'{"x":"\xc0\xaf"}')),
    Hostile(
        "payload-utf8-bom", _signed({"alg": "HS256"}, b"\xef\xbb\xbf" + payload_bytes())
    ),
    Hostile(
        "payload-utf16",
        _signed({"alg": "HS256"}, payload_bytes().decode().encode("utf-16")),
    ),
    # Header or payload that is not a JSON object.
    Hostile("header-array", _signed(["HS256"], claims())),
    Hostile("header-string", _signed("HS256", claims())),
    Hostile("header-null", _signed(b"null", claims())),
    Hostile("header-number", _signed(1, claims())),
    Hostile("header-truncated-json", _signed(b'{"alg":"HS256"', claims())),
    Hostile("header-trailing-junk", _signed(b'{"alg":"HS256"}x', claims())),
    Hostile("header-single-quotes", _signed(b"{'alg':'HS256'}", claims())),
    Hostile("payload-array", _signed({"alg": "HS256"}, [claims()])),
    Hostile("payload-string", _signed({"alg": "HS256"}, "claims")),
    Hostile("payload-null", _signed({"alg": "HS256"}, b"null")),
    Hostile("payload-true", _signed({"alg": "HS256"}, True)),
    Hostile("payload-empty", _signed({"alg": "HS256"}, b"")),
    Hostile("payload-trailing-comma", _signed({"alg": "HS256"}, b'{"exp":1,}')),
    Hostile("payload-two-objects", _signed({"alg": "HS256"}, b"{}{}")),
    # Duplicate keys: the last one wins, as with json.loads.
    Hostile(
        "duplicate-alg-none-last",
        _signed(b'{"alg":"HS256","alg":"none"}', claims()),
        message=ALGORITHM,
    ),
    # Deep nesting: 100,000 levels do not fit in a token (size limit); the
    # deepest that fits is refused by the depth limit, the payload's before
    # any Python object is built.
    Hostile("nested-100000-header", _nested(100_000, "header"), reason="longer than"),
    Hostile("nested-100000-payload", _nested(100_000, "payload"), reason="longer than"),
    Hostile(
        "nested-24000-header", _nested(24_000, "header"), reason="nests too deeply"
    ),
    Hostile(
        "nested-24000-payload", _nested(24_000, "payload"), reason="nests too deeply"
    ),
    Hostile(
        "nested-unclosed-48000-header",
        lambda: f"{b64url(b'[' * 48_000)}.e30.c2ln",
        reason="nests too deeply",
    ),
    Hostile("nested-257-payload", _nested_claim(257), reason="nests too deeply"),
    # Size limit.
    Hostile("one-byte-over-the-limit", lambda: "a" * (LIMIT + 1), reason="longer than"),
    Hostile(
        "valid-token-padded-over-the-limit",
        lambda: token(payload=claims(pad="x" * LIMIT)),
        reason="longer than",
    ),
]

# Registered time claims of the wrong type or out of range, on a correctly
# signed token: exp, nbf and iat must be numbers in [0, 253402300799].
WRONG_TIMES = {
    "string": '"soon"',
    "numeric-string": '"1900000000"',
    "true": "true",
    "false": "false",
    "null": "null",
    "2**70": str(2**70),
    "negative": "-1",
    "past-year-9999": str(MAX_NUMERIC_DATE + 1),
    "float-past-year-9999": f"{MAX_NUMERIC_DATE + 1}.0",
    "huge-float": "1e300",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "array": "[1900000000]",
    "object": '{"$date":1900000000}',
}
for _claim_name in ("exp", "nbf", "iat"):
    for _label, _raw in WRONG_TIMES.items():
        HOSTILE.append(
            Hostile(
                f"{_claim_name}-{_label}",
                _claim(_claim_name, _raw),
                reason=f"{_claim_name} must be a number",
            )
        )

HOSTILE_IDS = [case.name for case in HOSTILE]
assert len(set(HOSTILE_IDS)) == len(HOSTILE_IDS)


@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE_IDS)
def test_token_backend_refuses(case):
    raw = case.make()
    assert_refused(
        lambda: backend_for(case.alg).decode(raw),
        TokenBackendError,
        case.message,
        case.reason,
    )


@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE_IDS)
def test_access_token_refuses(case):
    raw = case.make()
    with override_settings(SIMPLE_JWT=settings_for(case.alg)):
        # Upstream's Token turns every backend error into "Token is invalid".
        assert_refused(lambda: AccessToken(raw), TokenError, INVALID, case.reason)
        assert_refused(lambda: RefreshToken(raw), TokenError, INVALID, case.reason)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case", [case for case in HOSTILE if case.http], ids=lambda case: case.name
)
def test_http_refuses_with_401(case):
    raw = case.make()
    client = APIClient()
    with override_settings(SIMPLE_JWT=settings_for(case.alg)):

        def authenticate():
            header = bearer(raw)
            response = client.get(WHOAMI, HTTP_AUTHORIZATION=header)
            assert response.status_code == 401
            if len(header.encode("latin-1").split()) != 2:
                # Nothing or more than a token after the scheme: upstream's
                # answer, before any token is read.
                assert response.json() == {
                    "detail": "Authorization header must contain two "
                    "space-delimited values",
                    "code": "bad_authorization_header",
                }
                return
            assert response.json() == {
                "detail": "Given token not valid for any token type",
                "code": "token_not_valid",
                "messages": [
                    {
                        "token_class": "AccessToken",
                        "token_type": "access",
                        "message": INVALID,
                    }
                ],
            }
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'

        def verify():
            text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
            response = client.post(VERIFY, {"token": text}, format="json")
            if not text.strip():
                # A blank field is a 400 before any token is read.
                assert response.status_code == 400
                return
            assert response.status_code == 401
            assert response.json() == {"detail": INVALID, "code": "token_not_valid"}

        for call in (authenticate, verify):
            # Warm (the first request builds the URL resolver and the like),
            # then the best of three within the bound.
            call()
            assert_accepted(call)


# -- what is accepted, and why that is safe ----------------------------------------


def test_kid_never_selects_a_key_without_jwk_url():
    # Without JWK_URL there is one verifying key: the configured one. A kid
    # naming a file or holding SQL is carried along, never looked at.
    backend = backend_for("RS256")
    for kid in (
        "../../../../../../etc/passwd",
        "/dev/zero",
        "file:///etc/shadow",
        "' OR '1'='1'; DROP TABLE token_blacklist_outstandingtoken; --",
        "\x00\r\n",
        "k" * 10_000,
    ):
        header = {"alg": "RS256", "typ": "JWT", "kid": kid}
        genuine = token("RS256", header=header)
        assert assert_accepted(lambda genuine=genuine: backend.decode(genuine))
        # The same header on a signature by another key: refused.
        forged = token("RS256", header=header, sign_as="ES256")
        assert_refused(
            lambda forged=forged: backend.decode(forged),
            TokenBackendError,
            INVALID,
            "signature",
        )


@pytest.mark.parametrize(
    "kid",
    [
        "../../../../../../etc/passwd",
        "..%2f..%2f..%2fetc%2fpasswd",
        "k1/../../k1",
        "' OR '1'='1",
        "k1'; DROP TABLE token_blacklist_outstandingtoken; --",
        "k1\x00",
        "K1",
        " k1",
        "*",
        "",
    ],
)
def test_kid_with_jwk_url_is_matched_exactly(jwks_server, kid):
    jwks_server.keys = [jwk_of(signing_key("RS256"), "k1")]
    backend = TokenBackend("RS256", None, "", jwk_url=jwks_server.url)
    backend.jwks_client.min_refresh_interval = 3600
    genuine = token("RS256", header={"alg": "RS256", "typ": "JWT", "kid": "k1"})
    assert backend.decode(genuine)["user_id"] == "1"
    # Signed by the real key, but naming a key id that is not published
    # exactly so: refused, and the key set is fetched no more than before.
    hostile = token("RS256", header={"alg": "RS256", "typ": "JWT", "kid": kid})
    assert_refused(lambda: backend.decode(hostile), TokenBackendError, INVALID)
    assert jwks_server.requests == 1
    assert jwks_server.paths == ["/.well-known/jwks.json"]


def test_unknown_kids_cannot_make_every_request_a_fetch(jwks_server):
    jwks_server.keys = [jwk_of(signing_key("RS256"), "k1")]
    backend = TokenBackend("RS256", None, "", jwk_url=jwks_server.url)
    for index in range(50):
        hostile = token(
            "RS256", header={"alg": "RS256", "typ": "JWT", "kid": f"made-up-{index}"}
        )
        assert_refused(
            lambda hostile=hostile: backend.decode(hostile), TokenBackendError, INVALID
        )
    # The first request fetched the set; unknown ids may refetch at most
    # once per min_refresh_interval (10 s by default).
    assert jwks_server.requests <= 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"alg": "RS256", "kid": "../../etc/passwd"}, INVALID),
        ({"alg": "RS256", "kid": 7}, INVALID),
        # The key is found; the pinned algorithm still refuses the token.
        ({"alg": "none", "kid": "k1"}, ALGORITHM),
        ({"alg": "HS256", "kid": "k1"}, ALGORITHM),
    ],
)
def test_hostile_headers_with_jwk_url(jwks_server, header, message):
    jwks_server.keys = [jwk_of(signing_key("RS256"), "k1")]
    backend = TokenBackend("RS256", None, "", jwk_url=jwks_server.url)
    raw = token(header=header, sign_as="RS256")
    assert_refused(lambda: backend.decode(raw), TokenBackendError, message)


def test_an_hmac_backend_configured_with_a_pem_key_refuses_to_run():
    # The confusion's other half: a server misconfigured as HS256 with its
    # public key as the secret would accept tokens anyone can sign. The
    # engine refuses PEM text as an HMAC secret.
    backend = TokenBackend("HS256", verifying_key("RS256"))
    forged = token(sign_as="HS256", key=verifying_key("RS256"))
    with pytest.raises(ImproperlyConfigured):
        backend.decode(forged)
    with pytest.raises(ImproperlyConfigured):
        backend.encode(claims())


def test_duplicate_keys_resolve_as_json_loads_does():
    backend = backend_for("HS256")
    # Header: the last alg counts, whichever it is.
    accepted = token(payload=claims(), header=b'{"alg":"none","alg":"HS256"}')
    assert assert_accepted(lambda: backend.decode(accepted))["user_id"] == "1"
    # Payload: the decoded claims are json.loads's, and the checks ran on them.
    text = payload_bytes()[:-1] + b',"user_id":"2","exp":1,"exp":%d}' % (now() + 60)
    raw = token(payload=text)
    assert backend.decode(raw) == json.loads(text)
    assert backend.decode(raw)["user_id"] == "2"
    assert AccessToken(raw)["user_id"] == "2"
    expired = token(payload=payload_bytes()[:-1] + b',"exp":1}')
    assert_refused(lambda: backend.decode(expired), TokenBackendExpiredToken, EXPIRED)
    assert_refused(lambda: AccessToken(expired), ExpiredTokenError, EXPIRED)
    typed = token(payload=payload_bytes()[:-1] + b',"token_type":"refresh"}')
    assert_refused(lambda: AccessToken(typed), TokenError, "Token has wrong type")


def test_numeric_dates_at_the_ends_of_the_range():
    backend = backend_for("HS256")
    far = token(payload=claims(exp=MAX_NUMERIC_DATE))
    assert backend.decode(far)["exp"] == MAX_NUMERIC_DATE
    assert AccessToken(far)["exp"] == MAX_NUMERIC_DATE
    for past in (0, 1, now()):
        raw = token(payload=claims(exp=past))
        assert_refused(
            lambda raw=raw: backend.decode(raw), TokenBackendExpiredToken, EXPIRED
        )
        assert_refused(lambda raw=raw: AccessToken(raw), ExpiredTokenError, EXPIRED)
    assert backend.decode(token(payload=claims(iat=0, nbf=0)))["iat"] == 0


def test_nesting_up_to_the_depth_limit_is_accepted():
    backend = backend_for("HS256")
    raw = _nested_claim(256)()
    assert backend.decode(raw) == json.loads(
        base64.urlsafe_b64decode(split(raw)[1] + "==")
    )


def test_padding_is_refused_in_every_segment():
    # RFC 7515 section 2: base64url without padding, so a token has exactly
    # one spelling. PyJWT accepts the padded twin; we do not.
    backend = backend_for("HS256")
    raw = token()
    assert backend.decode(raw)
    for segment in range(3):
        for pad in ("=", "==", "===", "===="):
            parts = split(raw)
            parts[segment] += pad
            padded = ".".join(parts)
            assert_refused(
                lambda p=padded: backend.decode(p), TokenBackendError, INVALID
            )


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("label", ["float", "integral-float", "exponent"])
def test_fractional_time_claims_are_numeric_dates(claim, label):
    # RFC 7519 allows non-integer NumericDates; PyJWT and upstream accept
    # them, comparing int(value). nbf and iat in the past, exp in the future.
    seconds = int(time.time()) + (3600 if claim == "exp" else -3600)
    text = {
        "float": f"{seconds}.5",
        "integral-float": f"{seconds}.0",
        "exponent": f"{seconds / 10**9!r}e9",
    }[label]
    raw = _claim(claim, text)()
    expected = json.loads(text)
    assert backend_for("HS256").decode(raw)[claim] == expected
    with override_settings(SIMPLE_JWT=settings_for("HS256")):
        assert AccessToken(raw)[claim] == expected
    assert jwt.decode(raw, settings.SECRET_KEY, algorithms=["HS256"])[claim] == expected


def test_ecdsa_signatures_are_malleable_so_tokens_are_not_identified_by_text():
    # (r, n - s) verifies as well as (r, s): a property of ECDSA (PyJWT and
    # every JOSE library accept it). Nothing here keys on a token's text;
    # the blacklist keys on jti.
    raw = token("ES256")
    signature = base64.urlsafe_b64decode(split(raw)[2] + "==")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    twin = with_signature(
        raw, b64url(r.to_bytes(32, "big") + (P256_ORDER - s).to_bytes(32, "big"))
    )
    assert twin != raw
    backend = backend_for("ES256")
    assert backend.decode(twin) == backend.decode(raw)


def test_a_token_of_exactly_the_size_limit_is_accepted():
    backend = backend_for("HS256")
    base = token(payload=claims(pad=""))
    # Grow the claim until the token is exactly LIMIT bytes long.
    pad = 0
    raw = base
    while len(raw) < LIMIT:
        pad += max(1, (LIMIT - len(raw)) * 3 // 4)
        raw = token(payload=claims(pad="x" * pad))
        while len(raw) > LIMIT:
            pad -= 1
            raw = token(payload=claims(pad="x" * pad))
        if len(raw) < LIMIT and len(token(payload=claims(pad="x" * (pad + 1)))) > LIMIT:
            break
    assert len(raw) <= LIMIT
    assert len(raw) > LIMIT - 4
    assert backend.decode(raw)["pad"] == "x" * pad
    assert AccessToken(raw)["pad"] == "x" * pad


@pytest.mark.parametrize("form", ["ascii-str", "bytes", "non-ascii-str"])
def test_refusing_an_oversized_token_takes_constant_time(form):
    consumers = {
        "backend": backend_for("HS256").decode,
        "access-token": AccessToken,
        # The token is refused before its kid is read, so before any fetch:
        # nothing listens at this address. (A server thread in this process
        # would also take the GIL in the middle of the measurements.)
        "jwk-url-backend": TokenBackend(
            "RS256", None, "", jwk_url="http://127.0.0.1:9/never-fetched.json"
        ).decode,
    }

    def make(size: int, serial: int) -> str | bytes:
        if form == "ascii-str":
            return "a" * size
        if form == "bytes":
            return b"a" * size
        # A new str each time: CPython caches a str's UTF-8 form, and the
        # first encoding is the cost that must not be paid.
        return "é" * (size - 1) + chr(0x100 + serial)

    small, large = LIMIT + 1, 32 << 20
    gc.collect()
    gc.disable()  # a collection inside a measurement would not be ours
    try:
        measure(consumers, make, small, large)
    finally:
        gc.enable()


def measure(consumers, make, small, large):
    for name, consume in consumers.items():
        times = {}
        for size in (small, large):
            fastest = math.inf
            for serial in range(5):
                raw = make(size, serial)
                error = None
                started = time.perf_counter()
                try:
                    consume(raw)
                except (TokenError, TokenBackendError) as e:
                    error = e
                fastest = min(fastest, time.perf_counter() - started)
                assert "longer than" in (engine_reason(error) or "")
                # Free the token here, not during the next measurement:
                # unmapping 32 MiB takes a millisecond.
                del raw, error
            times[size] = fastest
        # Encoding or copying 32 MiB takes from a few to a hundred ms;
        # refusing it must cost what refusing one byte over the limit costs.
        assert times[large] < times[small] + 0.002, (name, times)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        0,
        1.5,
        [],
        {},
        ["a", "b", "c"],
        bytearray(b"a.b.c"),
        memoryview(b"a.b.c"),
        object(),
    ],
    ids=repr,
)
def test_tokens_that_are_not_text(raw):
    backend = backend_for("HS256")
    assert_refused(lambda: backend.decode(raw), TokenBackendError, INVALID)
    if raw is not None:  # AccessToken(None) makes a new token
        assert_refused(lambda: AccessToken(raw), TokenError, INVALID)


@pytest.mark.parametrize(
    ("claims_given", "message"),
    [
        ({"exp": None}, "Token has no 'exp' claim"),
        ({"jti": None}, "Token has no id"),
        ({"token_type": None}, "Token has no type"),
        ({"token_type": "refresh"}, "Token has wrong type"),
        ({"token_type": ["access"]}, "Token has wrong type"),
    ],
)
def test_access_token_messages_are_upstreams(claims_given, message):
    body = claims()
    for name, value in claims_given.items():
        if value is None:
            del body[name]
        else:
            body[name] = value
    raw = token(payload=body)
    backend_for("HS256").decode(raw)  # a valid JWT, refused as an access token
    assert_refused(lambda: AccessToken(raw), TokenError, message)


@pytest.mark.django_db
@pytest.mark.parametrize("token_class", [RefreshToken, SlidingToken])
def test_a_signed_token_without_an_id_is_refused_not_a_server_error(token_class):
    # Upstream's blacklist check read payload["jti"] before verify() looked
    # for it: a correctly signed refresh or sliding token without one raised
    # KeyError, a 500. Found by tests/test_properties.py.
    body = claims(token_type=token_class.token_type)
    del body["jti"]
    raw = token(payload=body)
    assert_refused(lambda: token_class(raw), TokenError, "Token has no id")
    if token_class is RefreshToken:
        response = APIClient().post(
            "/api/token/refresh/", {"refresh": raw}, format="json"
        )
        assert response.status_code == 401
        assert response.json() == {
            "detail": "Token has no id",
            "code": "token_not_valid",
        }
