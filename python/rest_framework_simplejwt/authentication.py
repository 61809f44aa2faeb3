"""DRF authentication classes that read a JSON web token from a request header.

``JWTAuthentication`` runs on every authenticated request, so it does as
little as it can there: settings are read from ``api_settings`` (a plain
attribute once loaded), values derived from them (the accepted header
keywords, the tuple of token classes, the user model) are computed once and
reused until the setting they come from changes, and the token itself is
decoded and verified by the native engine in one call.

Settings changed while the process runs (``override_settings``, or editing
``api_settings`` as upstream's test helpers do) apply from the next request.
The module-level names upstream computed at import, ``AUTH_HEADER_TYPES`` and
``AUTH_HEADER_TYPE_BYTES``, are still here, and read the current settings.
"""

import sys
from typing import Any, TypeVar

from django.conf import settings
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

_module = sys.modules[__name__]
_globals = globals()


class _HeaderTypesNow(tuple):
    """The value of ``AUTH_HEADER_TYPES`` read from this module: the setting
    as it is now, normalised to a tuple."""


class _HeaderKeywordsNow(set):
    """The value of ``AUTH_HEADER_TYPE_BYTES`` read from this module."""


# Code written for upstream may assign AUTH_HEADER_TYPES or
# AUTH_HEADER_TYPE_BYTES on this module (monkeypatching); such a value is used
# instead of the settings. A value of one of the two classes above is only
# what this module handed out, put back by a patch helper's undo (pytest's
# monkeypatch does that): it is ignored, so it cannot freeze the setting.
# Re-running this module (importlib.reload) forgets assigned values, as
# upstream recomputed the names then.
for _name in ("AUTH_HEADER_TYPES", "AUTH_HEADER_TYPE_BYTES"):
    _module.__dict__.pop(_name, None)
del _name

# Each cache pairs the setting value it was derived from with the result. The
# value is compared by identity: api_settings hands out the same object until
# the setting is reloaded or reassigned, so a changed setting is noticed on
# the next request without keeping a second copy of it in sync.
_header_types_cache: tuple[Any, tuple[str, ...], frozenset[bytes]] = (
    object(),
    (),
    frozenset(),
)
_token_classes_cache: tuple[Any, tuple[type[Token], ...]] = (object(), ())
_user_model_cache: tuple[str | None, Any] = (None, None)


def _configured_header_types() -> tuple[tuple[str, ...], frozenset[bytes]]:
    """AUTH_HEADER_TYPES as (names, keywords as bytes)."""
    global _header_types_cache
    configured = api_settings.AUTH_HEADER_TYPES
    cached = _header_types_cache
    if cached[0] is configured:
        return cached[1], cached[2]
    names = (
        tuple(configured) if isinstance(configured, (list, tuple)) else (configured,)
    )
    keywords = frozenset(name.encode(HTTP_HEADER_ENCODING) for name in names)
    _header_types_cache = (configured, names, keywords)
    return names, keywords


def _header_names() -> tuple[str, ...]:
    """The accepted header types, the first naming the WWW-Authenticate scheme."""
    assigned = _module.__dict__.get("AUTH_HEADER_TYPES")
    if assigned is not None and type(assigned) is not _HeaderTypesNow:
        return assigned
    return _configured_header_types()[0]


def _header_keywords() -> frozenset[bytes] | set[bytes]:
    assigned = _globals.get("AUTH_HEADER_TYPE_BYTES")
    if assigned is not None and type(assigned) is not _HeaderKeywordsNow:
        return assigned
    # Runs on every request: the cache check is inlined.
    cached = _header_types_cache
    if cached[0] is api_settings.AUTH_HEADER_TYPES:
        return cached[2]
    return _configured_header_types()[1]


def _token_classes() -> tuple[type[Token], ...]:
    global _token_classes_cache
    configured = api_settings.AUTH_TOKEN_CLASSES
    cached = _token_classes_cache
    if cached[0] is configured:
        return cached[1]
    # A single dotted path (rather than a list of them) imports as one class.
    classes = (
        tuple(configured) if isinstance(configured, (list, tuple)) else (configured,)
    )
    _token_classes_cache = (configured, classes)
    return classes


def _user_model() -> Any:
    """``get_user_model()``, looked up again only when AUTH_USER_MODEL changes."""
    global _user_model_cache
    label = settings.AUTH_USER_MODEL
    cached_label, model = _user_model_cache
    if cached_label == label:
        return model
    model = get_user_model()
    _user_model_cache = (label, model)
    return model


def __getattr__(name: str) -> Any:
    # Upstream computed these once, at import; here they follow the settings.
    if name == "AUTH_HEADER_TYPES":
        return _HeaderTypesNow(_configured_header_types()[0])
    if name == "AUTH_HEADER_TYPE_BYTES":
        return _HeaderKeywordsNow(_configured_header_types()[1])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _CurrentUserModel:
    """``JWTAuthentication.user_model``: the user model the settings name now.

    Upstream looked the model up in ``__init__``, and DRF builds a new
    authenticator for every request; this looks it up once per model change.
    It is a non-data descriptor, so a subclass or an instance can still assign
    its own ``user_model``.
    """

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return _user_model()


class JWTAuthentication(authentication.BaseAuthentication):
    """Authenticates a request by the JSON web token in its AUTH_HEADER_NAME
    header, returning ``(user, validated_token)`` with the user loaded from
    the database."""

    www_authenticate_realm = "api"
    media_type = "application/json"
    user_model = _CurrentUserModel()

    def authenticate(self, request: Request) -> tuple[AuthUser, Token] | None:
        header = self.get_header(request)
        if header is None:
            return None

        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None

        validated_token = self.get_validated_token(raw_token)
        return self.get_user(validated_token), validated_token

    def authenticate_header(self, request: Request) -> str:
        return f'{_header_names()[0]} realm="{self.www_authenticate_realm}"'

    def get_header(self, request: Request) -> bytes | None:
        """The raw AUTH_HEADER_NAME header as bytes, or None if absent."""
        try:
            # A DRF Request forwards META to the Django request through
            # __getattr__, which costs more than the rest of this method.
            meta = request._request.META
        except AttributeError:
            meta = request.META
        header = meta.get(api_settings.AUTH_HEADER_NAME)
        if isinstance(header, str):
            # Django's test client puts str values in META; real servers give
            # latin-1 decoded text, which always encodes back.
            try:
                header = header.encode(HTTP_HEADER_ENCODING)
            except UnicodeEncodeError:
                header = header.encode("utf-8")
        return header

    def get_raw_token(self, header: bytes) -> bytes | None:
        """The token part of ``<type> <token>``, not yet validated; None when
        the header is empty or uses a scheme not in AUTH_HEADER_TYPES."""
        if isinstance(header, str):
            header = header.encode(HTTP_HEADER_ENCODING, "replace")
        parts = header.split()

        if not parts:
            # An empty header.
            return None

        # _header_keywords(), inlined: this runs on every request.
        keywords = _globals.get("AUTH_HEADER_TYPE_BYTES")
        if keywords is None or type(keywords) is _HeaderKeywordsNow:
            cached = _header_types_cache
            if cached[0] is api_settings.AUTH_HEADER_TYPES:
                keywords = cached[2]
            else:
                keywords = _configured_header_types()[1]
        if parts[0] not in keywords:
            # Another scheme (Basic, Token...): not ours to judge.
            return None

        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Authorization header must contain two space-delimited values"),
                code="bad_authorization_header",
            )

        return parts[1]

    def get_validated_token(self, raw_token: bytes) -> Token:
        """The token as the first of AUTH_TOKEN_CLASSES that accepts it.

        If none does, InvalidToken lists each class's reason in ``messages``.
        """
        cached = _token_classes_cache
        classes = (
            cached[1]
            if cached[0] is api_settings.AUTH_TOKEN_CLASSES
            else _token_classes()
        )
        messages = []
        for token_class in classes:
            try:
                return token_class(raw_token)
            except TokenError as e:
                messages.append(
                    {
                        "token_class": token_class.__name__,
                        "token_type": token_class.token_type,
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
        """The user the token's USER_ID_CLAIM names, if allowed to authenticate."""
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as e:
            raise InvalidToken(
                _("Token contained no recognizable user identification")
            ) from e

        user_model = self.user_model
        try:
            user = user_model.objects.get(**{api_settings.USER_ID_FIELD: user_id})
        except (user_model.DoesNotExist, *_UNUSABLE_USER_ID) as e:
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
    """Like ``JWTAuthentication``, but the user is a TOKEN_USER_CLASS built
    from the token's claims: no database query, for services that trust the
    issuer's tokens."""

    def get_user(self, validated_token: Token) -> AuthUser:
        """A TOKEN_USER_CLASS wrapping the token."""
        if api_settings.USER_ID_CLAIM not in validated_token:
            # A TokenUser is nothing but its id claim.
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
    if user is None:
        return False
    return not api_settings.CHECK_USER_IS_ACTIVE or user.is_active
