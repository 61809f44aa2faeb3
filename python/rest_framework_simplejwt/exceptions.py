from typing import Any, Optional, Union  # noqa: F401 - upstream's module has them

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class TokenError(Exception):
    """A token could not be used: malformed, badly signed, expired or refused."""


class ExpiredTokenError(TokenError):
    pass


class TokenBackendError(Exception):
    """The backend could not encode or decode a token."""


class TokenBackendExpiredToken(TokenBackendError):
    pass


class DetailDictMixin:
    """Makes a DRF exception carry ``{"detail": ..., "code": ...}``.

    A dict passed as ``detail`` is merged in, so callers can add keys such as
    ``messages``.
    """

    default_detail: str
    default_code: str

    def __init__(
        self, detail: dict[str, Any] | str | None = None, code: str | None = None
    ) -> None:
        payload: dict[str, Any] = {
            "detail": self.default_detail,
            "code": self.default_code,
        }
        if isinstance(detail, dict):
            payload.update(detail)
        elif detail is not None:
            payload["detail"] = detail
        if code is not None:
            payload["code"] = code
        super().__init__(payload)  # type: ignore[call-arg]


class AuthenticationFailed(DetailDictMixin, exceptions.AuthenticationFailed):
    pass


class InvalidToken(AuthenticationFailed):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Token is invalid or expired")
    default_code = "token_not_valid"
