"""Hostile input: whatever a client sends as a token, the token classes raise
only TokenError and the backend only TokenBackendError (or accept it).

Seeded, so every run feeds the same inputs; hypothesis runs derandomized.
"""

import json
import random
import string
from datetime import datetime, timezone

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rest_framework_simplejwt import _native
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.tokens import AccessToken, UntypedToken
from tests.engine_support import b64url, hs256_token, signing_key

SEED = 20310517
B64URL = string.ascii_letters + string.digits + "-_"


class PyAccessToken(AccessToken):
    """Upstream's Python path (verify overridden)."""

    def verify(self) -> None:
        super().verify()


HS256_BACKEND = TokenBackend("HS256", settings.SECRET_KEY)
ASYMMETRIC_BACKENDS = [
    TokenBackend(alg, signing_key(alg)) for alg in ("RS256", "ES256", "EdDSA")
]


class Tally:
    def __init__(self) -> None:
        self.inputs = 0
        self.accepted = 0
        self.refused = 0


def feed(raw, tally: Tally, backends=(HS256_BACKEND,)) -> None:
    """Gives ``raw`` to every consumer; fails on any other exception."""
    tally.inputs += 1
    consumers = [
        lambda: AccessToken(raw),
        lambda: PyAccessToken(raw),
        lambda: UntypedToken(raw),
        lambda: AccessToken(raw, verify=False),
    ]
    for backend in backends:
        consumers.append(lambda backend=backend: backend.decode(raw))
        consumers.append(lambda backend=backend: backend.decode(raw, verify=False))
    for consume in consumers:
        try:
            consume()
        except (TokenError, TokenBackendError):
            tally.refused += 1
        except Exception as e:  # pragma: no cover - the assertion reports it
            pytest.fail(f"{type(e).__name__}: {e!r} for input {raw!r:.200}")
        else:
            tally.accepted += 1


def valid_token() -> str:
    return str(AccessToken())


def random_json(rng: random.Random, depth: int = 0):
    choice = rng.randrange(10 if depth < 3 else 7)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice(
            [0, -1, 1, 2**31, 2**63, 2**64, -(2**70), 10**30, 253402300799]
        )
    if choice == 3:
        return rng.choice([0.5, -0.0, 1e308, float("nan"), float("inf"), 1700000000.5])
    if choice in (4, 5, 6):
        return "".join(
            rng.choice(["a", "é", "😀", "\x00", "\\", '"', "\ud800", " ", "\n"])
            for _ in range(rng.randrange(6))
        )
    if choice == 7:
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {
        rng.choice(
            ["exp", "iat", "nbf", "jti", "sub", "aud", "iss", "token_type", "x"]
        ): random_json(rng, depth + 1)
        for _ in range(rng.randrange(5))
    }


def random_claims(rng: random.Random) -> dict:
    now = int(datetime.now(tz=timezone.utc).timestamp())
    claims = {
        "token_type": rng.choice(["access", "refresh", "", None, 1]),
        "exp": rng.choice([now + 300, now, now - 1, "soon", 1.5, None, -5, 2**70]),
        "iat": rng.choice([now, now + 3600, 0, "x", None]),
        "jti": rng.choice(["abc", "", 5, None, ["x"]]),
        "user_id": random_json(rng),
    }
    for name in list(claims):
        if rng.random() < 0.2:
            del claims[name]
    if rng.random() < 0.3:
        claims[rng.choice(["aud", "iss", "sub", "nbf"])] = random_json(rng)
    return claims


def random_header(rng: random.Random):
    header = {
        "alg": rng.choice(["HS256", "HS256", "none", "RS256", None, 5, ["HS256"]])
    }
    if rng.random() < 0.5:
        header["typ"] = rng.choice(["JWT", None, 1])
    if rng.random() < 0.2:
        header["kid"] = random_json(rng)
    if rng.random() < 0.1:
        header["crit"] = rng.choice([["exp"], [], "x"])
    if rng.random() < 0.1:
        header["b64"] = rng.choice([True, False, "false"])
    if rng.random() < 0.1:
        return dumps(random_json(rng))
    return dumps(header)


def dumps(value) -> bytes:
    return json.dumps(value).encode()


def test_random_bytes():
    rng = random.Random(SEED)
    tally = Tally()
    for _ in range(3000):
        feed(bytes(rng.getrandbits(8) for _ in range(rng.randrange(300))), tally)
    for _ in range(200):
        raw = bytes(rng.getrandbits(8) for _ in range(rng.randrange(300)))
        feed(raw, tally, backends=ASYMMETRIC_BACKENDS)
    assert tally.inputs == 3200 and tally.accepted == 0


def test_random_text():
    rng = random.Random(SEED + 1)
    alphabets = [
        string.printable,
        B64URL + ".",
        B64URL + ".=",
        "".join(chr(c) for c in range(0x20)) + ".",
    ]
    tally = Tally()
    for _ in range(3000):
        if rng.random() < 0.3:
            text = "".join(
                chr(rng.randrange(0x110000)) for _ in range(rng.randrange(80))
            )
        else:
            alphabet = rng.choice(alphabets)
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(300)))
        feed(text, tally)
    assert tally.accepted == 0


def test_mutated_valid_tokens():
    rng = random.Random(SEED + 2)
    tally = Tally()
    for _ in range(1500):
        token = valid_token()
        header, payload, signature = token.split(".")
        mutation = rng.randrange(8)
        if mutation == 0:  # flip characters
            chars = list(token)
            for _ in range(rng.randrange(1, 4)):
                chars[rng.randrange(len(chars))] = rng.choice(B64URL + ".=+/ \x00é")
            mutated = "".join(chars)
        elif mutation == 1:  # flip bits in the bytes
            data = bytearray(token.encode())
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            mutated = bytes(data)
        elif mutation == 2:  # truncate
            mutated = token[: rng.randrange(len(token))]
        elif mutation == 3:  # shuffle or repeat segments
            segments = [header, payload, signature]
            mutated = ".".join(rng.choice(segments) for _ in range(rng.randrange(1, 5)))
        elif mutation == 4:  # replace a segment with random base64url
            segments = [header, payload, signature]
            segments[rng.randrange(3)] = "".join(
                rng.choice(B64URL) for _ in range(rng.randrange(60))
            )
            mutated = ".".join(segments)
        elif mutation == 5:  # a random header, correctly signed
            mutated = hs256_token(
                random_header(rng), payload, secret=settings.SECRET_KEY
            )
        elif mutation == 6:  # insert or append junk
            at = rng.randrange(len(token) + 1)
            mutated = (
                token[:at] + rng.choice([".", "=", "==", "\n", "%", "A"]) + token[at:]
            )
        else:  # a valid header and signature for another payload
            mutated = f"{header}.{b64url(dumps(random_json(rng)))}.{signature}"
        feed(mutated, tally)
    for _ in range(100):
        token = ASYMMETRIC_BACKENDS[rng.randrange(3)].encode({"a": 1})
        chars = list(token)
        chars[rng.randrange(len(chars))] = rng.choice(B64URL)
        feed("".join(chars), tally, backends=ASYMMETRIC_BACKENDS)
    assert tally.refused > tally.accepted


def test_correctly_signed_random_payloads_reach_the_claim_checks():
    rng = random.Random(SEED + 3)
    tally = Tally()
    for _ in range(2000):
        if rng.random() < 0.7:
            payload = dumps(random_claims(rng))
        elif rng.random() < 0.5:
            payload = dumps(random_json(rng))
        else:
            payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(40)))
        header = random_header(rng) if rng.random() < 0.2 else {"alg": "HS256"}
        token = hs256_token(header, payload, secret=settings.SECRET_KEY)
        feed(token, tally)
    # Some are valid tokens: the checks were reached, not just the parser.
    assert tally.accepted > 100
    assert tally.refused > 1000


def test_large_and_deep_inputs():
    tally = Tally()
    limit = _native.MAX_TOKEN_BYTES
    for raw in (
        "a" * (limit + 1),
        "a." * (limit // 2),
        "." * 10_000,
        "=" * 10_000,
        hs256_token(
            {"alg": "HS256"}, b"[" * 10_000 + b"]" * 10_000, settings.SECRET_KEY
        ),
        hs256_token(
            {"alg": "HS256"}, b'{"a":' * 5000 + b"1" + b"}" * 5000, settings.SECRET_KEY
        ),
        hs256_token(
            {"alg": "HS256"}, b'{"a":' + b"9" * 5000 + b"}", settings.SECRET_KEY
        ),
        hs256_token(
            {"alg": "HS256"}, b'{"exp":' + b"9" * 5000 + b"}", settings.SECRET_KEY
        ),
        hs256_token(b"[" * 10_000, b"{}", settings.SECRET_KEY),
    ):
        feed(raw, tally)
    assert tally.accepted == 0
    # Lone surrogates are valid JSON escapes and survive, as with json.loads.
    raw = hs256_token(
        {"alg": "HS256"}, b'{"a":"' + b"\\ud800" * 1000 + b'"}', settings.SECRET_KEY
    )
    assert HS256_BACKEND.decode(raw) == {"a": "\ud800" * 1000}


@pytest.mark.parametrize(
    "raw", [None, 0, 1.5, [], {}, object(), ["a", "b", "c"], bytearray(b"a.b.c")]
)
def test_non_text_tokens(raw):
    for consume in (
        lambda: HS256_BACKEND.decode(raw),
        lambda: HS256_BACKEND.decode(raw, verify=False),
    ):
        with pytest.raises(TokenBackendError):
            consume()
    if raw is None:
        return  # AccessToken(None) mints a new token
    with pytest.raises(TokenError):
        AccessToken(raw)


segments = st.one_of(
    st.text(alphabet=B64URL, max_size=60),
    st.binary(max_size=60).map(b64url),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["alg", "typ", "kid", "crit", "b64", "exp", "iat", "jti"]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=8,
    ).map(lambda value: b64url(json.dumps(value).encode())),
)


@hypothesis_settings(
    derandomize=True,
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.lists(segments, min_size=1, max_size=5).map(".".join),
    )
)
def test_hypothesis_inputs(raw):
    feed(raw, Tally())
