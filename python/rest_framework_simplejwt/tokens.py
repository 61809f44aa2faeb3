"""Token classes: ``AccessToken``, ``RefreshToken``, ``SlidingToken``, ``UntypedToken``.

They are upstream's classes, method for method. Where a native call can stand
in for a chain of those methods (decoding and verifying a raw token, minting
a new payload, deriving an access token) it is taken only when
``_native_path`` shows at that call that the result is what the Python
methods would produce; otherwise the Python methods run, as upstream runs
them.
"""

import os
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar
from uuid import uuid4

from django.conf import settings  # noqa: F401 - upstream's module has it
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import _native, _native_path
from .exceptions import (
    ExpiredTokenError,
    TokenBackendError,
    TokenBackendExpiredToken,
    TokenError,
)
from .models import TokenUser
from .settings import api_settings
from .token_blacklist import is_listed as _blacklist_app_listed
from .token_blacklist.models import BlacklistedToken, OutstandingToken
from .utils import (
    aware_utcnow,
    datetime_from_epoch,
    datetime_to_epoch,
    format_lazy,
    get_md5_hash_password,
    logger,
)

if TYPE_CHECKING:
    from .backends import TokenBackend

T = TypeVar("T", bound="Token")

AuthUser = TypeVar("AuthUser", AbstractBaseUser, TokenUser)


def _setting(name: str) -> Any:
    """A class attribute holding ``api_settings.<name>`` as it is now (this
    module's ``api_settings``, patched or not), so that ``AccessToken.lifetime``
    follows ``override_settings``. A subclass overrides it by assigning a
    value, as with upstream's attributes."""
    return _native.SettingAttribute(globals(), name)


class Token:
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
        lifetime = self.lifetime
        if self.token_type is None or lifetime is None:
            raise TokenError(_("Cannot create token with no type or lifetime"))

        try:
            native = _native_path.guard.token_init(self, token, verify, lifetime)
        except _native.JWTError as e:
            raise _token_error(e) from e
        self.token = token
        if native is not None:
            # Decoded (with verify()'s checks) or minted in one native call.
            # The clock was read in microseconds; current_time is made from
            # them when first read.
            self.payload, self._now_us = native
            return

        self.current_time = aware_utcnow()

        # Set up token
        if token is not None:
            # An encoded token was provided
            token_backend = self.get_token_backend()

            # Decode token
            try:
                self.payload = token_backend.decode(token, verify=verify)
            except TokenBackendExpiredToken as e:
                raise ExpiredTokenError(_("Token is expired")) from e
            except TokenBackendError as e:
                raise TokenError(_("Token is invalid")) from e

            if verify:
                self.verify()
        else:
            # New token.  Skip all the verification steps.
            self.payload = {api_settings.TOKEN_TYPE_CLAIM: self.token_type}

            # Set "exp" and "iat" claims with default value
            self.set_exp(from_time=self.current_time, lifetime=self.lifetime)
            self.set_iat(at_time=self.current_time)

            # Set "jti" claim
            self.set_jti()

    # Upstream sets current_time in __init__; the native paths leave it to be
    # made from _now_us when first read (it is then an instance attribute).
    current_time = _native_path.CurrentTime()

    def __getstate__(self) -> dict[str, Any]:
        # Pickled with current_time, as upstream's tokens are, so that either
        # package unpickles the other's.
        state = self.__dict__.copy()
        if "_now_us" in state:
            state["current_time"] = self.current_time
            del state["_now_us"]
        return state

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
        encoded = _native_path.guard.token_str(self)
        if encoded is not None:
            # The stock backend's encode, in one native call.
            return encoded
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
        self.payload[api_settings.JTI_CLAIM] = uuid4().hex

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
        if from_time is None:
            from_time = self.current_time

        if lifetime is None:
            lifetime = self.lifetime

        self.payload[claim] = datetime_to_epoch(from_time + lifetime)

    def set_iat(self, claim: str = "iat", at_time: datetime | None = None) -> None:
        """
        Updates the time at which the token was issued.

        See here:
        https://tools.ietf.org/html/rfc7519#section-4.1.6
        """
        if at_time is None:
            at_time = self.current_time

        self.payload[claim] = datetime_to_epoch(at_time)

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

        user_id = getattr(user, api_settings.USER_ID_FIELD)
        user_id = str(user_id)

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
            # Looked up at each use, not kept on the instance as upstream
            # does: a pickled token then carries no signing key.
            return import_string("rest_framework_simplejwt.state.token_backend")
        return self._token_backend

    def get_token_backend(self) -> "TokenBackend":
        # Backward compatibility.
        return self.token_backend


class BlacklistMixin(Generic[T]):
    """
    If the `rest_framework_simplejwt.token_blacklist` app was configured to be
    used, tokens created from `BlacklistMixin` subclasses will insert
    themselves into an outstanding token list and also check for their
    membership in a token blacklist.
    """

    payload: dict[str, Any]

    if _blacklist_app_listed():

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

            if api_settings.BLACKLIST_CACHE:
                # Ours: read through the cache, the database behind it.
                from .revocation import is_blacklisted

                if is_blacklisted(jti):
                    raise TokenError(_("Token is blacklisted"))
            elif BlacklistedToken.objects.filter(token__jti=jti).exists():
                raise TokenError(_("Token is blacklisted"))

        def blacklist(self) -> tuple[BlacklistedToken, bool]:
            """
            Ensures this token is included in the outstanding token list and
            adds it to the blacklist.
            """
            token, _created = _outstanding_row(self)
            result = BlacklistedToken.objects.get_or_create(token=token)
            if api_settings.BLACKLIST_CACHE:
                from .revocation import remember_blacklisted

                remember_blacklisted([token.jti])
            return result

        def outstand(self) -> tuple[OutstandingToken, bool]:
            """
            Ensures this token is included in the outstanding token list and
            adds it to the outstanding token list if not.
            """
            return _outstanding_row(self)

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


def _outstanding_row(token: Any) -> tuple[OutstandingToken, bool]:
    """The token's OutstandingToken row, created if missing."""
    return OutstandingToken.objects.get_or_create(
        jti=token.payload[api_settings.JTI_CLAIM],
        defaults={
            "user": _user_of(token.payload.get(api_settings.USER_ID_CLAIM)),
            "created_at": token.current_time,
            "token": str(token),
            "expires_at": datetime_from_epoch(token.payload["exp"]),
        },
    )


def _user_of(user_id: Any) -> AbstractBaseUser | None:
    """The user a token names, or None if there is no such user."""
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


class _NoCopyClaims:
    """``RefreshToken.no_copy_claims``, following the claim-name settings."""

    def __get__(self, instance: object, owner: type | None = None) -> tuple:
        return (
            api_settings.TOKEN_TYPE_CLAIM,
            "exp",
            # The configured id claim and the standard one are both left out:
            # a third-party token may carry a custom id next to "jti".
            api_settings.JTI_CLAIM,
            "jti",
            "iat",
        )


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
        access = self.access_token_class()

        # Use instantiation time of refresh token as relative timestamp for
        # access token "exp" claim.  This ensures that both a refresh and
        # access token expire relative to the same time if they are created as
        # a pair.
        if not _native_path.set_exp_from(access, self):
            access.set_exp(from_time=self.current_time)

        no_copy = self.no_copy_claims
        if _native_path.stock_setitem(access, self.payload):
            _native.copy_claims(self.payload, access.payload, no_copy)
        else:
            for claim, value in self.payload.items():
                if claim in no_copy:
                    continue
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


_native_path.capture_stock(globals())

# The engine's random generator (token ids) seeds itself on first use in each
# process, which takes tens of milliseconds: do it in the background now and
# in every forked server worker, not on a request.
_native.warm_random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_native.warm_random)
