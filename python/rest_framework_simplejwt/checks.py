"""System checks (``manage.py check``, run before the server starts).

Keys are parsed on first use so that a bad key fails only the operation that
needs it; these checks parse the configured keys up front, so a
misconfiguration is reported at start-up and the first request does not pay
for key parsing.
"""

from typing import Any

from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

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
    except ImproperlyConfigured as e:
        return [
            Error(
                str(e),
                hint="Check SIMPLE_JWT['SIGNING_KEY_ID'], ['VERIFYING_KEYS'] and "
                "['SIGNING_KEY_FALLBACKS'] (README: Key rotation).",
                id="simplejwt.E004",
            )
        ]
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

    problems: list = _check_rotation_keys(backend, engine)
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


# engine/src/keyring.rs: MAX_KEY_TRIES, the signature checks a token
# without kid may cost (the current key's included).
_MAX_KEY_TRIES = 8


def _check_rotation_keys(backend: Any, engine: Any) -> list:
    """VERIFYING_KEYS and the fallbacks, parsed now rather than on the
    first token that needs them."""
    problems: list = []
    try:
        engine.check_keys()
    except _native.JWTError as e:
        problems.append(
            Error(
                f"A verifying key cannot be used: {e.args[1]}",
                hint="Each SIMPLE_JWT['VERIFYING_KEYS'] value is a key for "
                f"{backend.algorithm}: an HMAC secret, PEM text or a JWK dict.",
                id="simplejwt.E004",
            )
        )
        return problems
    others = len(backend.verifying_keys or ()) + len(
        backend.signing_key_fallbacks or ()
    )
    if others >= _MAX_KEY_TRIES:
        problems.append(
            Warning(
                f"{others} keys besides the current one: a token without "
                f"'kid' is tried against {_MAX_KEY_TRIES} keys at most.",
                hint="Set SIGNING_KEY_ID so that tokens name their key, and "
                "retire keys older than the longest token lifetime.",
                id="simplejwt.W003",
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
