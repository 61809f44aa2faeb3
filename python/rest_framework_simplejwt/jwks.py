"""Fetching verifying keys from a JWKS endpoint (the ``JWK_URL`` setting).

``PyJWKClient`` keeps the interface of PyJWT's class of the same name, which
upstream's ``TokenBackend`` used: ``get_signing_key_from_jwt(token).key``.
The key set is fetched with ``urllib`` under a timeout, cached for
``lifespan`` seconds, and fetched again when a token names a key id the
cached set lacks, at most once per ``min_refresh_interval`` seconds so that
tokens with made-up key ids cannot turn every request into a fetch.
"""

import json
import threading
import time
import urllib.error
import urllib.request
from ssl import SSLContext
from typing import Any

from . import _native

#: Seconds to wait for the JWKS endpoint before the token is refused.
DEFAULT_TIMEOUT = 10
#: Seconds a fetched key set is trusted before it is fetched again.
DEFAULT_LIFESPAN = 300
#: Seconds between fetches caused by unknown key ids.
DEFAULT_MIN_REFRESH_INTERVAL = 10


class PyJWKClientError(Exception):
    """The key set could not be fetched or holds no key for the token."""


class PyJWKClientConnectionError(PyJWKClientError):
    pass


class JWK:
    """One published key, parsed for an algorithm when first used."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.key_id: str | None = data.get("kid")
        self._parsed: dict[str, _native.Key] = {}

    def for_algorithm(self, algorithm: str) -> "_native.Key":
        try:
            return self._parsed[algorithm]
        except KeyError:
            key = self._parsed[algorithm] = _native.Key.from_jwk(self.data, algorithm)
            return key

    def __repr__(self) -> str:
        return f"<JWK kid={self.key_id!r} kty={self.data.get('kty')!r}>"


class PyJWK:
    """What ``get_signing_key*`` returns: the key and its id."""

    def __init__(self, jwk: JWK) -> None:
        self.key = jwk
        self.key_id = jwk.key_id
        self.algorithm_name = jwk.data.get("alg")


class PyJWKClient:
    def __init__(
        self,
        uri: str,
        cache_keys: bool = True,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = DEFAULT_LIFESPAN,
        headers: dict[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: SSLContext | None = None,
        min_refresh_interval: float = DEFAULT_MIN_REFRESH_INTERVAL,
    ) -> None:
        self.uri = uri
        self.headers = {
            "User-Agent": "djangorestframework-simplejwt-rs",
            **(headers or {}),
        }
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.lifespan = lifespan if cache_jwk_set else 0
        self.min_refresh_interval = min_refresh_interval
        self._lock = threading.Lock()
        self._keys: list[JWK] | None = None
        self._fetched_at = 0.0

    def fetch_data(self) -> Any:
        request = urllib.request.Request(self.uri, headers=self.headers)
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self.ssl_context
            ) as response:
                return json.load(response)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
            raise PyJWKClientConnectionError(
                f'Fail to fetch data from the url, err: "{e}"'
            ) from e

    def get_jwk_set(self, refresh: bool = False) -> list[JWK]:
        with self._lock:
            stale = time.monotonic() - self._fetched_at >= self.lifespan
            if self._keys is None or refresh or stale:
                self._keys = self._parse_set(self.fetch_data())
                self._fetched_at = time.monotonic()
            return self._keys

    @staticmethod
    def _parse_set(data: Any) -> list[JWK]:
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, list):
            raise PyJWKClientError("The JWKS endpoint did not return a key set")
        return [JWK(key) for key in keys if isinstance(key, dict)]

    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        signing = [
            PyJWK(jwk)
            for jwk in self.get_jwk_set(refresh)
            if jwk.data.get("use") in (None, "sig")
        ]
        if not signing:
            raise PyJWKClientError("The JWKS endpoint did not contain any signing keys")
        return signing

    def get_signing_key(self, kid: str | None) -> PyJWK:
        found = self._match(self.get_signing_keys(), kid)
        if found is None and self._may_refresh():
            found = self._match(self.get_signing_keys(refresh=True), kid)
        if found is None:
            raise PyJWKClientError(
                f'Unable to find a signing key that matches: "{kid}"'
            )
        return found

    def _may_refresh(self) -> bool:
        return time.monotonic() - self._fetched_at >= self.min_refresh_interval

    @staticmethod
    def _match(keys: list[PyJWK], kid: str | None) -> PyJWK | None:
        # As PyJWT matches: a token without a key id matches only a published
        # key without one.
        return next((key for key in keys if key.key_id == kid), None)

    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        try:
            header = _native.unverified_header(token)
        except _native.JWTError as e:
            raise PyJWKClientError("The token is malformed") from e
        return self.get_signing_key(header.get("kid"))
