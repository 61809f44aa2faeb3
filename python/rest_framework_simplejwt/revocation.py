"""Revocation that scales (ours, not upstream's): access-token revocation,
log out everywhere, and the blacklist read through Django's cache.

The database is the source of truth. A cache (``BLACKLIST_CACHE``, an alias
of ``settings.CACHES``) only stands in front of it:

* a read asks the cache first, in one round trip (``get_many``); a key the
  cache does not hold, or a cache that fails (Redis down), is answered from
  the database, and the answer is put back with ``cache.add`` (never
  overwriting what a concurrent revocation wrote);
* a revocation writes the database first, then ``cache.set``s its keys.

So a flushed or evicted cache loses nothing: the next read goes to the
database. The one limit: if the cache fails while a revocation writes it and
later comes back still holding an older "not revoked" answer for that key,
that answer is served until its timeout (``REVOCATION_CACHE_TIMEOUT``).

Everything here runs only when the settings ask for it; with none of them
set, no function of this module is called.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta
from typing import Any

from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidToken
from .settings import api_settings
from .utils import aware_utcnow, datetime_from_epoch, datetime_to_epoch

logger = logging.getLogger("rest_framework_simplejwt.revocation")

# Django's own, as imported: the Redis fast read stands in for it only
# while it is still the method a RedisCache has (see _redis_reader).
_STOCK_REDIS_GET_MANY = RedisCache.get_many
_PREFIX = "simplejwt-rs:"
_NOT_REVOKED = 0


def _cache() -> Any:
    """The cache named by BLACKLIST_CACHE, or None (database only)."""
    alias = api_settings.BLACKLIST_CACHE
    if not alias:
        return None
    from django.core.cache import caches

    return caches[alias]


def _timeout() -> int:
    timeout = api_settings.REVOCATION_CACHE_TIMEOUT
    if isinstance(timeout, timedelta):
        timeout = timeout.total_seconds()
    return max(int(timeout), 1)


def _redis_reader(cache: Any) -> Any:
    """For Django's RedisCache: a redis client on the cache's own connection
    pool, or None to use the cache's public ``get_many``.

    ``RedisCache.get_many`` builds a new ``redis.Redis`` client (a copy of
    its table of response callbacks) on every call, which costs more than
    the round trip itself; the client is only a handle on the pool, so one
    per connection object is enough. Checked at each call: the cache is a
    ``RedisCache`` whose ``get_many`` nobody replaced (on the class or the
    object), and the client belongs to the cache's current ``_cache``.
    """
    if (
        type(cache) is not RedisCache
        or RedisCache.get_many is not _STOCK_REDIS_GET_MANY
        or "get_many" in vars(cache)
    ):
        return None
    connection = cache._cache
    reader = connection.__dict__.get("_simplejwt_rs_reader")
    if reader is None:
        reader = connection.get_client(None)
        connection.__dict__["_simplejwt_rs_reader"] = reader
    return reader


def _cache_get_many(cache: Any, keys: list[str]) -> dict[str, Any] | None:
    """The cached values (one round trip), or None if the cache failed (then
    the database answers)."""
    try:
        reader = _redis_reader(cache)
        if reader is None:
            return cache.get_many(keys)
        # Our keys are plain ASCII by construction (see _part): made, not
        # validated. Values are ints, which Django's RedisSerializer stores
        # as their digits; anything else goes through the serializer.
        values = reader.mget([cache.make_key(key) for key in keys])
        found = {}
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                try:
                    found[key] = int(value)
                except ValueError:
                    found[key] = cache._cache._serializer.loads(value)
        return found
    except Exception as e:  # any backend's connection error
        logger.warning("revocation cache read failed, using the database: %s", e)
        return None


def _cache_write(cache: Any, method: str, *args: Any, **kwargs: Any) -> None:
    try:
        getattr(cache, method)(*args, **kwargs)
    except Exception as e:
        logger.warning("revocation cache %s failed: %s", method, e)


_SAFE = re.compile(r"[A-Za-z0-9_.@+-]{1,128}")


def _part(value: Any) -> str:
    """A claim value as a cache-key part: as is if short and plain (uuid4
    hex ids, numeric user ids), else its SHA-256 (memcached refuses spaces,
    control characters and long keys)."""
    text = str(value)
    if _SAFE.fullmatch(text):
        return text
    return "h" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def db_text(value: Any) -> str:
    """A claim value as stored in our tables' 255-character columns: as is,
    or, if longer or holding a NUL (which PostgreSQL refuses), its SHA-256."""
    text = str(value)
    if len(text) <= 255 and "\x00" not in text:
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _blacklist_key(jti: Any) -> str:
    return f"{_PREFIX}bl:{_part(jti)}"


def _access_key(jti: Any) -> str:
    return f"{_PREFIX}at:{_part(jti)}"


def _user_key(user_id: Any) -> str:
    return f"{_PREFIX}user:{_part(user_id)}"


# -- refresh and sliding tokens: the blacklist through the cache ----------------------


def is_blacklisted(jti: Any) -> bool:
    """Whether the token with this id is blacklisted, read through
    BLACKLIST_CACHE when it is set (the database otherwise)."""
    from .token_blacklist.models import BlacklistedToken

    cache = _cache()
    key = _blacklist_key(jti)
    cached = None if cache is None else _cache_get_many(cache, [key])
    if cached is not None and key in cached:
        return bool(cached[key])
    listed = BlacklistedToken.objects.filter(token__jti=jti).exists()
    if cached is not None:
        _cache_write(cache, "add", key, 1 if listed else _NOT_REVOKED, _timeout())
    return listed


def remember_blacklisted(jtis: list[Any]) -> None:
    """Writes revoked refresh-token ids into BLACKLIST_CACHE (after the
    database rows exist)."""
    cache = _cache()
    if cache is None or not jtis:
        return
    values = {_blacklist_key(jti): 1 for jti in jtis}
    # After the commit: a rolled-back revocation must not linger in the
    # cache, and a read racing the commit fills with add(), which this set
    # overwrites.
    transaction.on_commit(lambda: _cache_write(cache, "set_many", values, _timeout()))


def forget_blacklisted(jtis: list[Any]) -> None:
    """Drops cached answers for ids whose blacklist rows were deleted (the
    admin lifting a blacklisting)."""
    cache = _cache()
    if cache is None or not jtis:
        return
    _cache_write(cache, "delete_many", [_blacklist_key(jti) for jti in jtis])


def blacklist_rows(outstanding: Any) -> list[Any]:
    """Blacklists the given OutstandingToken rows (a queryset or list) in
    the database, then in the cache; returns the ids now blacklisted."""
    from .token_blacklist.models import BlacklistedToken

    rows = list(outstanding)
    if not rows:
        return []
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=row) for row in rows], ignore_conflicts=True
    )
    jtis = [row.jti for row in rows]
    remember_blacklisted(jtis)
    return jtis


# -- access tokens --------------------------------------------------------------------


def _refused() -> InvalidToken:
    return InvalidToken(_("Token is blacklisted"))


def _claims(validated_token: Any) -> tuple[Any, Any, Any]:
    payload = getattr(validated_token, "payload", validated_token)
    jti_claim = api_settings.JTI_CLAIM
    return (
        payload.get(jti_claim) if jti_claim else None,
        payload.get(api_settings.USER_ID_CLAIM),
        payload.get("iat"),
    )


def _issued_by_cutoff(iat: Any, cutoff: int) -> bool:
    """Whether a token issued at ``iat`` falls under a revocation made at
    ``cutoff`` (epoch seconds). ``iat`` has whole seconds, so a token issued
    in the same second as the revocation is refused too; a token without a
    usable ``iat`` is refused."""
    if not cutoff:
        return False
    try:
        return float(iat) <= cutoff
    except (TypeError, ValueError):
        return True


def _decide(jti: Any, user_id: Any, iat: Any, cached: dict | None) -> tuple:
    """(revoked, values to add to the cache)."""
    from .token_blacklist.models import RevokedAccessToken, UserTokenRevocation

    fill: dict[str, Any] = {}
    revoked = False
    if jti is not None:
        key = _access_key(jti)
        if cached is not None and key in cached:
            revoked = bool(cached[key])
        else:
            revoked = RevokedAccessToken.objects.filter(jti=db_text(jti)).exists()
            fill[key] = 1 if revoked else _NOT_REVOKED
    if user_id is not None and not revoked:
        key = _user_key(user_id)
        if cached is not None and key in cached:
            cutoff = cached[key]
        else:
            at = (
                UserTokenRevocation.objects.filter(user_id=db_text(user_id))
                .values_list("revoked_at", flat=True)
                .first()
            )
            cutoff = datetime_to_epoch(at) if at is not None else _NOT_REVOKED
            fill[key] = cutoff
        revoked = _issued_by_cutoff(iat, cutoff)
    return revoked, fill


def _keys(jti: Any, user_id: Any) -> list[str]:
    keys = []
    if jti is not None:
        keys.append(_access_key(jti))
    if user_id is not None:
        keys.append(_user_key(user_id))
    return keys


def check_access_token(validated_token: Any) -> None:
    """Refuses a revoked token: revoked by its id, or issued at or before
    its user's last "log out everywhere".

    Raises ``InvalidToken`` (401, ``token_not_valid``, "Token is
    blacklisted"). One cache round trip at most; the database answers what
    the cache does not hold, or everything when the cache is down.
    """
    jti, user_id, iat = _claims(validated_token)
    keys = _keys(jti, user_id)
    if not keys:
        return
    cache = _cache()
    cached = None if cache is None else _cache_get_many(cache, keys)
    revoked, fill = _decide(jti, user_id, iat, cached)
    if fill and cached is not None:
        for key, value in fill.items():
            _cache_write(cache, "add", key, value, _timeout())
    if revoked:
        raise _refused()


async def acheck_access_token(validated_token: Any) -> None:
    """``check_access_token`` for async code: the cache through its async
    API, the database (only on a miss) in a thread."""
    from asgiref.sync import sync_to_async

    jti, user_id, iat = _claims(validated_token)
    keys = _keys(jti, user_id)
    if not keys:
        return
    cache = _cache()
    cached = None
    if cache is not None:
        try:
            cached = await cache.aget_many(keys)
        except Exception as e:
            logger.warning("revocation cache read failed, using the database: %s", e)
    if cached is not None and all(key in cached for key in keys):
        revoked, fill = _decide(jti, user_id, iat, cached)
    else:
        revoked, fill = await sync_to_async(_decide, thread_sensitive=True)(
            jti, user_id, iat, cached
        )
    if fill and cached is not None:
        for key, value in fill.items():
            try:
                await cache.aadd(key, value, _timeout())
            except Exception as e:
                logger.warning("revocation cache add failed: %s", e)
    if revoked:
        raise _refused()


def revoke_access_token(token: Any) -> None:
    """Refuses this access token (any validated token, by its id) from now
    until it expires. Needs ACCESS_TOKEN_REVOCATION for the refusal to be
    checked."""
    from .token_blacklist.models import RevokedAccessToken

    jti, user_id, _iat = _claims(token)
    if jti is None:
        raise InvalidToken(_("Token has no id"))
    payload = getattr(token, "payload", token)
    try:
        expires_at = datetime_from_epoch(payload["exp"])
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as e:
        raise InvalidToken(_("Token is invalid")) from e
    RevokedAccessToken.objects.get_or_create(
        jti=db_text(jti),
        defaults={
            "user_id": "" if user_id is None else db_text(user_id),
            "expires_at": expires_at,
            "revoked_at": aware_utcnow(),
        },
    )
    cache = _cache()
    if cache is not None:
        key = _access_key(jti)
        transaction.on_commit(lambda: _cache_write(cache, "set", key, 1, _timeout()))


# -- log out everywhere ---------------------------------------------------------------


def _user_id_of(user: Any) -> str:
    """The value tokens carry in USER_ID_CLAIM for this user."""
    if isinstance(user, (str, int)):
        return str(user)
    from .models import TokenUser

    if isinstance(user, TokenUser):
        # JWTStatelessUserAuthentication's user: the claim itself.
        return str(user.token[api_settings.USER_ID_CLAIM])
    return str(getattr(user, api_settings.USER_ID_FIELD))


def logout_everywhere(user: Any, *, reason: str = "logout_all") -> dict[str, Any]:
    """Revokes every token of ``user`` (a user object, or the value of its
    USER_ID_FIELD): each of its refresh tokens still in the outstanding list
    is blacklisted and its token families are marked revoked; with
    ACCESS_TOKEN_REVOCATION, every access token issued until now is refused
    too. Returns what was done; sends ``signals.user_tokens_revoked``.
    """
    from .signals import user_tokens_revoked
    from .token_blacklist.models import (
        OutstandingToken,
        TokenFamily,
        UserTokenRevocation,
    )

    user_id = _user_id_of(user)
    stored_id = db_text(user_id)
    now = aware_utcnow()
    with transaction.atomic():
        # Concurrent revocations are safe: blacklist rows are inserted with
        # ignore_conflicts on the unique token column.
        live = OutstandingToken.objects.filter(
            **{f"user__{api_settings.USER_ID_FIELD}": user_id},
            expires_at__gt=now - _leeway(),
            blacklistedtoken__isnull=True,
        ).only("id", "jti")
        jtis = blacklist_rows(live)
        TokenFamily.objects.filter(user_id=stored_id, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason[:32]
        )
        access = bool(api_settings.ACCESS_TOKEN_REVOCATION)
        if access:
            UserTokenRevocation.objects.update_or_create(
                user_id=stored_id, defaults={"revoked_at": now}
            )
            cutoff = datetime_to_epoch(now)
            cache = _cache()
            if cache is not None:
                transaction.on_commit(
                    lambda: _cache_write(
                        cache, "set", _user_key(user_id), cutoff, _timeout()
                    )
                )
    logger.info(
        "revoked the tokens of user %s (%s): %d refresh tokens%s",
        user_id,
        reason,
        len(jtis),
        ", access tokens issued until now" if access else "",
    )
    user_tokens_revoked.send(
        sender=logout_everywhere,
        user_id=user_id,
        refresh_jtis=jtis,
        access_tokens=access,
        reason=reason,
    )
    return {"refresh_tokens": len(jtis), "access_tokens": access}


def _leeway() -> timedelta:
    leeway = api_settings.LEEWAY
    if isinstance(leeway, timedelta):
        return leeway
    if isinstance(leeway, (int, float)) and not isinstance(leeway, bool):
        return timedelta(seconds=leeway)
    return timedelta(0)


def revoked_since(user: Any) -> datetime | None:
    """When ``user``'s tokens were last revoked all at once, if ever."""
    from .token_blacklist.models import UserTokenRevocation

    return (
        UserTokenRevocation.objects.filter(user_id=db_text(_user_id_of(user)))
        .values_list("revoked_at", flat=True)
        .first()
    )
