"""Fetching verifying keys from a JWKS endpoint (the ``JWK_URL`` setting).

``PyJWKClient`` keeps the interface of PyJWT's class of the same name, which
upstream's ``TokenBackend`` used: ``get_signing_key_from_jwt(token).key``.
The key set is fetched with ``urllib``, cached for ``lifespan`` seconds, and
fetched again when a token names a key id the cached set lacks.

The client is written to hold while the endpoint misbehaves or is attacked:

* redirects are refused (whoever controls a redirect's target would
  publish keys), as PyJWT refuses them;
* an answer without a usable signing key (an empty set, only ``use: enc``
  keys, not JSON) never replaces the last good key set;
* fetches are rate-limited whether they succeed or fail: at most one per
  ``min_refresh_interval`` seconds for unknown key ids, and after a failed
  fetch the cached set is served until the interval has passed;
* one fetch at a time, and no lock is held across the network: requests
  whose key is cached are served while a fetch is in flight; only requests
  with nothing cached wait for it;
* a fetch has a total deadline (``timeout`` seconds for connecting, TLS and
  the whole body, not per socket read) and a body-size limit
  (``max_body_bytes``).
"""

import json
import threading
import time
import urllib.error
import urllib.request
from ssl import SSLContext
from typing import Any

from . import _native
from .utils import logger

#: Seconds a whole fetch may take before the token is refused.
DEFAULT_TIMEOUT = 10
#: Seconds a fetched key set is trusted before it is fetched again.
DEFAULT_LIFESPAN = 300
#: Seconds between fetches caused by unknown key ids, or after a failure.
DEFAULT_MIN_REFRESH_INTERVAL = 10
#: The largest key set body read; real ones are a few kilobytes.
DEFAULT_MAX_BODY_BYTES = 512 * 1024


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


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirect to {newurl!r} refused", headers, fp
        )


def _is_signing_key(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("kty"), str)
        and data.get("use") in (None, "sig")
    )


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
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
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
        self.max_body_bytes = max_body_bytes
        # Guards the fields below; never held across a fetch.
        self._lock = threading.Lock()
        self._keys: list[JWK] | None = None
        self._fetched_at = 0.0  # the last good fetch
        self._attempted_at = float("-inf")  # the last fetch started
        self._failed = False  # whether that fetch failed
        self._last_error: PyJWKClientError | None = None
        self._in_flight: threading.Event | None = None

    # -- fetching -------------------------------------------------------------------

    def fetch_data(self) -> Any:
        """The endpoint's JSON, read within ``timeout`` seconds in all and
        at most ``max_body_bytes`` long; redirects are refused."""
        deadline = time.monotonic() + self.timeout
        opener = urllib.request.build_opener(
            _RefuseRedirects(), urllib.request.HTTPSHandler(context=self.ssl_context)
        )
        request = urllib.request.Request(self.uri, headers=self.headers)
        limit = self.max_body_bytes
        try:
            with opener.open(request, timeout=self.timeout) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise PyJWKClientConnectionError(
                        f"The key set is {declared} bytes long; at most {limit} are read"
                    )
                body = bytearray()
                while True:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"no whole answer within {self.timeout} s")
                    chunk = response.read1(65536)
                    if not chunk:
                        break
                    body += chunk
                    if len(body) > limit:
                        raise PyJWKClientConnectionError(
                            f"The key set is longer than {limit} bytes"
                        )
            return json.loads(bytes(body))
        except PyJWKClientError:
            raise
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
            raise PyJWKClientConnectionError(
                f'Fail to fetch data from the url, err: "{e}"'
            ) from e

    def _fetch_within_deadline(self) -> Any:
        """``fetch_data()`` on a helper thread, given up after ``timeout``
        seconds whatever the network does (a slow TLS handshake, headers
        dripping in): socket timeouts bound each read, not the fetch."""
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def fetch() -> None:
            try:
                outcome["data"] = self.fetch_data()
            except BaseException as e:  # handed to the waiting thread
                outcome["error"] = e
            finally:
                done.set()

        threading.Thread(target=fetch, name="simplejwt-jwks-fetch", daemon=True).start()
        if not done.wait(self.timeout + 0.05):
            raise PyJWKClientConnectionError(
                f"Fail to fetch data from the url, err: no answer within {self.timeout} s"
            )
        if "error" in outcome:
            raise outcome["error"]
        return outcome["data"]

    @staticmethod
    def _parse_set(data: Any) -> list[JWK]:
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, list):
            raise PyJWKClientError("The JWKS endpoint did not return a key set")
        if not any(_is_signing_key(key) for key in keys):
            raise PyJWKClientError("The JWKS endpoint returned no usable signing key")
        return [JWK(key) for key in keys if isinstance(key, dict)]

    def get_jwk_set(self, refresh: bool = False) -> list[JWK]:
        """The cached key set, fetched first when it is missing or stale, or
        when ``refresh`` asks (both rate-limited as the module says)."""
        now = time.monotonic()
        with self._lock:
            keys = self._keys
            fresh = keys is not None and now - self._fetched_at < self.lifespan
            cooling = now - self._attempted_at < self.min_refresh_interval
            if keys is not None and (
                (fresh and not refresh) or (cooling and (refresh or self._failed))
            ):
                return keys
            in_flight = self._in_flight
            if in_flight is None:
                if keys is None and self._failed and cooling:
                    # The endpoint failed a moment ago: no new fetch yet.
                    raise self._last_error or PyJWKClientConnectionError(
                        "The JWKS endpoint is failing"
                    )
                in_flight = self._in_flight = threading.Event()
                self._attempted_at = now
                leader = True
            else:
                leader = False
        if not leader:
            if keys is not None:
                return keys  # served from the cache while another thread fetches
            in_flight.wait(self.timeout + 0.1)
            with self._lock:
                if self._keys is None:
                    raise self._last_error or PyJWKClientConnectionError(
                        "The JWKS endpoint did not answer in time"
                    )
                return self._keys
        try:
            parsed = self._parse_set(self._fetch_within_deadline())
        except PyJWKClientError as e:
            with self._lock:
                self._failed = True
                self._last_error = e
                self._in_flight = None
            in_flight.set()
            if keys is None:
                raise
            logger.warning("JWK_URL fetch failed; keeping the last good key set: %s", e)
            return keys
        with self._lock:
            self._keys = parsed
            self._fetched_at = time.monotonic()
            self._failed = False
            self._last_error = None
            self._in_flight = None
        in_flight.set()
        return parsed

    # -- lookups ----------------------------------------------------------------------

    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        signing = [
            PyJWK(jwk) for jwk in self.get_jwk_set(refresh) if _is_signing_key(jwk.data)
        ]
        if not signing:
            raise PyJWKClientError("The JWKS endpoint did not contain any signing keys")
        return signing

    def get_signing_key(self, kid: str | None) -> PyJWK:
        found = self._match(self.get_signing_keys(), kid)
        if found is None:
            found = self._match(self.get_signing_keys(refresh=True), kid)
        if found is None:
            raise PyJWKClientError(
                f'Unable to find a signing key that matches: "{kid}"'
            )
        return found

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
