import hashlib
import logging
from calendar import timegm
from collections.abc import Callable
from datetime import datetime, timezone

from django.conf import settings
from django.utils.functional import lazy

logger = logging.getLogger("rest_framework_simplejwt")


def get_md5_hash_password(password: str) -> str:
    """The password-hash fingerprint stored in tokens when CHECK_REVOKE_TOKEN is on."""
    return hashlib.md5(password.encode()).hexdigest().upper()


def make_utc(dt: datetime) -> datetime:
    if settings.USE_TZ and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


def aware_utcnow() -> datetime:
    now = datetime.now(tz=timezone.utc)
    return now if settings.USE_TZ else now.replace(tzinfo=None)


def datetime_to_epoch(dt: datetime) -> int:
    return timegm(dt.utctimetuple())


def datetime_from_epoch(ts: float) -> datetime:
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt if settings.USE_TZ else dt.replace(tzinfo=None)


def _format(s: str, *args, **kwargs) -> str:
    return s.format(*args, **kwargs)


# Formats lazily so that a translated message is rendered in the language
# active when it is displayed, not when it was raised.
format_lazy: Callable = lazy(_format, str)
