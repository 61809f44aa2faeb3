"""Type stubs for the native token engine (src/*.rs, the binding of engine/).

``scripts/check_stub.py`` (run by ``make lint``) checks that these names and
the module's stay the same.
"""

from collections.abc import Iterable
from typing import Any, Final, TypeVar

ALGORITHMS: Final[list[str]]
"""Names of the algorithms the engine implements."""

_T = TypeVar("_T")

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
    ) -> None: ...
    @property
    def algorithm(self) -> str: ...
    def encode(self, payload: dict[str, Any]) -> str:
        """Signs the payload with ``aud`` / ``iss`` added as configured.

        Raises ``JWTError("unencodable")`` when a value needs Python's json
        module (the caller then serializes it and calls ``sign``).
        """
    def sign(self, payload_json: bytes) -> str:
        """Signs an already serialized payload."""
    def decode(
        self,
        token: str | bytes,
        verify: bool,
        now_us: int,
        leeway_us: int,
        key: Key | None = None,
    ) -> dict[str, Any]:
        """Decodes a token; with ``verify``, checks algorithm, signature and claims."""
    def decode_token(
        self,
        token: str | bytes,
        now_us: int,
        leeway_us: int,
        type_claim: str | None,
        expected_type: str | None,
        jti_claim: str | None,
        key: Key | None = None,
    ) -> dict[str, Any]:
        """``decode`` with verification, then ``Token.verify``'s checks."""
    def token_decoder(
        self,
        leeway_us: int,
        type_claim: str | None,
        expected_type: str | None,
        jti_claim: str | None,
    ) -> TokenDecoder:
        """``decode_token`` with all but the token and the time fixed."""
    def signing_key(self) -> Key:
        """The parsed signing key (raises ``JWTError("key")`` if unusable)."""
    def verifying_key(self) -> Key:
        """The parsed key tokens are verified with."""

class TokenDecoder:
    """What a token class calls to validate a raw token in one call."""

    def __call__(self, token: str | bytes, now_us: int) -> dict[str, Any]: ...

def unverified_header(token: str | bytes) -> dict[str, str]:
    """``alg`` and ``kid`` of a token's header, without verifying anything."""

def mint(
    type_claim: Any, token_type: Any, lifetime_us: int, jti_claim: Any, now_us: int
) -> dict[Any, Any]:
    """A new token payload: type, ``exp`` (``lifetime_us`` after ``now_us``),
    ``iat`` and a new id. Raises ``OverflowError`` when ``exp`` would pass
    9999-12-31T23:59:59Z, the last NumericDate the engine accepts."""

def new_token(
    cls: type[_T],
    type_claim: Any,
    token_type: Any,
    lifetime_us: int,
    jti_claim: Any,
    now_us: int,
    exp_from_us: int | None = None,
    source: dict[Any, Any] | None = None,
    skip: Any = None,
) -> _T:
    """``cls()`` for a class with the stock ``__init__``, without running it:
    ``token``, ``_now_us`` and a ``mint`` payload set, ``exp`` counted from
    ``exp_from_us`` when given, then the claims of ``source`` not named in
    ``skip``."""

def copy_claims(source: dict[Any, Any], target: dict[Any, Any], skip: Any) -> None:
    """Copies the claims of ``source`` not named in ``skip`` into ``target``."""

def new_jti() -> str:
    """A random UUID4 in hex, like ``uuid.uuid4().hex``."""

def warm_random() -> None:
    """Seeds the random generator on a background thread (see tokens.py)."""
