"""System checks (``manage.py check``, run before the server starts).

Keys are parsed on first use so that a bad key fails only the operation that
needs it; these checks parse the configured keys up front, so a
misconfiguration is reported at start-up and the first request does not pay
for key parsing.
"""

from typing import Any

from django.core.checks import Error, Warning, register

from . import _native
from .exceptions import TokenBackendError
from .settings import api_settings

# RFC 7518 section 3.2: an HMAC key should be at least as long as the hash.
_MIN_HMAC_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


@register("simplejwt")
def check_keys(app_configs: Any = None, **kwargs: Any) -> list:
    try:
        # Inside the try: the first import of state builds the backend from
        # the settings, so an unknown ALGORITHM raises right here.
        from .state import token_backend as backend

        engine = backend._engine
    except TokenBackendError as e:
        return [
            Error(
                f"The token backend cannot be built: {e}",
                hint="Set SIMPLE_JWT['ALGORITHM'] to one of: "
                + ", ".join(sorted(_native.ALGORITHMS))
                + ".",
                id="simplejwt.E001",
            )
        ]

    problems: list = []
    symmetric = backend.algorithm.startswith("HS")
    if symmetric or backend.jwks_client is None:
        try:
            engine.verifying_key()
        except _native.JWTError as e:
            problems.append(
                Error(
                    f"Tokens cannot be verified: {e.args[1]}",
                    hint="Check SIMPLE_JWT['SIGNING_KEY'] and ['VERIFYING_KEY'].",
                    id="simplejwt.E002",
                )
            )
    if not symmetric:
        try:
            engine.signing_key()
        except _native.JWTError as e:
            if backend.signing_key in (None, "", b""):
                # A service that only verifies tokens has no private key.
                problems.append(
                    Warning(
                        f"Tokens cannot be issued: {e.args[1]}",
                        hint="Set SIMPLE_JWT['SIGNING_KEY'] to a PEM private key "
                        "if this service issues tokens.",
                        id="simplejwt.W001",
                    )
                )
            else:
                # A key was given and is refused (too short an RSA key, the
                # wrong curve, encrypted PEM): every login would fail.
                problems.append(
                    Error(
                        f"SIMPLE_JWT['SIGNING_KEY'] cannot sign: {e.args[1]}",
                        hint="Give a private key of the algorithm's kind; RSA "
                        "keys need at least 2048 bits.",
                        id="simplejwt.E003",
                    )
                )
    return problems


@register("simplejwt", deploy=True)
def check_key_strength(app_configs: Any = None, **kwargs: Any) -> list:
    """A deployment check (``manage.py check --deploy``), like Django's own
    warning about a short SECRET_KEY: short secrets work, but are weak."""
    algorithm = api_settings.ALGORITHM
    minimum = _MIN_HMAC_BYTES.get(algorithm)
    secret = api_settings.SIGNING_KEY
    if not minimum or not isinstance(secret, (str, bytes)) or not secret:
        return []
    length = len(_bytes(secret))
    if length >= minimum:
        return []
    return [
        Warning(
            f"The {algorithm} signing key is {length} bytes long; "
            f"RFC 7518 recommends at least {minimum}.",
            hint="Use a longer random SIGNING_KEY (for example secrets.token_urlsafe(64)).",
            id="simplejwt.W002",
        )
    ]


def _bytes(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret
