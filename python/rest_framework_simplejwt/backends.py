"""``TokenBackend``: encodes and decodes tokens with the configured algorithm and keys.

The work is done by a native ``Engine`` built from the backend's attributes
the first time it is needed and rebuilt whenever one of them is assigned, so
code (and upstream's tests) that set ``backend.leeway`` or
``backend.signing_key`` keeps working.
"""

import json
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from . import _classwatch, _native
from ._classwatch import WatchedClass
from .exceptions import TokenBackendError, TokenBackendExpiredToken
from .jwks import JWK, PyJWKClient, PyJWKClientError
from .utils import format_lazy

if TYPE_CHECKING:
    from .tokens import Token

JWK_CLIENT_AVAILABLE = True

ALLOWED_ALGORITHMS = set(_native.ALGORITHMS)

# Assigning any of these changes what the native engine must be built from.
_ENGINE_INPUTS = frozenset(
    {"algorithm", "signing_key", "verifying_key", "audience", "issuer"}
)
_ENGINE_CACHES = ("_engine", "prepared_signing_key", "prepared_verifying_key")
_ONE_MICROSECOND = timedelta(microseconds=1)


def now_us() -> int:
    """Now, in microseconds since the epoch, through ``time.time`` so that
    freezegun and time-machine move it. (Rounded, not truncated: a frozen
    time's float may sit a hair below its microsecond.)"""
    return int(time.time() * 1_000_000 + 0.5)


class TokenBackend(metaclass=WatchedClass):
    # Set on the backend built from the settings (state.token_backend): brings
    # it up to date with changed settings before an operation.
    _follow_settings: Callable[[], object] | None = None

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

    def __setattr__(self, name: str, value: Any) -> None:
        # A changed attribute moves the fast paths' epoch: the token classes
        # cache decoders and encoders built from this backend.
        state = self.__dict__
        changed = name not in state or not _same(state[name], value)
        object.__setattr__(self, name, value)
        if changed:
            _classwatch.bump()
            if name in _ENGINE_INPUTS:
                for cached in _ENGINE_CACHES:
                    state.pop(cached, None)

    def reconfigure(
        self,
        algorithm: str,
        signing_key: Any,
        verifying_key: Any,
        audience: Any,
        issuer: Any,
        jwk_url: str | None,
        leeway: Any,
        json_encoder: Any,
    ) -> None:
        """Takes new settings in place, keeping this object's identity."""
        self._validate_algorithm(algorithm)
        self.algorithm = algorithm
        self.signing_key = signing_key
        self.verifying_key = verifying_key
        self.audience = audience
        self.issuer = issuer
        current_url = getattr(self.jwks_client, "uri", None)
        if jwk_url != current_url:
            self.jwks_client = PyJWKClient(jwk_url) if jwk_url else None
        self.leeway = leeway
        self.json_encoder = json_encoder

    @cached_property
    def _engine(self) -> "_native.Engine":
        try:
            return _native.Engine(
                self.algorithm,
                _key_material(self.signing_key),
                _key_material(self.verifying_key),
                self.audience,
                self.issuer,
            )
        except _native.JWTError as e:
            raise TokenBackendError(
                format_lazy(_("Unrecognized algorithm type '{}'"), self.algorithm)
            ) from e

    @cached_property
    def prepared_signing_key(self) -> Any:
        if self.signing_key is None:
            return None
        return _configured_key(self._engine.signing_key)

    @cached_property
    def prepared_verifying_key(self) -> Any:
        # HMAC verifies with the signing secret; without a verifying key the
        # other algorithms verify with the signing key's public half.
        if self.signing_key is None and (
            self.algorithm.startswith("HS") or self.verifying_key in (None, "", b"")
        ):
            return None
        return _configured_key(self._engine.verifying_key)

    def _validate_algorithm(self, algorithm: str) -> None:
        """Refuses algorithms the engine does not implement."""
        if algorithm not in ALLOWED_ALGORITHMS:
            raise TokenBackendError(
                format_lazy(_("Unrecognized algorithm type '{}'"), algorithm)
            )

    def get_leeway(self) -> timedelta:
        if self.leeway is None:
            return timedelta(seconds=0)
        if isinstance(self.leeway, (int, float)):
            return timedelta(seconds=self.leeway)
        if isinstance(self.leeway, timedelta):
            return self.leeway
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
                # An unknown kid, an unreachable or malformed key set: the
                # token cannot be verified, which is all the client learns.
                if not isinstance(e, PyJWKClientError):
                    from .utils import logger

                    logger.warning("JWK_URL key lookup failed: %r", e)
                raise TokenBackendError(_("Token is invalid")) from e

        return self.prepared_verifying_key

    def encode(self, payload: dict[str, Any]) -> str:
        """Returns an encoded token for the given payload dictionary."""
        if self._follow_settings is not None:
            self._follow_settings()
        engine = self._engine
        try:
            return engine.encode(payload)
        except _native.JWTError as e:
            if e.args[0] != "unencodable":
                raise _backend_error(e) from e
        # Values the engine does not write itself (UUIDs, Decimals, datetimes,
        # subclasses of the JSON types): serialize exactly as PyJWT does.
        try:
            return engine.sign(self._dump_payload(payload))
        except _native.JWTError as e:
            raise _backend_error(e) from e

    def _dump_payload(self, payload: dict[str, Any]) -> bytes:
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
            value = jwt_payload.get(time_claim)
            if isinstance(value, datetime):
                jwt_payload[time_claim] = _epoch_seconds(value)
        if "iss" in jwt_payload and not isinstance(jwt_payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")
        return json.dumps(
            jwt_payload, separators=(",", ":"), cls=self.json_encoder
        ).encode("utf-8")

    def decode(
        self, token: "Token | str | bytes", verify: bool = True
    ) -> dict[str, Any]:
        """
        Validates the token and returns its payload.

        Raises ``TokenBackendError`` if the token is malformed, its signature
        does not match, or a claim fails validation, and
        ``TokenBackendExpiredToken`` if it has expired.
        """
        if self._follow_settings is not None:
            self._follow_settings()
        try:
            return self._decode_native(token, verify, now_us())
        except _native.JWTError as e:
            raise _backend_error(e) from e

    def _decode_native(
        self,
        token: "Token | str | bytes",
        verify: bool,
        now: int,
        token_rules: tuple | None = None,
    ) -> dict[str, Any]:
        """``decode`` at a given time, raising the engine's ``JWTError``.

        With ``token_rules`` (type claim, expected type, jti claim) the
        engine also applies ``Token.verify``'s checks, so a token class can
        validate in one call.
        """
        key = None
        if verify and (
            self.jwks_client is not None
            or type(self).get_verifying_key is not TokenBackend.get_verifying_key
        ):
            key = self._as_key(self.get_verifying_key(token))
        engine = self._engine
        if token_rules is not None:
            return engine.decode_token(token, now, self._leeway_us(), *token_rules, key)
        return engine.decode(
            token, verify, now, self._leeway_us() if verify else 0, key
        )

    def _token_decoder(
        self, type_claim: str | None, expected_type: str | None, jti_claim: str | None
    ) -> "_native.TokenDecoder | None":
        """A native callable ``(token, now_us) -> payload`` that decodes and
        applies ``Token.verify``'s checks, or None when this backend does not
        decode the stock way (a subclass override, a JWKS client, a setting
        the general path must report)."""
        if self.jwks_client is not None or not all(
            is_stock(self, name)
            for name in ("decode", "_decode_native", "get_verifying_key", "get_leeway")
        ):
            return None
        try:
            return self._engine.token_decoder(
                self._leeway_us(), type_claim, expected_type, jti_claim
            )
        except TokenBackendError:
            return None

    def _leeway_us(self) -> int:
        leeway = self.leeway
        if type(self).get_leeway is TokenBackend.get_leeway:
            if leeway is None:
                return 0
            if type(leeway) is int:
                return leeway * 1_000_000
        return self.get_leeway() // _ONE_MICROSECOND

    def _as_key(self, key: Any) -> "_native.Key":
        """A key as ``get_verifying_key`` may return it, as a native key."""
        if isinstance(key, _native.Key):
            return key
        if isinstance(key, JWK):
            try:
                return key.for_algorithm(self.algorithm)
            except _native.JWTError as e:
                # The token's kid (chosen by whoever sent it) names a published
                # key that cannot verify this algorithm: the token cannot be
                # verified, which is not a misconfiguration of this server.
                from .utils import logger

                logger.warning("JWK_URL key %r is unusable: %s", key, e.args[-1])
                raise TokenBackendError(_("Token is invalid")) from e
        try:
            return _native.Key.from_pem(self.algorithm, _key_material(key) or b"")
        except _native.JWTError as e:
            raise TokenBackendError(_("Token is invalid")) from e


# TokenBackend's methods as defined here, for telling whether an instance
# still uses them (not a subclass override, nor a patch on the class or the
# instance) before a fast path skips them.
_STOCK_METHODS = {
    name: TokenBackend.__dict__[name]
    for name in (
        "decode",
        "_decode_native",
        "get_verifying_key",
        "get_leeway",
        "encode",
    )
}


def is_stock(backend: Any, name: str) -> bool:
    method = getattr(backend, name, None)
    return getattr(method, "__func__", None) is _STOCK_METHODS[name]


def _same(old: Any, new: Any) -> bool:
    try:
        return old is new or bool(old == new)
    except Exception:
        return False


def _epoch_seconds(dt: datetime) -> int:
    from calendar import timegm

    return timegm(dt.utctimetuple())


def _key_material(key: Any) -> str | bytes | None:
    """Keys as text; cryptography key objects are accepted and exported to PEM."""
    if key is None or isinstance(key, (str, bytes)):
        return key
    if isinstance(key, _native.Key):
        raise TypeError("a parsed native Key cannot be used as key material")
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
