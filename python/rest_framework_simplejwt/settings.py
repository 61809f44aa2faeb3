"""The ``SIMPLE_JWT`` settings, read through ``api_settings``.

As upstream, ``api_settings`` is DRF's settings object over ``SIMPLE_JWT``.
Unlike upstream 5.5.1, whose ``reload_api_settings`` rebinds a name that the
other modules had already imported, ``override_settings`` (of ``SIMPLE_JWT``,
``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS``) reloads this one object in place, so every module sees the
new values. Reads and reloads are serialized: DRF's own ``reload()`` can race
with a read in another thread, which then caches the old value for good.
"""

import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from rest_framework.settings import APISettings as _APISettings

from .utils import format_lazy

USER_SETTINGS = getattr(settings, "SIMPLE_JWT", None)

DEFAULTS = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": False,
    "BLACKLIST_AFTER_ROTATION": False,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": settings.SECRET_KEY,
    "VERIFYING_KEY": "",
    "AUDIENCE": None,
    "ISSUER": None,
    "JSON_ENCODER": None,
    "JWK_URL": None,
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "USER_AUTHENTICATION_RULE": "rest_framework_simplejwt.authentication.default_user_authentication_rule",
    "ON_LOGIN_SUCCESS": "rest_framework_simplejwt.serializers.default_on_login_success",
    "ON_LOGIN_FAILED": "rest_framework_simplejwt.serializers.default_on_login_failed",
    "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.AccessToken",),
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
    "TOKEN_USER_CLASS": "rest_framework_simplejwt.models.TokenUser",
    "SLIDING_TOKEN_REFRESH_EXP_CLAIM": "refresh_exp",
    "SLIDING_TOKEN_LIFETIME": timedelta(minutes=5),
    "SLIDING_TOKEN_REFRESH_LIFETIME": timedelta(days=1),
    "TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "rest_framework_simplejwt.serializers.TokenVerifySerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "rest_framework_simplejwt.serializers.TokenBlacklistSerializer",
    "SLIDING_TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainSlidingSerializer",
    "SLIDING_TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSlidingSerializer",
    "CHECK_REVOKE_TOKEN": False,
    "REVOKE_TOKEN_CLAIM": "hash_password",
    "CHECK_USER_IS_ACTIVE": True,
    # Key rotation (issue 12): key ids, several verifying keys, fallbacks.
    "SIGNING_KEY_ID": None,
    "VERIFYING_KEYS": {},
    # None: Django's SECRET_KEY_FALLBACKS while ALGORITHM is HS* and
    # SIGNING_KEY is left to its default (SECRET_KEY), else no fallbacks.
    "SIGNING_KEY_FALLBACKS": None,
    # -- Revocation that scales (ours; see README "Revocation"): all opt-in.
    "REFRESH_TOKEN_REUSE_DETECTION": False,
    "REFRESH_TOKEN_REUSE_GRACE_PERIOD": 0,
    "ACCESS_TOKEN_REVOCATION": False,
    "BLACKLIST_CACHE": None,
    "REVOCATION_CACHE_TIMEOUT": 300,
    # HttpOnly cookies (issue 14): all off while AUTH_COOKIE is None.
    "AUTH_COOKIE": None,
    "AUTH_REFRESH_COOKIE": None,
    "AUTH_COOKIE_PATH": "/",
    "AUTH_REFRESH_COOKIE_PATH": None,
    "AUTH_COOKIE_DOMAIN": None,
    "AUTH_COOKIE_SECURE": False,
    "AUTH_COOKIE_HTTP_ONLY": True,
    "AUTH_COOKIE_SAMESITE": "Lax",
    "AUTH_COOKIE_TOKENS_IN_BODY": False,
}

IMPORT_STRINGS = (
    "AUTH_TOKEN_CLASSES",
    "JSON_ENCODER",
    "TOKEN_USER_CLASS",
    "USER_AUTHENTICATION_RULE",
    "ON_LOGIN_SUCCESS",
    "ON_LOGIN_FAILED",
)

REMOVED_SETTINGS = (
    "AUTH_HEADER_TYPE",
    "AUTH_TOKEN_CLASS",
    "SECRET_KEY",
    "TOKEN_BACKEND_CLASS",
)

SETTINGS_DOC = (
    "https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html"
)


class APISettings(_APISettings):
    def __init__(
        self,
        user_settings: dict[str, Any] | None = None,
        defaults: dict[str, Any] | None = None,
        import_strings: tuple[str, ...] | None = None,
    ) -> None:
        # Reentrant: importing a setting's dotted path may import a module
        # that reads api_settings.
        self._lock = threading.RLock()
        # DRF's constructor would check the dict against DRF's removed settings.
        if user_settings:
            self._user_settings = self.__check_user_settings(user_settings)
        self.defaults = DEFAULTS if defaults is None else defaults
        self.import_strings = (
            IMPORT_STRINGS if import_strings is None else import_strings
        )
        self._cached_attrs: set[str] = set()

    def __check_user_settings(self, user_settings: dict[str, Any]) -> dict[str, Any]:
        for setting in REMOVED_SETTINGS:
            if setting in user_settings:
                raise RuntimeError(
                    format_lazy(
                        _(
                            "The '{}' setting has been removed. Please refer to '{}' for available settings."
                        ),
                        setting,
                        SETTINGS_DOC,
                    )
                )
        return user_settings

    @property
    def user_settings(self) -> dict[str, Any]:
        if not hasattr(self, "_user_settings"):
            self._user_settings = self.__check_user_settings(
                getattr(settings, "SIMPLE_JWT", None) or {}
            )
        return self._user_settings

    def __getattr__(self, attr: str) -> Any:
        if attr not in self.defaults:
            raise AttributeError(f"Invalid API setting: '{attr}'")
        with self._lock:
            if attr == "SIGNING_KEY" and attr not in self.user_settings:
                # The default follows SECRET_KEY as it is now, not at import.
                value = settings.SECRET_KEY
                self._cached_attrs.add(attr)
                setattr(self, attr, value)
                return value
            if attr == "SIGNING_KEY_FALLBACKS":
                value = self._signing_key_fallbacks()
                self._cached_attrs.add(attr)
                setattr(self, attr, value)
                return value
            return super().__getattr__(attr)

    def _signing_key_fallbacks(self) -> tuple:
        """Earlier signing keys still accepted for verification: as set, or
        Django's ``SECRET_KEY_FALLBACKS`` when the signing key is Django's
        ``SECRET_KEY`` (HMAC, SIGNING_KEY left to its default)."""
        user = self.user_settings
        if user.get("SIGNING_KEY_FALLBACKS") is not None:
            return tuple(user["SIGNING_KEY_FALLBACKS"])
        algorithm = user.get("ALGORITHM", self.defaults["ALGORITHM"])
        if "SIGNING_KEY" in user or not str(algorithm).startswith("HS"):
            return ()
        return tuple(getattr(settings, "SECRET_KEY_FALLBACKS", None) or ())

    def reload(self) -> None:
        with self._lock:
            super().reload()


api_settings = APISettings(USER_SETTINGS, DEFAULTS, IMPORT_STRINGS)


def reload_api_settings(*args: Any, **kwargs: Any) -> None:
    if kwargs["setting"] in ("SIMPLE_JWT", "SECRET_KEY", "SECRET_KEY_FALLBACKS"):
        api_settings.reload()


setting_changed.connect(reload_api_settings)
