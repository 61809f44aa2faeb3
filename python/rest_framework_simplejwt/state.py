"""The token backend shared by the token classes, built from the settings."""

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
    if _synced_generation != api_settings.generation:
        _synced_generation = api_settings.generation
        _settings_backend.reconfigure(*_settings_arguments())
    return backend
