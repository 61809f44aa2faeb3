"""Optional app that records issued refresh tokens and lets them be revoked.

Add ``"rest_framework_simplejwt.token_blacklist"`` to ``INSTALLED_APPS`` to
enable it. Its tables and migrations are those of the upstream package, so a
database created by upstream needs no migration after switching.
"""
