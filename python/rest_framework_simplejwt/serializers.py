"""Serializers behind the token views: log in, refresh, verify, blacklist.

Everything here reads ``api_settings`` when a request is validated, never at
import, so settings changed while the process runs (``override_settings``,
INSTALLED_APPS included) apply to the next request.

Besides upstream 5.5.1's behaviour, this follows upstream's main branch:

* ``ON_LOGIN_FAILED`` is called with the credentials (password masked) when a
  login is refused, and ``ON_LOGIN_SUCCESS`` replaces the direct
  ``update_last_login`` call made when ``UPDATE_LAST_LOGIN`` is on;
* refreshing a token of a deleted user is refused with ``no_active_account``
  (401), as for an inactive one, and so is sliding-token refresh;
* with ``CHECK_REVOKE_TOKEN``, a refresh or sliding token issued before the
  user's password changed is refused with ``password_changed`` and, if the
  blacklist app is installed, blacklisted.

And it closes a race upstream has: with ``BLACKLIST_AFTER_ROTATION``, one
refresh token used by concurrent requests (a stolen token replayed while its
owner refreshes, or a logout racing a refresh) rotates exactly once; the
other requests are refused with "Token is blacklisted" (401).
"""

import re
from typing import Any, Optional, TypeVar  # noqa: F401 - upstream's module has Optional

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser, update_last_login
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.request import Request

from .authentication import _UNUSABLE_USER_ID
from .exceptions import TokenError
from .models import TokenUser
from .settings import api_settings
from .token_blacklist import is_listed
from .token_blacklist.models import BlacklistedToken
from .tokens import RefreshToken, SlidingToken, Token, UntypedToken
from .utils import get_md5_hash_password

try:
    # What Django itself passes to the user_login_failed signal.
    from django.contrib.auth import _clean_credentials
except ImportError:  # pragma: no cover - a future Django without the helper
    _SENSITIVE = re.compile("api|token|key|secret|password|signature", re.IGNORECASE)

    def _clean_credentials(credentials: dict[str, Any]) -> dict[str, Any]:
        return {
            name: "*" * 20 if _SENSITIVE.search(name) else value
            for name, value in credentials.items()
        }


AuthUser = TypeVar("AuthUser", AbstractBaseUser, TokenUser)


def _blacklist_installed() -> bool:
    return is_listed(settings.INSTALLED_APPS)


def _blacklist(token: Token) -> None:
    """Blacklist the token if its class can: refresh and sliding tokens have
    ``blacklist()`` only while the blacklist app is installed."""
    blacklist = getattr(token, "blacklist", None)
    if blacklist is not None:
        blacklist()


def _blacklist_or_refuse(token: Token) -> None:
    """Blacklist the token, refusing it if it already was.

    Rotation and logout use a refresh token up. Requests carrying the same
    token at the same moment all pass ``check_blacklist`` before any of them
    blacklists it, so that check alone let each of them through (upstream
    does). The unique constraint on ``BlacklistedToken.token`` decides
    instead: ``blacklist()`` returns ``get_or_create``'s ``(row, created)``,
    and only the request whose insert created the row goes on; the others
    are refused as if they had come after it. A ``blacklist()`` overridden to
    return something else keeps the check-then-act behaviour.
    """
    blacklist = getattr(token, "blacklist", None)
    if blacklist is None:
        return
    result = blacklist()
    if isinstance(result, tuple) and len(result) == 2 and result[1] is False:
        raise TokenError(_("Token is blacklisted"))


class PasswordField(serializers.CharField):
    """A write-only text field that form renderers show as a password input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["style"] = {**kwargs.get("style", {}), "input_type": "password"}
        kwargs["write_only"] = True
        super().__init__(*args, **kwargs)


class _UsernameField:
    """``TokenObtainSerializer.username_field``: the current user model's
    ``USERNAME_FIELD``. Subclasses may set a plain string instead."""

    def __get__(self, instance: object, owner: type | None = None) -> str:
        return get_user_model().USERNAME_FIELD


class TokenObtainSerializer(serializers.Serializer):
    """Checks a username and password; subclasses add the tokens to return."""

    username_field = _UsernameField()
    token_class: type[Token] | None = None

    default_error_messages = {
        "no_active_account": _("No active account found with the given credentials")
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = serializers.CharField(write_only=True)
        self.fields["password"] = PasswordField()

    def validate(self, attrs: dict[str, Any]) -> dict[Any, Any]:
        request = self.context.get("request")
        username_field = self.username_field
        self.user = authenticate(
            request,
            **{username_field: attrs[username_field], "password": attrs["password"]},
        )

        if not api_settings.USER_AUTHENTICATION_RULE(self.user):
            on_failure = api_settings.ON_LOGIN_FAILED
            if on_failure is not None:
                on_failure(_clean_credentials(attrs), request)
            raise exceptions.AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            )

        return {}

    @classmethod
    def get_token(cls, user: AuthUser) -> Token:
        return cls.token_class.for_user(user)  # type: ignore[union-attr]

    def _logged_in(self) -> None:
        if api_settings.UPDATE_LAST_LOGIN:
            on_success = api_settings.ON_LOGIN_SUCCESS
            if on_success is not None:
                on_success(self.user, self.context.get("request"))


class TokenObtainPairSerializer(TokenObtainSerializer):
    token_class = RefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        data = super().validate(attrs)

        refresh = self.get_token(self.user)
        data["refresh"] = str(refresh)
        data["access"] = str(refresh.access_token)

        self._logged_in()
        return data


class TokenObtainSlidingSerializer(TokenObtainSerializer):
    token_class = SlidingToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        data = super().validate(attrs)

        data["token"] = str(self.get_token(self.user))

        self._logged_in()
        return data


def _check_token_user(serializer: serializers.Serializer, token: Token) -> None:
    """Refuse to renew a token whose user is gone, may not log in, or (with
    CHECK_REVOKE_TOKEN) has changed password since the token was issued.

    A token without a user id (made by hand, as upstream allows) is not
    checked.
    """
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    if not user_id:
        return

    def no_active_account() -> AuthenticationFailed:
        # Built only when refusing: rendering the message costs a translation.
        return AuthenticationFailed(
            serializer.error_messages["no_active_account"], "no_active_account"
        )

    user_model = get_user_model()
    try:
        user = user_model.objects.get(**{api_settings.USER_ID_FIELD: user_id})
    except (user_model.DoesNotExist, *_UNUSABLE_USER_ID) as e:
        raise no_active_account() from e

    if not api_settings.USER_AUTHENTICATION_RULE(user):
        raise no_active_account()

    if api_settings.CHECK_REVOKE_TOKEN and token.payload.get(
        api_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        # A token issued under the old password must not be tried again.
        if _blacklist_installed():
            _blacklist(token)
        raise AuthenticationFailed(
            serializer.error_messages["password_changed"], "password_changed"
        )


_RENEWAL_ERRORS = {
    "no_active_account": _("No active account found for the given token."),
    "password_changed": _("The user's password has been changed."),
}


class TokenRefreshSerializer(serializers.Serializer):
    """Takes a refresh token; returns an access token, and with
    ROTATE_REFRESH_TOKENS a new refresh token too."""

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)
    token_class = RefreshToken

    default_error_messages = dict(_RENEWAL_ERRORS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        if api_settings.REFRESH_TOKEN_REUSE_DETECTION:
            from . import families

            if families.enabled():
                return families.rotate(self, attrs["refresh"])

        refresh = self.token_class(attrs["refresh"])
        _check_token_user(self, refresh)

        data = {"access": str(refresh.access_token)}

        if api_settings.ROTATE_REFRESH_TOKENS:
            if api_settings.BLACKLIST_AFTER_ROTATION:
                # Exactly one of concurrent refreshes of this token (or a
                # logout racing them) gets past this line.
                _blacklist_or_refuse(refresh)

            # The same token object becomes the new refresh token.
            refresh.set_jti()
            refresh.set_exp()
            refresh.set_iat()
            refresh.outstand()

            data["refresh"] = str(refresh)

        return data


class TokenRefreshSlidingSerializer(serializers.Serializer):
    """Takes a sliding token still in its refresh period; returns it renewed."""

    token = serializers.CharField()
    token_class = SlidingToken

    default_error_messages = dict(_RENEWAL_ERRORS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        token = self.token_class(attrs["token"])
        _check_token_user(self, token)

        token.check_exp(api_settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM)

        token.set_exp()
        token.set_iat()

        return {"token": str(token)}


class TokenVerifySerializer(serializers.Serializer):
    """Checks a token's signature and claims, whatever its type."""

    token = serializers.CharField(write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[Any, Any]:
        token = UntypedToken(attrs["token"])

        if api_settings.BLACKLIST_AFTER_ROTATION and _blacklist_installed():
            jti = token.get(api_settings.JTI_CLAIM)
            if api_settings.BLACKLIST_CACHE:
                from .revocation import is_blacklisted

                listed = is_blacklisted(jti)
            else:
                listed = BlacklistedToken.objects.filter(token__jti=jti).exists()
            if listed:
                raise ValidationError(_("Token is blacklisted"))

        return {}


class TokenBlacklistSerializer(serializers.Serializer):
    """Takes a refresh token and blacklists it (logout)."""

    refresh = serializers.CharField(write_only=True)
    token_class = RefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[Any, Any]:
        refresh = self.token_class(attrs["refresh"])
        # A logout racing a refresh of the same token: whichever blacklists
        # it first wins, the other is refused, so a logout never reports
        # success while a rotation hands out a new refresh token.
        _blacklist_or_refuse(refresh)
        return {}


def default_on_login_success(user: AuthUser, request: Request | None) -> None:
    """The default ON_LOGIN_SUCCESS: record the login in ``user.last_login``."""
    update_last_login(None, user)


def default_on_login_failed(credentials: dict, request: Request | None) -> None:
    """The default ON_LOGIN_FAILED: nothing (Django's ``authenticate`` has
    already sent ``user_login_failed`` for bad credentials)."""
