"""``TokenBackend``: encodes and decodes tokens with the configured algorithm and keys.

Upstream's class, with PyJWT replaced by the native engine. The engine is
built from the backend's attributes as they are at the call (``algorithm``,
the keys, ``audience``, ``issuer``), so assigning one of them applies to the
next operation, and keys are parsed once per value, not per token.
"""

import json
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from functools import cached_property  # noqa: F401 - upstream's module has it
from operator import itemgetter
from typing import Any, Optional, Union  # noqa: F401 - upstream's module has them

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from . import _native, _native_path
from .exceptions import TokenBackendError, TokenBackendExpiredToken
from .jwks import JWK, PyJWKClient, PyJWKClientError
from .tokens import Token
from .utils import format_lazy, logger

JWK_CLIENT_AVAILABLE = True

ALLOWED_ALGORITHMS = set(_native.ALGORITHMS)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MICROSECOND = timedelta(microseconds=1)

# The settings a backend built by from_settings() follows, in the order of
# TokenBackend's arguments.
SETTING_NAMES = (
    "ALGORITHM",
    "SIGNING_KEY",
    "VERIFYING_KEY",
    "AUDIENCE",
    "ISSUER",
    "JWK_URL",
    "LEEWAY",
    "JSON_ENCODER",
    # Key rotation: TokenBackend's keyword-only arguments.
    "SIGNING_KEY_ID",
    "VERIFYING_KEYS",
    "SIGNING_KEY_FALLBACKS",
)
_POSITIONAL_SETTINGS = 8
_read_cached_settings = itemgetter(*SETTING_NAMES)
# What the native engine is built from.
_ENGINE_INPUTS = (
    "algorithm",
    "signing_key",
    "verifying_key",
    "audience",
    "issuer",
    "signing_key_id",
    "verifying_keys",
    "signing_key_fallbacks",
)
_read_engine_inputs = itemgetter(*_ENGINE_INPUTS)
_reconfigure_lock = threading.Lock()


def now_us() -> int:
    """Now in microseconds since the epoch, read as PyJWT reads it
    (``datetime.now(tz=timezone.utc)``), so freezegun, its ``tz_offset`` and
    time-machine move it as they move upstream's decode."""
    return (datetime.now(tz=timezone.utc) - _EPOCH) // _ONE_MICROSECOND


class TokenBackend:
    # Set by from_settings(): the settings object this backend follows.
    _settings: Any = None
    _settings_seen: tuple = ()
    # Key rotation, for backends made before these existed (pickles,
    # subclasses whose __init__ does not call this one's).
    signing_key_id: str | None = None
    verifying_keys: dict[str, Any] | None = None
    signing_key_fallbacks: Iterable[Any] | None = None

    def __init__(
        self,
        algorithm: str,
        signing_key: str | bytes | None = None,
        verifying_key: str | bytes = "",
        audience: str | Iterable | None = None,
        issuer: str | None = None,
        jwk_url: str | None = None,
        leeway: float | int | timedelta | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        *,
        signing_key_id: str | None = None,
        verifying_keys: dict[str, Any] | None = None,
        signing_key_fallbacks: Iterable[Any] | None = None,
    ) -> None:
        self._validate_algorithm(algorithm)

        self.algorithm = algorithm
        self.signing_key = signing_key
        self.verifying_key = verifying_key
        self.audience = audience
        self.issuer = issuer
        self.jwks_client = PyJWKClient(jwk_url) if jwk_url else None
        self.leeway = leeway
        self.json_encoder = json_encoder
        # Key rotation (none set: tokens and behaviour as upstream's).
        self.signing_key_id = signing_key_id
        self.verifying_keys = verifying_keys
        self.signing_key_fallbacks = signing_key_fallbacks

    @classmethod
    def from_settings(cls, settings: Any) -> "TokenBackend":
        """A backend built from ``settings`` that takes their new values
        whenever they change (``override_settings``), checked at each call."""
        seen = _setting_values(settings)
        kid, keys, fallbacks = seen[_POSITIONAL_SETTINGS:]
        backend = cls(
            *seen[:_POSITIONAL_SETTINGS],
            signing_key_id=kid,
            verifying_keys=keys,
            signing_key_fallbacks=fallbacks,
        )
        backend._settings = settings
        backend._settings_seen = seen
        return backend

    def _follow_settings(self) -> None:
        settings = self._settings
        if settings is None:
            return
        seen = _setting_values(settings)
        if seen == self._settings_seen:
            return
        (
            algorithm,
            signing,
            verifying,
            audience,
            issuer,
            url,
            leeway,
            encoder,
            kid,
            keys,
            fallbacks,
        ) = seen
        self._validate_algorithm(algorithm)
        with _reconfigure_lock:
            self.algorithm = algorithm
            self.signing_key = signing
            self.verifying_key = verifying
            self.audience = audience
            self.issuer = issuer
            if url != getattr(self.jwks_client, "uri", None):
                self.jwks_client = PyJWKClient(url) if url else None
            self.leeway = leeway
            self.json_encoder = encoder
            self.signing_key_id = kid
            self.verifying_keys = keys
            self.signing_key_fallbacks = fallbacks
            self._settings_seen = seen

    @property
    def _engine(self) -> "_native.Engine":
        """The native engine for the attributes as they are now (and, for the
        backend built from the settings, the settings as they are now)."""
        own = self.__dict__
        settings = own.get("_settings")
        if settings is not None and _setting_values(settings) != own["_settings_seen"]:
            self._follow_settings()
        try:
            inputs = _read_engine_inputs(own)
        except KeyError:  # an attribute set on the class, not the instance
            inputs = tuple(getattr(self, name) for name in _ENGINE_INPUTS)
        cached = own.get("_engine_cache")
        if cached is not None and cached[0] == inputs:
            return cached[1]
        try:
            engine = _native.Engine(
                inputs[0],
                _key_material(inputs[1]),
                _key_material(inputs[2]),
                inputs[3],
                inputs[4],
                key_id=inputs[5],
                verifying_keys=_named_keys(inputs[6]),
                fallback_keys=_fallback_keys(inputs[7]),
            )
        except _native.JWTError as e:
            if e.args[0] == "key":
                raise ImproperlyConfigured(
                    f"SIMPLE_JWT key settings: {e.args[1]}"
                ) from e
            raise TokenBackendError(
                format_lazy(_("Unrecognized algorithm type '{}'"), self.algorithm)
            ) from e
        own["_engine_cache"] = (inputs, engine)
        return engine

    def _leeway_us(self) -> int:
        """``get_leeway()`` in microseconds."""
        leeway = self.leeway
        if (
            type(leeway) is int
            and type(self).get_leeway is _STOCK_GET_LEEWAY
            and "get_leeway" not in self.__dict__
        ):
            return leeway * 1_000_000
        return self.get_leeway() // _ONE_MICROSECOND

    def __getstate__(self) -> dict[str, Any]:
        # Pickled as upstream's backend is: its settings, not native objects.
        state = self.__dict__.copy()
        for private in ("_engine_cache", "_settings", "_settings_seen"):
            state.pop(private, None)
        return state

    @property
    def prepared_signing_key(self) -> Any:
        if self.signing_key is None:
            return None
        return _configured_key(self._engine.signing_key)

    @property
    def prepared_verifying_key(self) -> Any:
        # HMAC verifies with the signing secret; without a verifying key the
        # other algorithms verify with the signing key's public half.
        if self.signing_key is None and (
            self.algorithm.startswith("HS") or self.verifying_key in (None, "", b"")
        ):
            return None
        return _configured_key(self._engine.verifying_key)

    def _validate_algorithm(self, algorithm: str) -> None:
        """
        Ensure that the nominated algorithm is recognized by the engine.
        """
        if algorithm not in ALLOWED_ALGORITHMS:
            raise TokenBackendError(
                format_lazy(_("Unrecognized algorithm type '{}'"), algorithm)
            )

    def get_leeway(self) -> timedelta:
        if self.leeway is None:
            return timedelta(seconds=0)
        elif isinstance(self.leeway, (int, float)):
            return timedelta(seconds=self.leeway)
        elif isinstance(self.leeway, timedelta):
            return self.leeway
        else:
            raise TokenBackendError(
                format_lazy(
                    _(
                        "Unrecognized type '{}', 'leeway' must be of type int, float or timedelta."
                    ),
                    type(self.leeway),
                )
            )

    def get_verifying_key(self, token: "Token | str | bytes") -> Any:
        if self.algorithm.startswith("HS"):
            return self.prepared_signing_key

        if self.jwks_client:
            try:
                return self.jwks_client.get_signing_key_from_jwt(token).key
            except Exception as e:
                # An unknown kid, an unreachable or malformed key set (or
                # PyJWT's client error, from a client written for upstream):
                # the token cannot be verified, which is all a client learns.
                if not isinstance(e, PyJWKClientError):
                    logger.warning("JWK_URL key lookup failed: %r", e)
                raise TokenBackendError(_("Token is invalid")) from e

        return self.prepared_verifying_key

    def encode(self, payload: dict[str, Any]) -> str:
        """
        Returns an encoded token for the given payload dictionary.
        """
        engine = self._engine
        try:
            if self.json_encoder is None:
                try:
                    return engine.encode(payload)
                except _native.JWTError as e:
                    if e.args[0] != "unencodable":
                        raise
            # Values the engine does not write itself (UUIDs, Decimals,
            # subclasses of the JSON types), or a custom encoder: written by
            # Python's json module exactly as PyJWT writes them.
            header, body = self._json_segments(payload)
            if header == f'{{"alg":"{self.algorithm}","typ":"JWT"}}' and (
                self.signing_key_id is None
            ):
                return engine.sign(body.encode())
            return engine.sign(body.encode(), header.encode())
        except _native.JWTError as e:
            raise _backend_error(e) from e

    def _json_segments(self, payload: dict[str, Any]) -> tuple[bytes, bytes]:
        """The header and payload JSON that ``jwt.encode`` would sign."""
        if not isinstance(payload, dict):
            raise TypeError(
                "Expecting a dict object, as JWT only supports JSON objects as payloads."
            )
        jwt_payload = payload.copy()
        if self.audience is not None:
            jwt_payload["aud"] = self.audience
        if self.issuer is not None:
            jwt_payload["iss"] = self.issuer
        for time_claim in ("exp", "iat", "nbf"):
            if isinstance(jwt_payload.get(time_claim), datetime):
                jwt_payload[time_claim] = _epoch_seconds(jwt_payload[time_claim])
        if "iss" in jwt_payload and not isinstance(jwt_payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")
        header = {"typ": "JWT", "alg": self.algorithm}
        if self.signing_key_id is not None:
            header["kid"] = self.signing_key_id
        encoder = self.json_encoder
        return (
            json.dumps(header, separators=(",", ":"), cls=encoder, sort_keys=True),
            json.dumps(jwt_payload, separators=(",", ":"), cls=encoder),
        )

    def decode(
        self, token: "Token | str | bytes", verify: bool = True
    ) -> dict[str, Any]:
        """
        Performs a validation of the given token and returns its payload
        dictionary.

        Raises a `TokenBackendError` if the token is malformed, if its
        signature check fails, or if its 'exp' claim indicates it has expired.
        """
        engine = self._engine
        try:
            return self._decode(engine, token, verify, now_us())
        except _native.JWTError as e:
            raise _backend_error(e) from e

    def _decode(
        self,
        engine: "_native.Engine",
        token: "Token | str | bytes",
        verify: bool,
        now: int,
    ) -> dict[str, Any]:
        """``decode`` at ``now`` (microseconds) with this backend's current
        engine, raising the engine's errors."""
        key = None
        if verify and (
            (self.jwks_client is not None and not self._hmac_key_ring())
            or type(self).get_verifying_key is not TokenBackend.get_verifying_key
            or "get_verifying_key" in self.__dict__
        ):
            key = self._as_key(self.get_verifying_key(token))
        leeway = self._leeway_us() if verify else 0
        return engine.decode(token, verify, now, leeway, key)

    def _hmac_key_ring(self) -> bool:
        """HS* with key rotation settings: the stock ``get_verifying_key``
        would give the current secret alone (HMAC ignores ``JWK_URL``); the
        engine verifies with it and the other configured keys instead."""
        return self.algorithm.startswith("HS") and bool(
            self.signing_key_id or self.verifying_keys or self.signing_key_fallbacks
        )

    def _as_key(self, key: Any) -> "_native.Key":
        """A key as ``get_verifying_key`` may return it, as a native key."""
        if isinstance(key, _native.Key):
            return key
        if isinstance(key, JWK):
            try:
                return key.for_algorithm(self.algorithm)
            except _native.JWTError as e:
                # The token's kid names a published key that cannot verify this
                # algorithm: the token cannot be verified; the server is fine.
                raise TokenBackendError(_("Token is invalid")) from e
        try:
            return _native.Key.from_pem(self.algorithm, _key_material(key) or b"")
        except _native.JWTError as e:
            raise TokenBackendError(_("Token is invalid")) from e


_native_path.capture_backend(TokenBackend, SETTING_NAMES, _ENGINE_INPUTS)
_STOCK_GET_LEEWAY = TokenBackend.__dict__["get_leeway"]


def _setting_values(settings: Any) -> tuple:
    try:
        # Once read, api_settings holds its values in its __dict__: one C call
        # instead of eight attribute reads through DRF's __getattr__ hook.
        return _read_cached_settings(vars(settings))
    except (KeyError, TypeError):
        return tuple(getattr(settings, name) for name in SETTING_NAMES)


def _epoch_seconds(dt: datetime) -> int:
    from calendar import timegm

    return timegm(dt.utctimetuple())


def _key_material(key: Any) -> str | bytes | None:
    """Keys as text; cryptography key objects are accepted and exported to PEM."""
    if key is None or isinstance(key, (str, bytes)):
        return key
    from cryptography.hazmat.primitives import serialization

    if hasattr(key, "private_bytes"):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    if hasattr(key, "public_bytes"):
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    raise TypeError(f"unsupported key type {type(key).__name__}")


def _named_keys(keys: Any) -> dict[str, Any] | None:
    """``VERIFYING_KEYS`` for the engine: JWK dicts as they are, other keys
    as text (cryptography key objects exported to PEM)."""
    if not keys:
        return None
    if not isinstance(keys, dict):
        raise ImproperlyConfigured(
            "SIMPLE_JWT['VERIFYING_KEYS'] must be a dict of key id to key"
        )
    return {kid: _rotation_key(key) for kid, key in keys.items()}


def _fallback_keys(keys: Any) -> list[Any] | None:
    if not keys:
        return None
    if isinstance(keys, (str, bytes)):
        raise ImproperlyConfigured(
            "SIMPLE_JWT['SIGNING_KEY_FALLBACKS'] must be a list of keys, not one key"
        )
    return [_rotation_key(key) for key in keys]


def _rotation_key(key: Any) -> Any:
    # cryptography key objects as PEM; anything else the engine reads or
    # refuses, naming the setting.
    if hasattr(key, "private_bytes") or hasattr(key, "public_bytes"):
        return _key_material(key)
    return key


def _configured_key(getter: Any) -> "_native.Key":
    try:
        return getter()
    except _native.JWTError as e:
        raise ImproperlyConfigured(f"SIMPLE_JWT key settings: {e.args[1]}") from e


def _backend_error(error: "_native.JWTError") -> Exception:
    kind = error.args[0]
    if kind == "expired":
        return TokenBackendExpiredToken(_("Token is expired"))
    if kind == "algorithm":
        return TokenBackendError(_("Invalid algorithm specified"))
    if kind == "key":
        # The configured key is unusable: a server problem, not a bad token.
        return ImproperlyConfigured(f"SIMPLE_JWT key settings: {error.args[1]}")
    return TokenBackendError(_("Token is invalid"))
