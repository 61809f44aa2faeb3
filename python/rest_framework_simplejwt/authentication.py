"""DRF authentication classes that read a JSON web token from a request header.

Upstream's classes. The module-level ``AUTH_HEADER_TYPES`` and
``AUTH_HEADER_TYPE_BYTES``, which upstream computed once at import, follow
the settings here; a value assigned to them (``mock.patch``, pytest's
``monkeypatch``) is used instead, as upstream would use it.
"""

from typing import Any, Optional, TypeVar  # noqa: F401 - upstream's module has them

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import HTTP_HEADER_ENCODING, authentication
from rest_framework.request import Request

from . import cookies
from .exceptions import AuthenticationFailed, InvalidToken, TokenError
from .models import TokenUser
from .settings import api_settings
from .tokens import AccessToken, Token, UntypedToken
from .utils import get_md5_hash_password

AuthUser = TypeVar("AuthUser", AbstractBaseUser, TokenUser)

# A user id the user model's field cannot even be compared with ("abc" for an
# integer key, a malformed UUID, a number too large for the column) names no
# user: the request gets a 401, not a server error.
_UNUSABLE_USER_ID = (ValueError, TypeError, OverflowError, ValidationError)


class _FromSettings(tuple):
    """``AUTH_HEADER_TYPES`` as handed out from the settings."""


class _BytesFromSettings(frozenset):
    """``AUTH_HEADER_TYPE_BYTES`` as handed out from the settings."""


# (setting value, names, keywords): derived again when the setting's value
# is another object, so it never outlives the value it came from.
_derived: tuple = (object(), _FromSettings(), _BytesFromSettings())


def _from_settings() -> tuple:
    global _derived
    configured = api_settings.AUTH_HEADER_TYPES
    derived = _derived
    if derived[0] is not configured:
        names = _FromSettings(
            configured if isinstance(configured, (list, tuple)) else (configured,)
        )
        keywords = _BytesFromSettings(n.encode(HTTP_HEADER_ENCODING) for n in names)
        derived = _derived = (configured, names, keywords)
    return derived


_namespace = globals()


def _module_value(name: str, index: int) -> Any:
    """A name of this module as code reads it: an assigned value, else the
    settings'. A value of the marker types is one handed out earlier and put
    back by a patch helper's undo (pytest's monkeypatch does that): it must
    not freeze the setting, so it is ignored."""
    assigned = _namespace.get(name)
    if assigned is None or type(assigned) in (_FromSettings, _BytesFromSettings):
        return _from_settings()[index]
    return assigned


# Re-running this module (importlib.reload) recomputes them, as upstream's did.
globals().pop("AUTH_HEADER_TYPES", None)
globals().pop("AUTH_HEADER_TYPE_BYTES", None)


def __getattr__(name: str) -> Any:
    if name == "AUTH_HEADER_TYPES":
        return _from_settings()[1]
    if name == "AUTH_HEADER_TYPE_BYTES":
        return _from_settings()[2]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _UserModel:
    """``JWTAuthentication.user_model``: upstream sets it in ``__init__`` from
    ``get_user_model()``; here that call is made when the user model is
    first needed, so building an authenticator (DRF does it per request)
    costs nothing for the stateless class."""

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        model = instance.__dict__["user_model"] = get_user_model()
        return model


class JWTAuthentication(authentication.BaseAuthentication):
    """
    An authentication plugin that authenticates requests through a JSON web
    token provided in a request header.
    """

    www_authenticate_realm = "api"
    media_type = "application/json"
    user_model = _UserModel()

    def authenticate(self, request: Request) -> tuple[AuthUser, Token] | None:
        header = self.get_header(request)
        if header is None:
            return None

        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None

        validated_token = self.get_validated_token(raw_token)
        _refuse_if_revoked(validated_token)

        return self.get_user(validated_token), validated_token

    # -- async (issue 14) ------------------------------------------------------
    #
    # The same steps as ``authenticate``, through the same overridable
    # methods and settings read at the call. What is CPU-only (header
    # parsing, the native decode of a stock access token) runs inline; the
    # user lookup uses the async ORM; a step that a subclass or the settings
    # may have made blocking (an overridden method, a token class that reads
    # the blacklist, JWK_URL's HTTP fetch) runs in a thread.

    async def aauthenticate(self, request: Request) -> tuple[AuthUser, Token] | None:
        if _overridden(self, "authenticate", JWTAuthentication):
            # A subclass changed the sync steps: follow them, off the loop.
            return await sync_to_async(self.authenticate)(request)
        header = self.get_header(request)
        if header is None:
            return None

        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None

        return await self._aauthenticate_token(raw_token)

    async def _aauthenticate_token(self, raw_token: bytes) -> tuple[AuthUser, Token]:
        """Validate, refuse a revoked token (with ``ACCESS_TOKEN_REVOCATION``),
        then look the user up."""
        validated_token = await self.aget_validated_token(raw_token)
        if api_settings.ACCESS_TOKEN_REVOCATION:
            from .revocation import acheck_access_token

            await acheck_access_token(validated_token)
        return await self.aget_user(validated_token), validated_token

    async def aget_validated_token(self, raw_token: bytes) -> Token:
        if _decode_is_cpu_only(self):
            return self.get_validated_token(raw_token)
        return await sync_to_async(self.get_validated_token)(raw_token)

    async def aget_user(self, validated_token: Token) -> AuthUser:
        """``get_user`` with ``aget``; an overridden ``get_user`` runs as is,
        in a thread."""
        if _overridden(self, "get_user", JWTAuthentication):
            return await sync_to_async(self.get_user)(validated_token)
        lookup = _user_lookup(validated_token)
        try:
            user = await self.user_model.objects.aget(**lookup)
        except (self.user_model.DoesNotExist, *_UNUSABLE_USER_ID) as e:
            raise _user_not_found() from e

        return self._checked_user(user, validated_token)

    def authenticate_header(self, request: Request) -> str:
        return '{} realm="{}"'.format(
            _module_value("AUTH_HEADER_TYPES", 1)[0],
            self.www_authenticate_realm,
        )

    def get_header(self, request: Request) -> bytes | None:
        """
        Extracts the header containing the JSON web token from the given
        request.
        """
        try:
            # What request.META gives, without DRF's __getattr__ forwarding.
            meta = request._request.META
        except AttributeError:
            meta = request.META
        header = meta.get(api_settings.AUTH_HEADER_NAME)

        if isinstance(header, str):
            # Work around django test client oddness: its META holds str.
            # Servers give latin-1 decoded text, which always encodes back.
            try:
                header = header.encode(HTTP_HEADER_ENCODING)
            except UnicodeEncodeError:
                header = header.encode("utf-8")

        return header

    def get_raw_token(self, header: bytes) -> bytes | None:
        """
        Extracts an unvalidated JSON web token from the given "Authorization"
        header value.
        """
        if isinstance(header, str):
            header = header.encode(HTTP_HEADER_ENCODING, "replace")
        parts = header.split()

        if len(parts) == 0:
            # Empty AUTHORIZATION header sent
            return None

        if parts[0] not in _module_value("AUTH_HEADER_TYPE_BYTES", 2):
            # Assume the header does not contain a JSON web token
            return None

        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Authorization header must contain two space-delimited values"),
                code="bad_authorization_header",
            )

        return parts[1]

    def get_validated_token(self, raw_token: bytes) -> Token:
        """
        Validates an encoded JSON web token and returns a validated token
        wrapper object.
        """
        classes = api_settings.AUTH_TOKEN_CLASSES
        if not isinstance(classes, (list, tuple)):
            # A single dotted path imports as one class.
            classes = (classes,)
        messages = []
        for AuthToken in classes:
            try:
                return AuthToken(raw_token)
            except TokenError as e:
                messages.append(
                    {
                        "token_class": AuthToken.__name__,
                        "token_type": AuthToken.token_type,
                        "message": e.args[0] if e.args else _("Token is invalid"),
                    }
                )

        raise InvalidToken(
            {
                "detail": _("Given token not valid for any token type"),
                "messages": messages,
            }
        )

    def get_user(self, validated_token: Token) -> AuthUser:
        """
        Attempts to find and return a user using the given validated token.
        """
        lookup = _user_lookup(validated_token)
        try:
            user = self.user_model.objects.get(**lookup)
        except (self.user_model.DoesNotExist, *_UNUSABLE_USER_ID) as e:
            raise _user_not_found() from e

        return self._checked_user(user, validated_token)

    def _checked_user(self, user: AuthUser, validated_token: Token) -> AuthUser:
        """What ``get_user`` requires of the user it found (sync and async)."""
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")

        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )

        return user


class JWTStatelessUserAuthentication(JWTAuthentication):
    """
    An authentication plugin that authenticates requests through a JSON web
    token provided in a request header without performing a database lookup to obtain a user instance.
    """

    def get_user(self, validated_token: Token) -> AuthUser:
        """
        Returns a stateless user object which is backed by the given validated
        token.
        """
        if api_settings.USER_ID_CLAIM not in validated_token:
            # The TokenUser class assumes tokens will have a recognizable user
            # identifier claim.
            raise InvalidToken(_("Token contained no recognizable user identification"))

        return api_settings.TOKEN_USER_CLASS(validated_token)

    async def aget_user(self, validated_token: Token) -> AuthUser:
        if _overridden(self, "get_user", JWTStatelessUserAuthentication):
            return await sync_to_async(self.get_user)(validated_token)
        # Built from the token's claims: no query.
        return self.get_user(validated_token)


JWTTokenUserAuthentication = JWTStatelessUserAuthentication


class JWTCookieAuthentication(JWTAuthentication):
    """
    ``JWTAuthentication`` that, when the request has no token in its
    header, reads the access token from the ``AUTH_COOKIE`` cookie. A request
    authenticated by its cookie then goes through Django's CSRF check, as
    DRF's ``SessionAuthentication`` does (unsafe methods need the
    ``X-CSRFToken`` header); one authenticated by its header does not.
    """

    def authenticate(self, request: Request) -> tuple[AuthUser, Token] | None:
        # The header first, through JWTAuthentication's own steps.
        found = super().authenticate(request)
        if found is not None:
            return found

        raw_token = self.get_cookie_token(request)
        if raw_token is None:
            return None
        validated_token = self.get_validated_token(raw_token)
        _refuse_if_revoked(validated_token)
        user = self.get_user(validated_token)
        self.enforce_csrf(request)
        return user, validated_token

    async def aauthenticate(self, request: Request) -> tuple[AuthUser, Token] | None:
        if _overridden(self, "authenticate", JWTCookieAuthentication):
            return await sync_to_async(self.authenticate)(request)
        header = self.get_header(request)
        raw_token = None if header is None else self.get_raw_token(header)
        if raw_token is not None:
            return await self._aauthenticate_token(raw_token)

        raw_token = self.get_cookie_token(request)
        if raw_token is None:
            return None
        result = await self._aauthenticate_token(raw_token)
        if cookies.csrf_needs_session():
            await sync_to_async(self.enforce_csrf)(request)
        else:
            self.enforce_csrf(request)
        return result

    def get_cookie_token(self, request: Request) -> str | None:
        """The access token from the ``AUTH_COOKIE`` cookie, if any."""
        name = api_settings.AUTH_COOKIE
        if not name:
            return None
        return request.COOKIES.get(name) or None

    def enforce_csrf(self, request: Request) -> None:
        cookies.enforce_csrf(request)


class JWTStatelessUserCookieAuthentication(
    JWTCookieAuthentication, JWTStatelessUserAuthentication
):
    """``JWTCookieAuthentication`` with ``JWTStatelessUserAuthentication``'s
    user: a ``TokenUser`` built from the token, no query."""


def _user_lookup(validated_token: Token) -> dict[str, Any]:
    """The user query ``get_user`` makes (sync and async): ``USER_ID_FIELD``
    equal to the token's ``USER_ID_CLAIM``."""
    try:
        user_id = validated_token[api_settings.USER_ID_CLAIM]
    except KeyError as e:
        raise InvalidToken(
            _("Token contained no recognizable user identification")
        ) from e
    return {api_settings.USER_ID_FIELD: user_id}


def _user_not_found() -> AuthenticationFailed:
    return AuthenticationFailed(_("User not found"), code="user_not_found")


def _refuse_if_revoked(validated_token: Token) -> None:
    """Ours, with ``ACCESS_TOKEN_REVOCATION``: refuse a token revoked by its
    id or by its user's "log out everywhere"."""
    if api_settings.ACCESS_TOKEN_REVOCATION:
        from .revocation import check_access_token

        check_access_token(validated_token)


def _overridden(instance: Any, name: str, base: type) -> bool:
    """Has the instance's class replaced ``base``'s method ``name``?"""
    return getattr(type(instance), name) is not getattr(base, name)


_CPU_ONLY_TOKEN_CLASSES = (AccessToken, UntypedToken)


def _decode_is_cpu_only(authenticator: JWTAuthentication) -> bool:
    """Does ``get_validated_token`` only compute (no query, no HTTP)? Stock
    ``get_validated_token`` with stock access/untyped token classes and no
    JWK_URL; a sliding token, for one, reads the blacklist when its app is
    installed."""
    if _overridden(authenticator, "get_validated_token", JWTAuthentication):
        return False
    if api_settings.JWK_URL:
        return False
    classes = api_settings.AUTH_TOKEN_CLASSES
    if not isinstance(classes, (list, tuple)):
        classes = (classes,)
    return all(cls in _CPU_ONLY_TOKEN_CLASSES for cls in classes)


def default_user_authentication_rule(user: AuthUser | None) -> bool:
    """May this user have tokens? Anyone who exists and, unless
    CHECK_USER_IS_ACTIVE is off, is active.

    Django's ``ModelBackend`` already refuses inactive users, but
    ``AllowAllUsersModelBackend`` and custom backends may not; the rule keeps
    the policy the same whichever backend authenticated the credentials.
    """
    return user is not None and (
        not api_settings.CHECK_USER_IS_ACTIVE or user.is_active
    )
