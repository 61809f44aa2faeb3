from django.apps import AppConfig


class SimpleJWTConfig(AppConfig):
    name = "rest_framework_simplejwt"
    verbose_name = "Simple JWT"

    def ready(self) -> None:
        # Registers the start-up checks of the configured keys.
        from . import checks  # noqa: F401
