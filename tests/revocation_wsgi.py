"""WSGI entry of the gunicorn server in tests/test_revocation_multiprocess.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.revocation_server_settings")
application = get_wsgi_application()
