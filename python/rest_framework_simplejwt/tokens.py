"""Token classes: ``AccessToken``, ``RefreshToken``, ``SlidingToken``, ``UntypedToken``.

They behave as upstream's, methods and overrides included. The common paths
are single calls into the native engine: decoding and verifying a raw token
with a stock class, minting a new payload, and deriving an access token. When
a subclass overrides a method those paths would skip (``verify``,
``check_exp``, ``set_exp``...), the Python method runs instead, as upstream
runs it.
"""

import contextlib
import os
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from . import _classwatch, _native, backends, state
from ._classwatch import WatchedClass
from .backends import now_us
from .exceptions import (
    ExpiredTokenError,
    TokenBackendError,
    TokenBackendExpiredToken,
    TokenError,
)
from .models import TokenUser
from .settings import api_settings
from .token_blacklist import is_listed as blacklist_app_listed
from .token_blacklist.models import BlacklistedToken, OutstandingToken
from .utils import (
    aware_utcnow,
    datetime_from_epoch,
    format_lazy,
    get_md5_hash_password,
    logger,
)
from .utils import aware_utcnow as _default_aware_utcnow

if TYPE_CHECKING:
    from .backends import TokenBackend

T = TypeVar("T", bound="Token")

AuthUser = TypeVar("AuthUser", AbstractBaseUser, TokenUser)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_ONE_MICROSECOND = timedelta(microseconds=1)


def _epoch_us(dt: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC, as
    ``datetime_to_epoch`` takes it."""
    epoch = _NAIVE_EPOCH if dt.utcoffset() is None else _EPOCH
    return (dt - epoch) // _ONE_MICROSECOND


class _setting:
    """A class attribute that reads a setting when accessed, so changed
    settings apply to the token classes. Subclasses override it by assigning
    a plain value, as with upstream's class attributes."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return getattr(api_settings, self.name)

    def __repr__(self) -> str:
        return f"<setting {self.name}>"


class _NoCopyClaims:
    """``RefreshToken.no_copy_claims``, following the claim-name settings."""

    _cached: tuple = (None, ())

    def __get__(self, instance: object, owner: type | None = None) -> tuple:
        generation = api_settings.generation
        cached = self._cached
        if cached[0] == generation:
            return cached[1]
        claims = (
            api_settings.TOKEN_TYPE_CLAIM,
            "exp",
            # The configured id claim and the standard one are both left out:
            # a third-party token may carry a custom id next to "jti".
            api_settings.JTI_CLAIM,
            "jti",
            "iat",
        )
        self._cached = (generation, claims)
        return claims


class Token(metaclass=WatchedClass):
    """
    A class which validates and wraps an existing JWT or can be used to build a
    new JWT.
    """

    token_type: str | None = None
    lifetime: timedelta | None = None

    def __init__(
        self, token: Optional["Token | str | bytes"] = None, verify: bool = True
    ) -> None:
        """
        !!!! IMPORTANT !!!! MUST raise a TokenError with a user-facing error
        message if the given token is invalid, expired, or otherwise not safe
        to use.
        """
        self.token = token
        if aware_utcnow is _default_aware_utcnow:
            now = self._now_us = int(time.time() * 1_000_000 + 0.5)
            cls = type(self)
            # The fast paths' cache checks are inlined: this runs per token.
            if token is None:
                entry = _mint_paths.get(cls)
                if entry is None or entry[0] != _classwatch.epoch:
                    entry = _mint_path(cls)
                if entry[1] is not None:
                    self.payload = _native.mint(*entry[1], now)
                    return
            elif verify:
                entry = _decode_paths.get(cls)
                if entry is None or entry[0] != _classwatch.epoch:
                    entry = _decode_path(cls)
                if entry[1] is not None:
                    # A stock class on a stock backend: decoding and
                    # Token.verify in one native call.
                    try:
                        self.payload = entry[1](token, now)
                    except _native.JWTError as e:
                        raise _token_error(e) from e
                    return
        else:
            # A test replaced aware_utcnow: its datetime is "now".
            self.current_time = aware_utcnow()

        if self.token_type is None or self.lifetime is None:
            raise TokenError(_("Cannot create token with no type or lifetime"))

        if token is not None:
            self._load(token, verify)
        else:
            self.payload = {api_settings.TOKEN_TYPE_CLAIM: self.token_type}
            self.set_exp(from_time=self.current_time, lifetime=self.lifetime)
            self.set_iat(at_time=self.current_time)
            self.set_jti()

    def _load(self, token: "Token | str | bytes", verify: bool) -> None:
        backend = self.get_token_backend()
        # As with PyJWT, decoding checks the registered claims (exp, nbf, iat)
        # against the real clock. A replaced aware_utcnow moves only the clock
        # of Token.verify's own checks, so those then run in Python.
        clock_replaced = aware_utcnow is not _default_aware_utcnow
        # Token.verify's checks go to the engine only with the engine's own
        # decode; a replaced decode is followed by verify() in Python.
        stock_decode = backends.is_stock(backend, "decode")
        rules = None
        if verify and stock_decode and not clock_replaced:
            rules = _verify_rules(type(self))
        try:
            if stock_decode:
                decode_now = now_us() if clock_replaced else self._now_us
                self.payload = backend._decode_native(token, verify, decode_now, rules)
            else:
                self.payload = backend.decode(token, verify=verify)
        except _native.JWTError as e:
            raise _token_error(e) from e
        except TokenBackendExpiredToken as e:
            raise ExpiredTokenError(_("Token is expired")) from e
        except TokenBackendError as e:
            raise TokenError(_("Token is invalid")) from e
        if verify and rules is None:
            self.verify()

    @property
    def current_time(self) -> datetime:
        try:
            return self.__dict__["_current_time"]
        except KeyError:
            now = self.__dict__["_current_time"] = datetime_from_epoch(
                self._now_us / 1_000_000
            )
            return now

    @current_time.setter
    def current_time(self, value: datetime) -> None:
        self.__dict__["_current_time"] = value
        self._now_us = _epoch_us(value)

    def __repr__(self) -> str:
        return repr(self.payload)

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.payload[key] = value

    def __delitem__(self, key: str) -> None:
        del self.payload[key]

    def __contains__(self, key: str) -> Any:
        return key in self.payload

    def get(self, key: str, default: Any | None = None) -> Any:
        return self.payload.get(key, default)

    def __str__(self) -> str:
        """
        Signs and returns a token as a base64 encoded string.
        """
        entry = _encode_paths.get(type(self))
        if entry is None or entry[0] != _classwatch.epoch:
            entry = _encode_path(type(self))
        if entry[1] is not None:
            try:
                return entry[1](self.payload)
            except _native.JWTError:
                pass  # values for json.dumps, or a key error: the backend reports it
        return self.get_token_backend().encode(self.payload)

    def verify(self) -> None:
        """
        Performs additional validation steps which were not performed when this
        token was decoded.  This method is part of the "public" API to indicate
        the intention that it may be overridden in subclasses.
        """
        # RFC 7519 makes "exp" optional; authorization tokens must expire.
        self.check_exp()

        if (
            api_settings.JTI_CLAIM is not None
            and api_settings.JTI_CLAIM not in self.payload
        ):
            raise TokenError(_("Token has no id"))

        if api_settings.TOKEN_TYPE_CLAIM is not None:
            self.verify_token_type()

    def verify_token_type(self) -> None:
        """
        Ensures that the token type claim is present and has the correct value.
        """
        try:
            token_type = self.payload[api_settings.TOKEN_TYPE_CLAIM]
        except KeyError as e:
            raise TokenError(_("Token has no type")) from e

        if self.token_type != token_type:
            raise TokenError(_("Token has wrong type"))

    def set_jti(self) -> None:
        """
        Populates the configured jti claim of a token with a string where there
        is a negligible probability that the same string will be chosen at a
        later time.

        See here:
        https://tools.ietf.org/html/rfc7519#section-4.1.7
        """
        self.payload[api_settings.JTI_CLAIM] = _native.new_jti()

    def set_exp(
        self,
        claim: str = "exp",
        from_time: datetime | None = None,
        lifetime: timedelta | None = None,
    ) -> None:
        """
        Updates the expiration time of a token.

        See here:
        https://tools.ietf.org/html/rfc7519#section-4.1.4
        """
        start = self._now_us if from_time is None else _epoch_us(from_time)
        if lifetime is None:
            lifetime = self.lifetime
        self.payload[claim] = (start + lifetime // _ONE_MICROSECOND) // 1_000_000

    def set_iat(self, claim: str = "iat", at_time: datetime | None = None) -> None:
        """
        Updates the time at which the token was issued.

        See here:
        https://tools.ietf.org/html/rfc7519#section-4.1.6
        """
        at = self._now_us if at_time is None else _epoch_us(at_time)
        self.payload[claim] = at // 1_000_000

    def check_exp(
        self, claim: str = "exp", current_time: datetime | None = None
    ) -> None:
        """
        Checks whether a timestamp value in the given claim has passed (since
        the given datetime value in `current_time`).  Raises a TokenError with
        a user-facing error message if so.
        """
        if current_time is None:
            current_time = self.current_time

        try:
            claim_value = self.payload[claim]
        except KeyError as e:
            raise TokenError(format_lazy(_("Token has no '{}' claim"), claim)) from e

        try:
            claim_time = datetime_from_epoch(claim_value)
        except (TypeError, ValueError, OverflowError, OSError) as e:
            # Not a timestamp at all: a malformed token, not a server error.
            raise TokenError(_("Token is invalid")) from e
        leeway = self.get_token_backend().get_leeway()
        if claim_time <= current_time - leeway:
            raise TokenError(format_lazy(_("Token '{}' claim has expired"), claim))

    def outstand(self) -> OutstandingToken | None:
        """
        Ensures this token is included in the outstanding token list and
        adds it to the outstanding token list if not.
        """
        return None

    @classmethod
    def for_user(cls: type[T], user: AuthUser) -> T:
        """
        Returns an authorization token for the given user that will be provided
        after authenticating the user's credentials.
        """
        if hasattr(user, "is_active") and not user.is_active:
            logger.warning(
                f"Creating token for inactive user: {user.id}. If this is not intentional, "
                "consider checking the user's status before calling the `for_user` method."
            )

        user_id = str(getattr(user, api_settings.USER_ID_FIELD))

        entry = _mint_paths.get(cls)
        if entry is None or entry[0] != _classwatch.epoch:
            entry = _mint_path(cls)
        if entry[1] is not None and entry[2] and aware_utcnow is _default_aware_utcnow:
            # What cls() and the item assignment below do, without running
            # the stock __init__ and __setitem__ through Python.
            token = _native.new_token(
                cls, *entry[1], int(time.time() * 1_000_000 + 0.5)
            )
            token.payload[api_settings.USER_ID_CLAIM] = user_id
        else:
            token = cls()
            token[api_settings.USER_ID_CLAIM] = user_id

        if api_settings.CHECK_REVOKE_TOKEN:
            token[api_settings.REVOKE_TOKEN_CLAIM] = get_md5_hash_password(
                user.password
            )

        return token

    _token_backend: Optional["TokenBackend"] = None

    @property
    def token_backend(self) -> "TokenBackend":
        if self._token_backend is None:
            return state.current_token_backend()
        return self._token_backend

    def get_token_backend(self) -> "TokenBackend":
        # Backward compatibility.
        return self.token_backend


class BlacklistMixin(Generic[T], metaclass=WatchedClass):
    """
    If the `rest_framework_simplejwt.token_blacklist` app was configured to be
    used, tokens created from `BlacklistMixin` subclasses will insert
    themselves into an outstanding token list and also check for their
    membership in a token blacklist.
    """

    payload: dict[str, Any]

    if blacklist_app_listed():

        def verify(self, *args: Any, **kwargs: Any) -> None:
            self.check_blacklist()

            super().verify(*args, **kwargs)  # type: ignore[misc]

        def check_blacklist(self) -> None:
            """
            Checks if this token is present in the token blacklist.  Raises
            `TokenError` if so.
            """
            try:
                jti = self.payload[api_settings.JTI_CLAIM]
            except KeyError as e:
                # Upstream raised the KeyError (a 500) for a correctly signed
                # token without an id; verify() refuses it with this message.
                raise TokenError(_("Token has no id")) from e

            if BlacklistedToken.objects.filter(token__jti=jti).exists():
                raise TokenError(_("Token is blacklisted"))

        def blacklist(self) -> tuple[BlacklistedToken, bool]:
            """
            Ensures this token is included in the outstanding token list and
            adds it to the blacklist.
            """
            token, _created = self._outstanding_row()
            return BlacklistedToken.objects.get_or_create(token=token)

        def outstand(self) -> tuple[OutstandingToken, bool]:
            """
            Ensures this token is included in the outstanding token list and
            adds it to the outstanding token list if not.
            """
            return self._outstanding_row()

        def _outstanding_row(self) -> tuple[OutstandingToken, bool]:
            return OutstandingToken.objects.get_or_create(
                jti=self.payload[api_settings.JTI_CLAIM],
                defaults={
                    "user": _user_of(self.payload.get(api_settings.USER_ID_CLAIM)),
                    "created_at": self.current_time,  # type: ignore[attr-defined]
                    "token": str(self),
                    "expires_at": datetime_from_epoch(self.payload["exp"]),
                },
            )

        @classmethod
        def for_user(cls: type[T], user: AuthUser) -> T:
            """
            Adds this token to the outstanding token list.
            """
            token = super().for_user(user)  # type: ignore[misc]

            OutstandingToken.objects.create(
                user=user,
                jti=token[api_settings.JTI_CLAIM],
                token=str(token),
                created_at=token.current_time,
                expires_at=datetime_from_epoch(token["exp"]),
            )

            return token


def _user_of(user_id: Any) -> AbstractBaseUser | None:
    """The user a token names, or None if there is no such user."""
    if user_id is None:
        return None
    User = get_user_model()
    try:
        return User.objects.get(**{api_settings.USER_ID_FIELD: user_id})
    except (User.DoesNotExist, ValueError, TypeError, ValidationError):
        # No such user, or an id the user model's field refuses.
        return None


class SlidingToken(BlacklistMixin["SlidingToken"], Token):
    token_type = "sliding"
    lifetime = _setting("SLIDING_TOKEN_LIFETIME")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        if self.token is None:
            # Set sliding refresh expiration claim if new token
            self.set_exp(
                api_settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM,
                from_time=self.current_time,
                lifetime=api_settings.SLIDING_TOKEN_REFRESH_LIFETIME,
            )


class AccessToken(Token):
    token_type = "access"
    lifetime = _setting("ACCESS_TOKEN_LIFETIME")


class RefreshToken(BlacklistMixin["RefreshToken"], Token):
    token_type = "refresh"
    lifetime = _setting("REFRESH_TOKEN_LIFETIME")
    no_copy_claims = _NoCopyClaims()
    access_token_class = AccessToken

    @property
    def access_token(self) -> AccessToken:
        """
        Returns an access token created from this refresh token.  Copies all
        claims present in this refresh token to the new access token except
        those claims listed in the `no_copy_claims` attribute.
        """
        cls = self.access_token_class
        if aware_utcnow is _default_aware_utcnow:
            entry = _mint_paths.get(cls)
            if entry is None or entry[0] != _classwatch.epoch:
                entry = _mint_path(cls)
            if entry[1] is not None and entry[2]:
                # What the Python path below does, in one native call: a new
                # instance whose payload expires relative to this token, with
                # its claims.
                return _native.new_token(
                    cls,
                    *entry[1],
                    int(time.time() * 1_000_000 + 0.5),
                    self._now_us,
                    self.payload,
                    self.no_copy_claims,
                )

        access = cls()

        # The pair expires relative to the same moment: the refresh token's
        # creation, not the access token's.
        access.set_exp(from_time=self.current_time)

        no_copy = self.no_copy_claims
        if type(access).__setitem__ is _STOCK["__setitem__"]:
            _native.copy_claims(self.payload, access.payload, no_copy)
        else:
            for claim, value in self.payload.items():
                if claim not in no_copy:
                    access[claim] = value

        return access


class UntypedToken(Token):
    token_type = "untyped"
    lifetime = timedelta(seconds=0)

    def verify_token_type(self) -> None:
        """
        Untyped tokens do not verify the "token_type" claim.  This is useful
        when performing general validation of a token's signature and other
        properties which do not relate to the token's intended use.
        """
        pass


# The engine's random generator (token ids) seeds itself on first use in each
# process, which takes tens of milliseconds: do it in the background now and
# in every forked server worker, not on a request.
_native.warm_random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_native.warm_random)

# Each fast path is cached per class with the epoch it was built at
# (_classwatch explains what moves it); an entry from an older epoch is
# rebuilt, and an entry holding None sends the class down the Python path.
# Entries are tuples read inline by the hot methods above:
#   decode: (epoch, TokenDecoder)        encode: (epoch, engine.encode)
#   mint:   (epoch, mint arguments, may build instances without __init__:
#            for_user and RefreshToken.access_token then use new_token)
# A fast path applies while a class keeps the methods it would skip as
# defined here; an override anywhere in its MRO sends it down the Python path.

_decode_paths: dict[type, tuple] = {}
_mint_paths: dict[type, tuple] = {}
_encode_paths: dict[type, tuple] = {}

# __init__ methods that set nothing before Token.__init__ runs (a subclass's
# own __init__ might set self.lifetime first, which Token.__init__ must see).
# Filled in once the classes exist, below.
_STOCK_INITS: tuple = ()


def _uses_settings_backend(cls: type) -> bool:
    # At class level the token_backend property is the property object.
    return (
        cls.get_token_backend is _STOCK["get_token_backend"]
        and cls.token_backend is _STOCK["token_backend"]
        and cls._token_backend is None
    )


def _stock_backend() -> Any:
    """The shared backend, brought up to date with the settings, if it is a
    TokenBackend (not a replacement or a mock); else None."""
    backend = state.current_token_backend()
    return backend if isinstance(backend, state.TokenBackend) else None


def _decode_path(cls: type) -> tuple:
    backend = _stock_backend()
    decoder = None
    if (
        backend is not None
        and cls.__init__ in _STOCK_INITS
        and cls.token_type is not None
        and _uses_settings_backend(cls)
    ):
        rules = _verify_rules(cls)
        if rules is not None:
            decoder = backend._token_decoder(*rules)
    # The epoch is read last: bringing the backend up to date may move it.
    entry = _decode_paths[cls] = (_classwatch.epoch, decoder)
    return entry


def _mint_path(cls: type) -> tuple:
    lifetime = cls.lifetime
    mint = None
    if (
        cls.__init__ in _STOCK_INITS
        and cls.token_type is not None
        and isinstance(lifetime, timedelta)
        and cls.set_exp is _STOCK["set_exp"]
        and cls.set_iat is _STOCK["set_iat"]
        and cls.set_jti is _STOCK["set_jti"]
    ):
        mint = (
            api_settings.TOKEN_TYPE_CLAIM,
            cls.token_type,
            lifetime // _ONE_MICROSECOND,
            api_settings.JTI_CLAIM,
        )
    # for_user and RefreshToken.access_token may build the instance
    # themselves when __init__ would do nothing else, and set claims past a
    # stock __setitem__.
    bypass_init = (
        cls.__init__ is _STOCK["__init__"]
        and cls.__setitem__ is _STOCK["__setitem__"]
        # new_token calls object.__new__, which refuses abstract classes too.
        and cls.__new__ is object.__new__
    )
    entry = _mint_paths[cls] = (_classwatch.epoch, mint, bypass_init)
    return entry


def _encode_path(cls: type) -> tuple:
    backend = _stock_backend()
    encode = None
    if (
        backend is not None
        and _uses_settings_backend(cls)
        and backends.is_stock(backend, "encode")
    ):
        with contextlib.suppress(TokenBackendError):  # reported when used
            encode = backend._engine.encode
    entry = _encode_paths[cls] = (_classwatch.epoch, encode)
    return entry


# The methods as defined here, captured before anything could patch them:
# a fast path applies only while a class still uses these.
_STOCK = {
    name: Token.__dict__[name]
    for name in (
        "__init__",
        "__setitem__",
        "verify",
        "check_exp",
        "verify_token_type",
        "set_exp",
        "set_iat",
        "set_jti",
        "get_token_backend",
        "token_backend",
    )
}
_STOCK_UNTYPED_CHECK = UntypedToken.__dict__["verify_token_type"]
_STOCK_INITS = (Token.__init__, SlidingToken.__init__)


def _verify_rules(cls: type) -> tuple | None:
    """``Token.verify`` as (type claim, expected type, jti claim) for the
    engine, or None when the class verifies differently."""
    if cls.verify is not _STOCK["verify"] or cls.check_exp is not _STOCK["check_exp"]:
        return None
    type_claim = api_settings.TOKEN_TYPE_CLAIM
    jti_claim = api_settings.JTI_CLAIM
    check_type = cls.verify_token_type
    if check_type is _STOCK_UNTYPED_CHECK or type_claim is None:
        expected = None
    elif check_type is _STOCK["verify_token_type"] and isinstance(cls.token_type, str):
        expected = cls.token_type
    else:
        return None
    if not (
        (type_claim is None or isinstance(type_claim, str))
        and (jti_claim is None or isinstance(jti_claim, str))
    ):
        return None
    return (type_claim, expected, jti_claim)


def _token_error(error: "_native.JWTError") -> Exception:
    kind = error.args[0]
    if kind == "expired":
        return ExpiredTokenError(_("Token is expired"))
    if kind == "no_claim":
        return TokenError(format_lazy(_("Token has no '{}' claim"), error.args[2]))
    if kind == "no_id":
        return TokenError(_("Token has no id"))
    if kind == "no_type":
        return TokenError(_("Token has no type"))
    if kind == "wrong_type":
        return TokenError(_("Token has wrong type"))
    if kind == "key":
        # The configured key is unusable: a server problem, not a bad token.
        return ImproperlyConfigured(f"SIMPLE_JWT key settings: {error.args[1]}")
    return TokenError(_("Token is invalid"))
