"""DRF authentication classes that read a JSON web token from a request header.

Upstream's classes. The module-level ``AUTH_HEADER_TYPES`` and
``AUTH_HEADER_TYPE_BYTES``, which upstream computed once at import, follow
the settings here; a value assigned to them (``mock.patch``, pytest's
``monkeypatch``) is used instead, as upstream would use it.
"""

from typing import Any, Optional, TypeVar  # noqa: F401 - upstream's module has them

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import HTTP_HEADER_ENCODING, authentication
from rest_framework.request import Request

from .exceptions import AuthenticationFailed, InvalidToken, TokenError
from .models import TokenUser
from .settings import api_settings
from .tokens import Token
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
        if api_settings.ACCESS_TOKEN_REVOCATION:
            # Ours: refused if revoked (by id, or by "log out everywhere").
            from .revocation import check_access_token

            check_access_token(validated_token)

        return self.get_user(validated_token), validated_token

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
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as e:
            raise InvalidToken(
                _("Token contained no recognizable user identification")
            ) from e

        try:
            user = self.user_model.objects.get(**{api_settings.USER_ID_FIELD: user_id})
        except (self.user_model.DoesNotExist, *_UNUSABLE_USER_ID) as e:
            raise AuthenticationFailed(
                _("User not found"), code="user_not_found"
            ) from e

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


JWTTokenUserAuthentication = JWTStatelessUserAuthentication


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
