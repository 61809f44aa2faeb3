"""The token backend the token classes use, built from the settings.

As upstream, ``token_backend`` is built from ``api_settings`` when this module
is imported; unlike upstream, it takes the settings' new values when they
change (``TokenBackend.from_settings``), so ``override_settings`` reaches it.
"""

import contextlib
from typing import Any

from django.core.signals import setting_changed

from .backends import TokenBackend
from .settings import api_settings

token_backend = TokenBackend.from_settings(api_settings)


def _follow_now(*args: Any, **kwargs: Any) -> None:
    """Takes changed settings at once, so the backend's attributes read right
    after ``override_settings`` are current. Invalid settings are left for
    the next operation to report: a signal receiver is not where to raise."""
    if kwargs["setting"] in ("SIMPLE_JWT", "SECRET_KEY"):
        with contextlib.suppress(Exception):
            token_backend._follow_settings()


# Connected after settings.reload_api_settings (imported above), so it runs
# once api_settings has been reloaded.
setting_changed.connect(_follow_now)
