"""The public key set (JWKS, RFC 7517) of the current settings, served by
``views.JWKSView`` and printed by ``manage.py simplejwt_keys jwks``.

It holds the public JWK of the current signing key (or of ``VERIFYING_KEY``
when one is set) and of every asymmetric key in ``VERIFYING_KEYS``, each with
``kid`` (``SIGNING_KEY_ID`` or the ``VERIFYING_KEYS`` id), ``alg`` and
``use: "sig"``. Nothing secret is ever published: with an HS* algorithm the
set is empty, and only the public members of a JWK are copied (``d``, ``p``,
``k``... never are).
"""

import functools
from typing import Any

from . import _native
from .settings import api_settings
from .utils import logger

# The members a public JWK is made of, per key type (RFC 7518 section 6).
_PUBLIC_MEMBERS = {
    "RSA": ("kty", "n", "e"),
    "EC": ("kty", "crv", "x", "y"),
    "OKP": ("kty", "crv", "x"),
}


@functools.lru_cache(maxsize=64)
def _public_jwk_of_pem(algorithm: str, material: str | bytes) -> tuple:
    return tuple(_native.public_jwk(algorithm, material).items())


def public_jwk(algorithm: str, key: Any) -> dict[str, str]:
    """The public members of ``key`` (PEM text, or a JWK dict) for
    ``algorithm``. Raises ``ValueError`` for secrets and unusable keys."""
    if algorithm.startswith("HS"):
        raise ValueError("HMAC keys are secrets and are never published")
    if isinstance(key, dict):
        members = _PUBLIC_MEMBERS.get(key.get("kty"))
        if members is None:
            raise ValueError(f"a JWK of type {key.get('kty')!r} has no public form")
        try:
            _native.Key.from_jwk(key, algorithm)
        except _native.JWTError as e:
            raise ValueError(e.args[1]) from e
        return {name: key[name] for name in members}
    from .backends import _key_material

    try:
        return dict(_public_jwk_of_pem(algorithm, _key_material(key)))
    except _native.JWTError as e:
        raise ValueError(e.args[1]) from e


def public_jwks(settings: Any = api_settings) -> dict[str, list[dict[str, str]]]:
    """``{"keys": [...]}`` for ``settings`` as they are now."""
    algorithm = settings.ALGORITHM
    keys: list[dict[str, str]] = []
    if algorithm.startswith("HS"):
        return {"keys": keys}

    def add(kid: str | None, key: Any, source: str) -> None:
        try:
            jwk = public_jwk(algorithm, key)
        except ValueError as e:
            # The system checks report bad keys at start-up; the endpoint
            # serves the keys that are good.
            logger.warning("JWKS: %s is left out: %s", source, e)
            return
        if kid is not None:
            jwk["kid"] = kid
        jwk["alg"] = algorithm
        jwk["use"] = "sig"
        keys.append(jwk)

    current = settings.VERIFYING_KEY or settings.SIGNING_KEY
    if current:
        add(settings.SIGNING_KEY_ID, current, "the current key")
    for kid, key in (settings.VERIFYING_KEYS or {}).items():
        add(kid, key, f"VERIFYING_KEYS[{kid!r}]")
    return {"keys": keys}
