"""System checks of the revocation settings (ours): a misconfiguration is
reported by ``manage.py check`` instead of silently doing nothing."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from .settings import api_settings
from .token_blacklist import is_listed


@register("simplejwt")
def check_revocation_settings(app_configs: Any = None, **kwargs: Any) -> list:
    problems: list = []
    wanted = [
        name
        for name in (
            "REFRESH_TOKEN_REUSE_DETECTION",
            "ACCESS_TOKEN_REVOCATION",
            "BLACKLIST_CACHE",
        )
        if getattr(api_settings, name)
    ]
    if wanted and not is_listed(settings.INSTALLED_APPS):
        problems.append(
            Error(
                f"{', '.join(wanted)} need the token_blacklist app.",
                hint="Add 'rest_framework_simplejwt.token_blacklist' to "
                "INSTALLED_APPS and run migrate.",
                id="simplejwt.E101",
            )
        )
    if api_settings.REFRESH_TOKEN_REUSE_DETECTION and not (
        api_settings.ROTATE_REFRESH_TOKENS
    ):
        problems.append(
            Warning(
                "REFRESH_TOKEN_REUSE_DETECTION does nothing without "
                "ROTATE_REFRESH_TOKENS.",
                id="simplejwt.W101",
            )
        )
    alias = api_settings.BLACKLIST_CACHE
    if alias and alias not in getattr(settings, "CACHES", {"default": None}):
        problems.append(
            Error(
                f"BLACKLIST_CACHE names the cache {alias!r}, which CACHES does not define.",
                id="simplejwt.E102",
            )
        )
    grace = api_settings.REFRESH_TOKEN_REUSE_GRACE_PERIOD
    timeout = api_settings.REVOCATION_CACHE_TIMEOUT
    for name, value in (
        ("REFRESH_TOKEN_REUSE_GRACE_PERIOD", grace),
        ("REVOCATION_CACHE_TIMEOUT", timeout),
    ):
        seconds = getattr(value, "total_seconds", lambda v=value: v)()
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or seconds < 0
        ):
            problems.append(
                Error(
                    f"{name} must be a number of seconds or a timedelta, at least 0.",
                    id="simplejwt.E103",
                )
            )
    return problems
