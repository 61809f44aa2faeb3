"""Writes the fuzzers' seed corpora and dictionaries (fuzz/run.sh calls it).

    python fuzz/seed_corpus.py [OUT_DIR]        # default: fuzz/corpus

Seeds are what each target is fed in real use, so the fuzzer starts from the
interesting paths instead of rediscovering the formats:

- decode: a valid token for every algorithm the engine implements (PyJWT,
  keys from tests/keys, HS256 with the fuzz target's secret), and the hostile
  shapes of tests/test_hostile_tokens.py (alg none, crit, kid, duplicate
  keys, deep nesting, wrong claim types, padded or stripped signatures);
- key_parser: every key in tests/keys as PEM text, as DER, as a JWK and as
  public key bytes, in the layout fuzz_targets/key_parser.rs reads;
- json: token headers and payloads, JWKs, and json.loads's corner cases.

Only the standard library, PyJWT and cryptography (the test extras) are used,
not this package: the seeds do not depend on the code under test. The output
is deterministic apart from the randomized ECDSA and PSS signatures.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import sys
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "tests" / "keys"

# tests/engine_support.py imports only the standard library and cryptography.
sys.path.insert(0, str(ROOT))
from tests.engine_support import public_jwk  # noqa: E402

# fuzz_targets/decode.rs verifies HS256 with this secret.
HMAC_SECRET = b"fuzz-hmac-secret-0123456789abcdef0123456789abcdef0123456789abcde"
NOW = 1_900_000_000

# The order of _native::algorithms::ALL: key_parser's first byte indexes it.
ALGORITHMS = [
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "ES256K",
    "EdDSA",
]
# fuzz_targets/key_parser.rs's LABELS.
LABELS = [
    "PUBLIC KEY",
    "RSA PUBLIC KEY",
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
]
# Private key file (PyJWT signs with it) and the public ones, per algorithm.
KEY_FILES = {
    "RS256": ["rsa_private_pkcs1.pem", "rsa_private_pkcs8.pem"],
    "PS256": ["rsa_private_pkcs8.pem"],
    "ES256": ["p256_private_sec1.pem", "p256_private_pkcs8.pem"],
    "ES384": ["p384_private_sec1.pem", "p384_private_pkcs8.pem"],
    "ES512": ["p521_private_sec1.pem", "p521_private_pkcs8.pem"],
    "ES256K": ["secp256k1_private_sec1.pem", "secp256k1_private_pkcs8.pem"],
    "EdDSA": ["ed25519_private.pem"],
}
PUBLIC_FILES = {
    "RS256": ["rsa_public_spki.pem", "rsa_public_pkcs1.pem", "rsa1024_public.pem"],
    "PS256": ["rsa_public_spki.pem"],
    "ES256": ["p256_public.pem"],
    "ES384": ["p384_public.pem"],
    "ES512": ["p521_public.pem"],
    "ES256K": ["secp256k1_public.pem"],
    "EdDSA": ["ed25519_public.pem", "ed448_public.pem"],
}
# Where each family's algorithms share keys.
FAMILY = {
    "RS384": "RS256",
    "RS512": "RS256",
    "PS384": "PS256",
    "PS512": "PS256",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value) -> str:
    if isinstance(value, bytes):
        return b64url(value)
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def hs256(header, payload) -> bytes:
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = hmac.new(HMAC_SECRET, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}".encode()


def claims(**extra) -> dict:
    return {
        "token_type": "access",
        "exp": NOW + 300,
        "iat": NOW,
        "jti": "6f1c2e0b9a8d4c7e8f00112233445566",
        "user_id": "1",
        **extra,
    }


def private_key(name: str):
    return serialization.load_pem_private_key((KEYS / name).read_bytes(), None)


def decode_seeds() -> list[bytes]:
    seeds = [
        jwt.encode(claims(), HMAC_SECRET, algorithm=alg).encode()
        for alg in ("HS256", "HS384", "HS512")
    ]
    for alg in ALGORITHMS[3:]:
        for name in KEY_FILES[FAMILY.get(alg, alg)]:
            token = jwt.encode(claims(), private_key(name), algorithm=alg)
            seeds.append(token.encode())
    seeds.append(
        jwt.encode(
            claims(aud=["api", "web"], iss="https://issuer.example", nbf=NOW, sub="1"),
            HMAC_SECRET,
            algorithm="HS256",
            headers={"kid": "k1"},
        ).encode()
    )
    good = seeds[0].decode()
    header, payload, signature = good.split(".")
    hostile = [
        f"{segment({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        f"{segment({'alg': 'none'})}.{payload}.{signature}",
        f"{header}.{payload}.",
        f"{header}.{payload}",
        f"{header}.{payload}.{signature}.{signature}",
        f"{header}.{payload}.{signature}=",
        f"{header}.{payload}.{signature[:-3]}",
        f"{header}.{payload}.{signature}AA",
        f"{header}+.{payload}.{signature}",
        "....",
        "",
    ]
    seeds += [text.encode() for text in hostile]
    for head in (
        {"alg": "HS256", "crit": ["exp"]},
        {"alg": "HS256", "b64": False},
        {"alg": "HS256", "kid": "../../../../etc/passwd"},
        {"alg": "HS256", "kid": "' OR '1'='1'; DROP TABLE token_blacklist;--"},
        {"alg": "HS256", "kid": 5},
        {"alg": "HS256", "typ": "JWT", "jku": "http://127.0.0.1/", "x5u": "x"},
        {"alg": ["HS256"]},
        {"alg": None},
        {"alg": "hs256"},
        [],
        "HS256",
    ):
        seeds.append(hs256(head, claims()))
    seeds.append(hs256(b'{"alg":"none","alg":"HS256"}', claims()))
    seeds.append(hs256(b'{"alg":"HS256","alg":"none"}', claims()))
    seeds.append(hs256(b"\xff\xfe{}", claims()))
    seeds.append(hs256(b"[" * 300, claims()))
    for bad in (
        "1900000300",
        1900000300.5,
        True,
        None,
        2**70,
        -1,
        253402300800,
        [1],
    ):
        for claim in ("exp", "iat", "nbf"):
            seeds.append(hs256({"alg": "HS256"}, claims(**{claim: bad})))
    for payload_bytes in (
        b'{"exp":1,"exp":1900000300}',
        b'{"a":' * 300 + b"1" + b"}" * 300,
        b"[" * 300 + b"]" * 300,
        b'{"exp":NaN,"iat":Infinity,"nbf":-Infinity}',
        b'{"x":"\\ud800","aud":"\\u0061pi"}',
        b'{"exp":' + b"9" * 400 + b"}",
        b"\xff",
        b"[]",
        b'"x"',
        b"null",
    ):
        seeds.append(hs256({"alg": "HS256"}, payload_bytes))
    return seeds


def pem_body(text: bytes) -> tuple[str, bytes]:
    lines = text.decode().strip().splitlines()
    label = lines[0].removeprefix("-----BEGIN ").removesuffix("-----")
    return label, base64.b64decode("".join(lines[1:-1]))


def key_parser_seeds() -> list[bytes]:
    seeds = []
    for index, alg in enumerate(ALGORITHMS):
        prefix = bytes([index])
        if alg.startswith("HS"):
            seeds.append(prefix + b"\x00" + HMAC_SECRET)
            seeds.append(
                prefix
                + b"\x02"
                + json.dumps({"kty": "oct", "k": b64url(HMAC_SECRET)}).encode()
            )
            continue
        family = FAMILY.get(alg, alg)
        files = KEY_FILES[family] + PUBLIC_FILES[family]
        for name in files:
            text = (KEYS / name).read_bytes()
            seeds.append(prefix + b"\x00" + text)
            label, der = pem_body(text)
            if label in LABELS:
                seeds.append(prefix + b"\x01" + bytes([LABELS.index(label)]) + der)
            if "public" in name:
                public = serialization.load_pem_public_key(text)
                jwk = {**public_jwk(public), "alg": alg, "use": "sig"}
                seeds.append(prefix + b"\x02" + json.dumps(jwk).encode())
                seeds.append(
                    prefix
                    + b"\x03"
                    + public.public_bytes(
                        serialization.Encoding.DER,
                        serialization.PublicFormat.SubjectPublicKeyInfo,
                    )
                )
                if isinstance(public, rsa.RSAPublicKey):
                    numbers = public.public_numbers()
                    n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
                    e = numbers.e.to_bytes(3, "big")
                    # key_parser.rs reads n as the first 2 * byte[2] bytes.
                    seeds.append(prefix + b"\x03" + bytes([len(n) // 2]) + n + e)
                elif isinstance(public, ec.EllipticCurvePublicKey):
                    seeds.append(
                        prefix
                        + b"\x03"
                        + public.public_bytes(
                            serialization.Encoding.X962,
                            serialization.PublicFormat.UncompressedPoint,
                        )
                    )
    return seeds


def json_seeds(decode: list[bytes], keys: list[bytes]) -> list[bytes]:
    seeds = []
    for token in decode:
        for part in token.split(b".")[:2]:
            with contextlib.suppress(ValueError):
                seeds.append(base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4)))
    seeds += [seed[2:] for seed in keys if seed[1:2] == b"\x02"]
    seeds += [
        b'{"a":1,"b":[true,false,null],"c":{"d":-0.5e-3}}',
        b'{"a":1,"a":2}',
        b'"\\u00e9\\ud83d\\ude00\\ud800\\n\\t\\"\\\\\\/"',
        b"[NaN,Infinity,-Infinity,-0,0.0,1E400,-1e-400]",
        b"[9223372036854775807,9223372036854775808,-9223372036854775809,18446744073709551616]",
        b"123456789012345678901234567890",
        b" \t\n\r[ 1 , 2 ] ",
        b"[" * 256 + b"]" * 256,
        b"[" * 257 + b"]" * 257,
        b"{}",
        b"[]",
        b'""',
    ]
    return seeds


DICTIONARIES = {
    "json": [
        '"alg"',
        '"typ"',
        '"kid"',
        '"crit"',
        '"b64"',
        '"exp"',
        '"iat"',
        '"nbf"',
        '"jti"',
        '"aud"',
        '"iss"',
        '"sub"',
        '"token_type"',
        "NaN",
        "Infinity",
        "-Infinity",
        "null",
        "true",
        "false",
        "\\u",
        "\\ud800",
        "\\udc00",
        "e+",
        "E-",
        "9223372036854775808",
        "253402300799",
    ],
    "decode": [
        # base64url of '{"alg":"', '","typ":"JWT"}' and friends, as they
        # appear at a segment's start.
        "eyJhbGciOi",
        "eyJ0eXAiOi",
        "eyJleHAiOj",
        "IkpXVCJ9",
        "SFMyNTYi",
        "UlMyNTYi",
        "bm9uZSI",
        "LCJjcml0Ijpb",
        "LCJraWQiOi",
        "e30",
        "W10",
        ".",
        "=",
        "==",
    ],
}


def write(out: Path, name: str, seeds: list[bytes]) -> None:
    directory = out / name
    directory.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        digest = hashlib.sha1(seed).hexdigest()
        (directory / f"seed-{digest}").write_bytes(seed)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"
    decode = decode_seeds()
    keys = key_parser_seeds()
    write(out, "decode", decode)
    write(out, "key_parser", keys)
    write(out, "json", json_seeds(decode, keys))
    for name, entries in DICTIONARIES.items():
        lines = [json.dumps(entry) for entry in entries]
        (out / f"{name}.dict").write_text("\n".join(lines) + "\n")
    counts = {
        name: len(list((out / name).iterdir()))
        for name in ("decode", "key_parser", "json")
    }
    print(f"seed corpora in {out}: {counts}")


if __name__ == "__main__":
    main()
