"""Test helpers for projects using ``SIMPLE_JWT``.

``override_settings(SIMPLE_JWT={...})`` replaces the whole dict: every
setting it does not name goes back to its default. Upstream 5.5.1 ignored
such overrides in most places, so a test that passed there may have relied on
the rest of the project's ``SIMPLE_JWT`` staying in force. ``override_simplejwt``
changes only the settings it names, on top of the ``SIMPLE_JWT`` in force:

    from rest_framework_simplejwt.testing import override_simplejwt

    @override_simplejwt(ACCESS_TOKEN_LIFETIME=timedelta(seconds=30))
    def test_short_tokens(): ...

    with override_simplejwt(ROTATE_REFRESH_TOKENS=True):
        ...

It is Django's ``override_settings`` underneath: a decorator for functions,
methods and test classes (``SimpleTestCase`` subclasses included) and a
context manager, nestable, undone on exit.
"""

from typing import Any

from django.conf import settings
from django.test import SimpleTestCase, override_settings

__all__ = ["override_api_settings", "override_simplejwt"]


class override_simplejwt(override_settings):  # noqa: N801 - named like Django's
    """``override_settings`` for the named ``SIMPLE_JWT`` entries only."""

    def __init__(self, **changes: Any) -> None:
        self.changes = changes
        super().__init__()

    def enable(self) -> None:
        # Merged when entered, over whatever SIMPLE_JWT is in force then
        # (an outer override included).
        current = getattr(settings, "SIMPLE_JWT", None) or {}
        self.options = {"SIMPLE_JWT": {**current, **self.changes}}
        super().enable()

    def decorate_class(self, cls: type) -> type:
        if issubclass(cls, SimpleTestCase):
            # Django applies a test class's overrides from
            # cls._overridden_settings when the class is set up, so the merge
            # is made now, over the class's own overrides or the settings.
            base = cls._overridden_settings or {}
            current = base.get("SIMPLE_JWT", getattr(settings, "SIMPLE_JWT", None))
            self.options = {"SIMPLE_JWT": {**(current or {}), **self.changes}}
        return super().decorate_class(cls)


#: The name of upstream's own test helper, which projects copy: the same
#: partial override, done through Django's settings.
override_api_settings = override_simplejwt
