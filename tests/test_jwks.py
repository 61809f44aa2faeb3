"""JWK_URL: verifying keys fetched from a JWKS endpoint.

Every test runs a real HTTP server on 127.0.0.1 (http.server in a thread)
serving a key set built from tests/keys, and counts the requests it serves.
"""

import functools
import json
import socket
import time
import uuid
from datetime import datetime, timezone

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from rest_framework_simplejwt import state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.jwks import PyJWKClient
from rest_framework_simplejwt.tokens import AccessToken, UntypedToken
from tests.engine_support import b64url, pem, public_jwk

# -- key sets ----------------------------------------------------------------------


@functools.cache
def loaded(private_pem: str):
    # Loading an RSA key checks it, which takes cryptography tens of ms.
    return serialization.load_pem_private_key(private_pem.encode(), None)


def jwk_of(private_pem: str, kid: str, **members) -> dict:
    """The public JWK of a PEM private key, built with cryptography."""
    public = public_jwk(loaded(private_pem).public_key())
    return {**public, "kid": kid, "use": "sig", **members}


def fresh_rsa_pem() -> str:
    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


RSA_PEM = pem("rsa_private_pkcs8.pem")
KEYS_BY_ALG = {
    "RS256": RSA_PEM,
    "PS384": RSA_PEM,
    "ES256": pem("p256_private_sec1.pem"),
    "ES384": pem("p384_private_pkcs8.pem"),
    "ES512": pem("p521_private_pkcs8.pem"),
    "ES256K": pem("secp256k1_private_sec1.pem"),
    "EdDSA": pem("ed25519_private.pem"),
}


def claims(**extra) -> dict:
    now = int(datetime.now(tz=timezone.utc).timestamp())
    return {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": "1",
        **extra,
    }


def token_with_kid(alg: str, private_pem: str, kid: str | None, **extra) -> str:
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode(
        claims(**extra), loaded(private_pem), algorithm=alg, headers=headers
    )


def unsigned_with_kid(kid: str) -> str:
    """A token naming ``kid`` with a meaningless signature: the key lookup
    comes before any signature check."""
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode())
    return f"{header}.{b64url(json.dumps(claims()).encode())}.{b64url(bytes(256))}"


@pytest.fixture
def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks.json"


@pytest.fixture
def silent_server_url():
    """Accepts connections (the kernel completes them) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"
    finally:
        sock.close()


def jwks_backend(alg: str, url: str, **client_options) -> TokenBackend:
    backend = TokenBackend(alg, None, "", jwk_url=url)
    for name, value in client_options.items():
        setattr(backend.jwks_client, name, value)
    return backend


def assert_invalid(call):
    with pytest.raises(TokenBackendError) as caught:
        call()
    assert str(caught.value.args[0]) == "Token is invalid"


# -- tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("alg", sorted(KEYS_BY_ALG))
def test_the_key_named_by_kid_verifies(jwks_server, alg):
    jwks_server.keys = [
        jwk_of(fresh_rsa_pem(), "decoy"),
        jwk_of(KEYS_BY_ALG[alg], "current"),
    ]
    backend = jwks_backend(alg, jwks_server.url)
    raw = token_with_kid(alg, KEYS_BY_ALG[alg], "current")
    assert backend.decode(raw)["user_id"] == "1"
    assert jwks_server.requests == 1
    assert jwks_server.paths == ["/.well-known/jwks.json"]
    # A token naming the decoy, signed by another key, is refused.
    assert_invalid(
        lambda: backend.decode(token_with_kid(alg, KEYS_BY_ALG[alg], "decoy"))
    )


def test_token_classes_use_jwk_url(jwks_server):
    jwks_server.keys = [jwk_of(RSA_PEM, "k1")]
    with override_settings(
        SIMPLE_JWT={"ALGORITHM": "RS256", "JWK_URL": jwks_server.url}
    ):
        assert state.token_backend.jwks_client.uri == jwks_server.url
        raw = token_with_kid("RS256", RSA_PEM, "k1")
        assert AccessToken(raw)["user_id"] == "1"
        assert UntypedToken(raw)["user_id"] == "1"
        with pytest.raises(TokenError) as caught:
            AccessToken(token_with_kid("RS256", RSA_PEM, "unknown"))
        assert str(caught.value.args[0]) == "Token is invalid"
    assert state.token_backend.jwks_client is None


def test_an_unknown_kid_is_invalid(jwks_server):
    jwks_server.keys = [jwk_of(RSA_PEM, "k1")]
    backend = jwks_backend("RS256", jwks_server.url)
    assert_invalid(lambda: backend.decode(token_with_kid("RS256", RSA_PEM, "k2")))
    # Without verification the key set is not consulted.
    raw = token_with_kid("RS256", RSA_PEM, "k2")
    assert backend.decode(raw, verify=False)["user_id"] == "1"


def test_a_token_without_kid_matches_only_a_key_without_kid(jwks_server):
    # As PyJWT's client: no kid in the token matches a published key whose
    # kid is absent too, never "the only key".
    jwks_server.keys = [jwk_of(RSA_PEM, "only")]
    backend = jwks_backend("RS256", jwks_server.url)
    assert_invalid(lambda: backend.decode(token_with_kid("RS256", RSA_PEM, None)))
    unnamed = jwk_of(RSA_PEM, "x")
    del unnamed["kid"]
    jwks_server.keys = [jwk_of(fresh_rsa_pem(), "other"), unnamed]
    backend = jwks_backend("RS256", jwks_server.url)
    assert backend.decode(token_with_kid("RS256", RSA_PEM, None))


def test_rotation_is_picked_up_by_a_refetch(jwks_server):
    old_pem, new_pem = fresh_rsa_pem(), fresh_rsa_pem()
    jwks_server.keys = [jwk_of(old_pem, "2024")]
    backend = jwks_backend("RS256", jwks_server.url, min_refresh_interval=0.2)
    assert backend.decode(token_with_kid("RS256", old_pem, "2024"))
    assert jwks_server.requests == 1

    jwks_server.keys = [jwk_of(old_pem, "2024"), jwk_of(new_pem, "2025")]
    time.sleep(0.25)
    assert backend.decode(token_with_kid("RS256", new_pem, "2025"))
    assert jwks_server.requests == 2
    # Both keys now come from the cache.
    for _ in range(5):
        assert backend.decode(token_with_kid("RS256", old_pem, "2024"))
        assert backend.decode(token_with_kid("RS256", new_pem, "2025"))
    assert jwks_server.requests == 2

    # The old key is withdrawn: tokens naming it fail once the set is refetched.
    jwks_server.keys = [jwk_of(new_pem, "2025")]
    time.sleep(0.25)
    assert_invalid(lambda: backend.decode(token_with_kid("RS256", old_pem, "unknown")))
    assert jwks_server.requests == 3
    assert_invalid(lambda: backend.decode(token_with_kid("RS256", old_pem, "2024")))


def test_the_key_set_is_cached_for_its_lifespan(jwks_server):
    jwks_server.keys = [jwk_of(RSA_PEM, "k1")]
    raw = token_with_kid("RS256", RSA_PEM, "k1")
    backend = jwks_backend("RS256", jwks_server.url)
    for _ in range(20):
        assert backend.decode(raw)
    assert jwks_server.requests == 1

    short = jwks_backend("RS256", jwks_server.url, lifespan=0.2)
    assert short.decode(raw)
    assert short.decode(raw)
    assert jwks_server.requests == 2
    time.sleep(0.25)
    assert short.decode(raw)
    assert jwks_server.requests == 3


def test_unknown_kids_cannot_force_a_fetch_per_request(jwks_server):
    jwks_server.keys = [jwk_of(RSA_PEM, "k1")]
    backend = jwks_backend("RS256", jwks_server.url, min_refresh_interval=60)
    for _ in range(200):
        raw = unsigned_with_kid(uuid.uuid4().hex)
        assert_invalid(lambda raw=raw: backend.decode(raw))
    assert jwks_server.requests == 1  # the first fetch; no refetches

    limited = jwks_backend("RS256", jwks_server.url, min_refresh_interval=0.5)
    unknown = unsigned_with_kid("nope")
    started = time.monotonic()
    for _ in range(20):
        assert_invalid(lambda: limited.decode(unknown))
    assert time.monotonic() - started < 0.5  # else the next count is unsound
    assert jwks_server.requests == 2
    time.sleep(0.55)
    for _ in range(20):
        assert_invalid(lambda: limited.decode(unknown))
    assert jwks_server.requests == 3
    # Known kids keep working throughout.
    assert limited.decode(token_with_kid("RS256", RSA_PEM, "k1"))
    assert jwks_server.requests == 3


def test_an_unreachable_url_is_invalid_within_the_timeout(closed_port_url):
    backend = jwks_backend("RS256", closed_port_url, timeout=0.5)
    raw = token_with_kid("RS256", RSA_PEM, "k1")
    started = time.monotonic()
    assert_invalid(lambda: backend.decode(raw))
    assert time.monotonic() - started < 2
    with override_settings(
        SIMPLE_JWT={"ALGORITHM": "RS256", "JWK_URL": closed_port_url}
    ):
        state.token_backend.jwks_client.timeout = 0.5
        with pytest.raises(TokenError) as caught:
            AccessToken(raw)
        assert str(caught.value.args[0]) == "Token is invalid"


def test_a_server_that_never_answers_is_invalid_within_the_timeout(silent_server_url):
    backend = jwks_backend("ES256", silent_server_url, timeout=0.5)
    raw = token_with_kid("ES256", KEYS_BY_ALG["ES256"], "k1")
    started = time.monotonic()
    assert_invalid(lambda: backend.decode(raw))
    elapsed = time.monotonic() - started
    assert 0.4 <= elapsed < 3, elapsed


def test_the_default_timeout_is_bounded():
    client = PyJWKClient("http://127.0.0.1:9/jwks.json")
    assert 0 < client.timeout <= 30


@pytest.mark.parametrize(
    "status, body",
    [
        (200, b"not json"),
        (200, b'{"no_keys": []}'),
        (200, b'{"keys": "nope"}'),
        (200, b'{"keys": []}'),
        (200, b"[]"),
        (500, b'{"keys": []}'),
        (404, b"missing"),
    ],
)
def test_a_broken_endpoint_is_invalid(jwks_server, status, body):
    jwks_server.status = status
    jwks_server.body = body
    backend = jwks_backend("RS256", jwks_server.url)
    assert_invalid(lambda: backend.decode(token_with_kid("RS256", RSA_PEM, "k1")))


@pytest.mark.parametrize(
    "published",
    [
        # Published for encryption only.
        lambda: jwk_of(RSA_PEM, "k1", use="enc"),
        # Declared for another algorithm.
        lambda: jwk_of(RSA_PEM, "k1", alg="RS512"),
        # Another key type or curve under the kid the token names.
        lambda: jwk_of(KEYS_BY_ALG["ES256"], "k1"),
        lambda: jwk_of(KEYS_BY_ALG["EdDSA"], "k1"),
        # An RSA key below 2048 bits.
        lambda: jwk_of(pem("rsa1024_private.pem"), "k1"),
        # Members missing or malformed.
        lambda: {"kty": "RSA", "kid": "k1"},
        lambda: {**jwk_of(RSA_PEM, "k1"), "n": "not base64!"},
        lambda: {**jwk_of(RSA_PEM, "k1"), "e": 65537},
    ],
)
def test_a_published_key_unusable_for_the_algorithm_makes_the_token_invalid(
    jwks_server, published
):
    # The kid in a token is chosen by whoever sent it: naming an unusable
    # key must be a refused token, never a server error.
    jwks_server.keys = [published(), jwk_of(KEYS_BY_ALG["ES384"], "other")]
    backend = jwks_backend("RS256", jwks_server.url)
    assert_invalid(lambda: backend.decode(token_with_kid("RS256", RSA_PEM, "k1")))
    with (
        override_settings(
            SIMPLE_JWT={"ALGORITHM": "RS256", "JWK_URL": jwks_server.url}
        ),
        pytest.raises(TokenError),
    ):
        AccessToken(token_with_kid("RS256", RSA_PEM, "k1"))


def test_hmac_ignores_jwk_url(closed_port_url):
    backend = TokenBackend("HS256", "h" * 64, jwk_url=closed_port_url)
    assert backend.decode(backend.encode({"a": 1})) == {"a": 1}
