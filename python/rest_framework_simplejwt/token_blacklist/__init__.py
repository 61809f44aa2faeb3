"""Optional app that records issued refresh tokens and lets them be revoked.

Add ``"rest_framework_simplejwt.token_blacklist"`` to ``INSTALLED_APPS`` to
enable it. Its tables and migrations 0001..0013 are those of the upstream
package; 0014_simplejwt_rs_revocation is ours and additive (indexes and the
tables of the revocation features), so a database created by upstream
migrates forward with it alone.
"""

from typing import Any

from django import VERSION

APP_PATH = "rest_framework_simplejwt.token_blacklist"

if VERSION < (3, 2):
    # Django before 3.2 does not discover AppConfig classes by itself. Kept
    # for code written against upstream, which checks for this name.
    default_app_config = f"{APP_PATH}.apps.TokenBlacklistConfig"


def is_listed(installed_apps: Any = None) -> bool:
    """Whether ``installed_apps`` (default: ``settings.INSTALLED_APPS``) names
    this app, by module or by AppConfig path.

    Read from the settings rather than the app registry because the token
    classes and models decide this while apps are still being loaded.
    """
    if installed_apps is None:
        from django.conf import settings

        installed_apps = settings.INSTALLED_APPS
    return any(
        entry == APP_PATH or entry.startswith(f"{APP_PATH}.apps.")
        for entry in installed_apps
    )
