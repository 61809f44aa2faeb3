"""The ASGI application uvicorn serves in tests/test_async_auth.py."""

from django.core.asgi import get_asgi_application

application = get_asgi_application()
