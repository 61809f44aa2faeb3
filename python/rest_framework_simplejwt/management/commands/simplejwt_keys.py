"""``manage.py simplejwt_keys``: make signing keys and show the public key set.

* ``simplejwt_keys generate --algorithm ES256 [--kid ID]``: a new key for the
  algorithm (a key pair, or a random secret for HS*), printed as the
  ``SIMPLE_JWT`` settings to paste for the service that signs, the
  ``VERIFYING_KEYS`` entry (PEM and JWK forms) for the services that verify
  during a rotation, and the public JWK.
* ``simplejwt_keys jwks``: the public key set of the current settings, as
  ``JWKSView`` serves it.

Keys are made by the native engine (aws-lc); nothing else is needed.
"""

import json
import secrets
from datetime import datetime, timezone
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import _native
from ...keyset import public_jwk, public_jwks


def _python_text(text: str) -> str:
    return '"""' + text.rstrip("\n") + '\n"""' if "\n" in text else repr(text)


class Command(BaseCommand):
    help = (
        "Generates a signing key for SIMPLE_JWT (settings to paste, PEM and JWK), "
        "or prints the public JWKS of the current settings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        generate = actions.add_parser(
            "generate", help="Make a new key and print the settings to paste."
        )
        generate.add_argument(
            "--algorithm",
            "-a",
            default="RS256",
            choices=sorted(_native.ALGORITHMS),
            help="The algorithm the key is for (default: RS256).",
        )
        generate.add_argument(
            "--kid",
            default=None,
            help="The key id (default: the date and a random suffix).",
        )
        generate.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object (signing_key, public_key, jwk, kid).",
        )
        actions.add_parser(
            "jwks", help="Print the public JWKS of the current settings."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "jwks":
            self.stdout.write(json.dumps(public_jwks(), indent=2))
            return
        self._generate(options["algorithm"], options["kid"], options["json"])

    def _generate(self, algorithm: str, kid: str | None, as_json: bool) -> None:
        if kid is None:
            today = datetime.now(tz=timezone.utc).strftime("%Y-%m-%d")
            kid = f"{today}-{secrets.token_hex(3)}"
        if algorithm.startswith("HS"):
            signing = secrets.token_urlsafe(64)
            public = None
            jwk = None
        else:
            try:
                signing = _native.generate_private_key(algorithm)
                public_members = public_jwk(algorithm, signing)
            except (_native.JWTError, ValueError) as e:  # not expected
                raise CommandError(f"Could not make a {algorithm} key: {e}") from e
            jwk = {**public_members, "kid": kid, "alg": algorithm, "use": "sig"}
            public = _public_pem(algorithm, signing)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "algorithm": algorithm,
                        "kid": kid,
                        "signing_key": signing,
                        "public_key": public,
                        "jwk": jwk,
                    },
                    indent=2,
                )
            )
            return
        out = self.stdout.write
        out(f"# A new {algorithm} key, id {kid!r}.")
        out("# Keep SIGNING_KEY secret: load it from the environment or a secret")
        out("# store in production rather than committing it.\n")
        out("# 1. The service that signs tokens (after the rotation's first step):")
        out("SIMPLE_JWT = {")
        out(f"    'ALGORITHM': {algorithm!r},")
        out(f"    'SIGNING_KEY': {_python_text(signing)},")
        if jwk is not None:
            out(
                "    'VERIFYING_KEY': '',  # verified with the signing key's public half"
            )
        out(f"    'SIGNING_KEY_ID': {kid!r},")
        out("}\n")
        if jwk is None:
            out("# 2. Before signing with it, every verifying service lists it:")
            out(f"#    'VERIFYING_KEYS': {{{kid!r}: <the secret above>}}")
            out("#    HMAC secrets are never published in a JWKS.")
            return
        out("# 2. Before signing with it, every verifying service lists it:")
        if public is not None:
            out("#    as PEM,")
            out(f"'VERIFYING_KEYS': {{{kid!r}: {_python_text(public)}}}\n")
        out("#    as a JWK:")
        out(f"'VERIFYING_KEYS': {{{kid!r}: {json.dumps(jwk)}}}\n")
        out("# The public JWK (what JWKSView publishes for it):")
        out(json.dumps(jwk, indent=2))


def _public_pem(algorithm: str, private_pem: str) -> str | None:
    """The SubjectPublicKeyInfo PEM of a private key, when the cryptography
    package is installed (the JWK form needs nothing)."""
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        return None
    key = serialization.load_pem_private_key(private_pem.encode(), None)
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
