"""Keys and small helpers shared by the token-engine test files.

Not a conftest: the files that need these import them by name, so nothing
here is injected into other tests. Keys come from tests/keys (generated with
openssl for this project only).
"""

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

KEYS_DIR = Path(__file__).resolve().parent / "keys"
REPO = Path(__file__).resolve().parent.parent


def child_environment(base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``base`` for a child process running ``python -m tests.<module>`` with
    the test settings, from any working directory."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")])
        ),
    }


# Long enough for every HS* algorithm (RFC 7518 3.2), so PyJWT does not warn.
HMAC_SECRET = "engine-tests-hmac-secret-" + "0123456789abcdef" * 3
OTHER_HMAC_SECRET = "another-engine-tests-secret-" + "fedcba9876543210" * 3

# A fixed instant well after the keys' and the tests' own dates.
T0 = datetime(2031, 5, 17, 8, 30, tzinfo=timezone.utc)
T0_EPOCH = int(T0.timestamp())


def pem(name: str) -> str:
    return (KEYS_DIR / name).read_text()


# For every algorithm the engine implements: (signing key, verifying key).
# Each asymmetric family uses more than one PEM encoding between its rows.
ALGORITHM_KEYS: dict[str, tuple[str, str]] = {
    "HS256": (HMAC_SECRET, ""),
    "HS384": (HMAC_SECRET, ""),
    "HS512": (HMAC_SECRET, ""),
    "RS256": (pem("rsa_private_pkcs1.pem"), pem("rsa_public_spki.pem")),
    "RS384": (pem("rsa_private_pkcs8.pem"), pem("rsa_public_pkcs1.pem")),
    "RS512": (pem("rsa_private_pkcs8.pem"), pem("rsa_public_spki.pem")),
    "PS256": (pem("rsa_private_pkcs1.pem"), pem("rsa_public_spki.pem")),
    "PS384": (pem("rsa_private_pkcs8.pem"), pem("rsa_public_pkcs1.pem")),
    "PS512": (pem("rsa_private_pkcs1.pem"), pem("rsa_public_spki.pem")),
    "ES256": (pem("p256_private_sec1.pem"), pem("p256_public.pem")),
    "ES384": (pem("p384_private_pkcs8.pem"), pem("p384_public.pem")),
    "ES512": (pem("p521_private_sec1.pem"), pem("p521_public.pem")),
    "ES256K": (pem("secp256k1_private_pkcs8.pem"), pem("secp256k1_public.pem")),
    "EdDSA": (pem("ed25519_private.pem"), pem("ed25519_public.pem")),
}
ALGORITHMS = list(ALGORITHM_KEYS)
HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"]
ASYMMETRIC_ALGORITHMS = [alg for alg in ALGORITHMS if alg not in HMAC_ALGORITHMS]
# Signatures that are a function of key and message (PKCS#1 v1.5, Ed25519,
# HMAC); PSS and ECDSA signatures are randomized.
DETERMINISTIC_ALGORITHMS = [
    alg for alg in ALGORITHMS if alg[:2] in ("HS", "RS") or alg == "EdDSA"
]
RANDOMIZED_ALGORITHMS = [
    alg for alg in ALGORITHMS if alg not in DETERMINISTIC_ALGORITHMS
]


def signing_key(alg: str) -> str:
    return ALGORITHM_KEYS[alg][0]


def verifying_key(alg: str) -> str:
    return ALGORITHM_KEYS[alg][1]


def simple_jwt(alg: str, **extra: Any) -> dict[str, Any]:
    """A SIMPLE_JWT settings dict for ``alg`` with its test keys."""
    signing, verifying = ALGORITHM_KEYS[alg]
    return {
        "ALGORITHM": alg,
        "SIGNING_KEY": signing,
        "VERIFYING_KEY": verifying,
        **extra,
    }


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public: Any) -> dict[str, str]:
    """The JWK members of a cryptography public key (RSA, EC, Ed25519, Ed448),
    without ``kid``, ``use`` or ``alg``."""

    def number(value: int, length: int | None = None) -> str:
        length = length or (value.bit_length() + 7) // 8
        return b64url(value.to_bytes(length, "big"))

    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {"kty": "RSA", "n": number(numbers.n), "e": number(numbers.e)}
    if isinstance(public, ec.EllipticCurvePublicKey):
        size = (public.curve.key_size + 7) // 8
        numbers = public.public_numbers()
        crv = {
            "secp256r1": "P-256",
            "secp384r1": "P-384",
            "secp521r1": "P-521",
            "secp256k1": "secp256k1",
        }[public.curve.name]
        return {
            "kty": "EC",
            "crv": crv,
            "x": number(numbers.x, size),
            "y": number(numbers.y, size),
        }
    if isinstance(public, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        raw = public.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        crv = "Ed25519" if isinstance(public, ed25519.Ed25519PublicKey) else "Ed448"
        return {"kty": "OKP", "crv": crv, "x": b64url(raw)}
    raise TypeError(f"no JWK form for {type(public).__name__}")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def segment_json(segment: str) -> Any:
    return json.loads(b64url_decode(segment))


def header_of(token: str) -> Any:
    return segment_json(token.split(".")[0])


def payload_of(token: str) -> Any:
    return segment_json(token.split(".")[1])


def _as_segment(part: Any) -> str:
    if isinstance(part, str):
        return part  # already a segment
    if isinstance(part, bytes):
        return b64url(part)
    return b64url(json.dumps(part, separators=(",", ":")).encode())


def hs256_token(header: Any, payload: Any, secret: str = HMAC_SECRET) -> str:
    """A token with any header and payload, correctly signed with HMAC-SHA256.

    ``header`` and ``payload`` are JSON values, raw bytes, or ready segments
    (str), so tests can sign what neither encoder would write.
    """
    signing_input = f"{_as_segment(header)}.{_as_segment(payload)}"
    signature = hmac.new(
        secret.encode(), signing_input.encode(), hashlib.sha256
    ).digest()
    return f"{signing_input}.{b64url(signature)}"
