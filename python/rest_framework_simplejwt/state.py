"""The token backend shared by the token classes, built from the settings."""

import contextlib
import sys
import types
from typing import Any

from django.core.signals import setting_changed

from . import _classwatch
from .backends import TokenBackend
from .settings import api_settings


def _settings_arguments() -> tuple:
    return (
        api_settings.ALGORITHM,
        api_settings.SIGNING_KEY,
        api_settings.VERIFYING_KEY,
        api_settings.AUDIENCE,
        api_settings.ISSUER,
        api_settings.JWK_URL,
        api_settings.LEEWAY,
        api_settings.JSON_ENCODER,
    )


token_backend = TokenBackend(*_settings_arguments())

# The backend above follows the settings: when they change (override_settings,
# or a test helper editing api_settings), it is reconfigured in place, so code
# that imported it keeps a working reference.
_settings_backend = token_backend
_synced_generation = api_settings.generation


def current_token_backend() -> TokenBackend:
    global _synced_generation
    backend = token_backend
    generation = api_settings.generation
    if _synced_generation != generation:
        # Marked as synced only once the new settings are in: if they are
        # invalid, every use raises until they are fixed, rather than the
        # first use raising and the next ones running on the old settings.
        _settings_backend.reconfigure(*_settings_arguments())
        _synced_generation = generation
    return backend


# Code holding the backend itself (``from ...state import token_backend``)
# calls its methods without going through current_token_backend().
_settings_backend._follow_settings = current_token_backend


def _reconfigure_now(*args: Any, **kwargs: Any) -> None:
    """Applies changed settings at once, so the backend's attributes are
    current too. Invalid settings are left for the next operation to report:
    a signal receiver is not the place to raise them."""
    if kwargs["setting"] in ("SIMPLE_JWT", "SECRET_KEY"):
        with contextlib.suppress(Exception):
            current_token_backend()


# Connected after settings.reload_api_settings (imported above), so it runs
# once api_settings has been reloaded.
setting_changed.connect(_reconfigure_now)


class _StateModule(types.ModuleType):
    """Rebinding ``state.token_backend`` (``mock.patch`` does) moves the
    fast paths' epoch, as the objects they cached came from the old one."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        _classwatch.bump()

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        _classwatch.bump()


sys.modules[__name__].__class__ = _StateModule
