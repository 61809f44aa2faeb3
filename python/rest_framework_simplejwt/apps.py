import os

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class SimpleJWTConfig(AppConfig):
    name = "rest_framework_simplejwt"
    verbose_name = "Simple JWT"

    def ready(self) -> None:
        _refuse_a_mixed_install()
        # Registers the start-up checks of the configured keys.
        from . import checks  # noqa: F401

        self._ready_revocation()

    def _ready_revocation(self) -> None:
        # Ours (revocation): its system checks, and the receivers of
        # password changes and lifted blacklistings.
        from . import revocation_checks  # noqa: F401
        from .revocation_signals import connect

        connect()


def _refuse_a_mixed_install() -> None:
    """This file is ours alone, so it is still here when upstream's files
    replaced ours, or when uninstalling upstream deleted the shared ones. The
    .pth guard reports both at import, but only where site-packages is
    processed; this covers the rest (``pip install --target`` on PYTHONPATH)."""
    try:
        from _simplejwt_rs_guard import diagnose
    except ImportError:  # the package was copied without the guard
        return
    problem = diagnose(os.path.dirname(os.path.abspath(__file__)))
    if problem is not None:
        raise ImproperlyConfigured(problem)
