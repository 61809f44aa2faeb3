"""Type stubs for the native token engine (src/*.rs, the binding of engine/).

``scripts/check_stub.py`` (run by ``make lint``) checks that these names and
the module's stay the same.
"""

from collections.abc import Iterable
from typing import Any, Final

ALGORITHMS: Final[list[str]]
"""Names of the algorithms the engine implements."""

MAX_TOKEN_BYTES: Final[int]
"""Tokens longer than this are refused before any decoding."""

class JWTError(ValueError):
    """Raised by the engine. ``args`` is ``(kind, detail)`` or, for
    ``kind == "no_claim"``, ``(kind, detail, claim)``.

    Kinds: ``invalid``, ``algorithm``, ``expired``, ``no_claim``, ``no_id``,
    ``no_type``, ``wrong_type``, ``key``, ``unknown_algorithm``,
    ``unencodable``, ``crypto``.
    """

class Key:
    """A parsed key bound to one algorithm."""

    @staticmethod
    def from_jwk(jwk: dict[str, Any], algorithm: str) -> Key:
        """A verifying key from the members of a JWK."""
    @staticmethod
    def from_pem(algorithm: str, material: str | bytes) -> Key:
        """A verifying key from PEM text, or an HMAC secret."""
    @property
    def algorithm(self) -> str: ...
    @property
    def is_private(self) -> bool: ...

class Engine:
    """Signs and verifies tokens for one algorithm and key configuration.

    Keys are parsed on first use and kept.
    """

    def __init__(
        self,
        algorithm: str,
        signing_key: str | bytes | None = None,
        verifying_key: str | bytes | None = None,
        audience: str | Iterable[str] | None = None,
        issuer: str | Iterable[str] | None = None,
        *,
        key_id: str | None = None,
        verifying_keys: dict[str, str | bytes | dict[str, Any]] | None = None,
        fallback_keys: Iterable[str | bytes | dict[str, Any]] | None = None,
    ) -> None:
        """``key_id`` goes into minted tokens' headers (``kid``);
        ``verifying_keys`` (key id to key) and ``fallback_keys`` (earlier
        versions of the current key) verify besides the current key, chosen
        by the token's ``kid`` (see engine/src/keyring.rs)."""
    @property
    def algorithm(self) -> str: ...
    @property
    def key_id(self) -> str | None:
        """The ``kid`` minted tokens carry."""
    def check_keys(self) -> None:
        """Parses the other verifying keys now; raises ``JWTError("key")``
        naming the first one that cannot be parsed."""
    def encode(self, payload: dict[str, Any]) -> str:
        """Signs the payload with ``aud`` / ``iss`` added as configured.

        Raises ``JWTError("unencodable")`` when a value needs Python's json
        module (the caller then serializes it and calls ``sign``).
        """
    def sign(self, payload_json: bytes, header_json: bytes | None = None) -> str:
        """Signs an already serialized payload, under the engine's header or
        the given one."""
    def decode(
        self,
        token: str | bytes,
        verify: bool,
        now_us: int,
        leeway_us: int,
        key: Key | None = None,
    ) -> dict[str, Any]:
        """Decodes a token; with ``verify``, checks algorithm, signature and claims."""
    def signing_key(self) -> Key:
        """The parsed signing key (raises ``JWTError("key")`` if unusable)."""
    def verifying_key(self) -> Key:
        """The parsed key tokens are verified with."""

class NativePath:
    """The check that lets one native call stand in for ``Token.__init__``
    (see ``_native_path.py``); made at every call, nothing cached."""

    def __init__(
        self,
        tokens: dict[str, Any],
        utils: dict[str, Any],
        time: dict[str, Any],
        stock: dict[str, Any],
    ) -> None: ...
    def capture_backend(
        self,
        stock: dict[str, Any],
        setting_names: list[str],
        engine_inputs: list[str],
    ) -> None:
        """Records ``TokenBackend``'s methods as defined."""
    def token_str(self, token: Any) -> str | None:
        """``str(token)`` when the stock backend's encode applies, else None."""
    def token_init(
        self, token: Any, raw: Any, verify: bool, lifetime: Any
    ) -> tuple[dict[str, Any], int] | None:
        """``(payload, now_us)`` for ``Token.__init__``, or None when the
        Python methods must run."""

class SettingAttribute:
    """A class attribute reading ``namespace["api_settings"].<name>`` at each
    access."""

    def __init__(self, namespace: dict[str, Any], name: str) -> None: ...
    def __get__(self, instance: Any, owner: type | None = None) -> Any: ...
    @property
    def name(self) -> str: ...

def unverified_header(token: str | bytes) -> dict[str, str]:
    """``alg`` and ``kid`` of a token's header, without verifying anything."""

def public_jwk(algorithm: str, material: str | bytes) -> dict[str, str]:
    """The public JWK members (``kty``, ``crv``, ``n``/``e`` or ``x``/``y``)
    of a PEM key; raises ``JWTError("key")`` for HMAC secrets and unfit keys."""

def generate_private_key(algorithm: str) -> str:
    """A new private key for ``algorithm`` as PKCS#8 PEM (RSA: 2048 bits);
    raises ``JWTError("key")`` for HMAC algorithms."""

def mint(
    type_claim: Any, token_type: Any, lifetime_us: int, jti_claim: Any, now_us: int
) -> dict[Any, Any]:
    """A new token payload: type, ``exp`` (``lifetime_us`` after ``now_us``),
    ``iat`` and a new id. Raises ``OverflowError`` when ``exp`` would pass
    9999-12-31T23:59:59Z, the last NumericDate the engine accepts."""

def copy_claims(source: dict[Any, Any], target: dict[Any, Any], skip: Any) -> None:
    """Copies the claims of ``source`` not named in ``skip`` into ``target``."""

def warm_random() -> None:
    """Seeds the random generator on a background thread (see tokens.py)."""
