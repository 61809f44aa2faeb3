"""A service that verifies tokens through JWK_URL, run as its own process by
tests/test_jwks_interop.py: ``python -m tests.jwks_consumer URL ALG TOKEN...``.

Prints one JSON line per token: its payload, or ``{"refused": reason}``.
"""

import json
import sys

import django
from django.test import override_settings


def main(url: str, algorithm: str, tokens: list[str]) -> None:
    django.setup()
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    settings = {
        "ALGORITHM": algorithm,
        "SIGNING_KEY": None,
        "VERIFYING_KEY": "",
        "JWK_URL": url,
    }
    with override_settings(SIMPLE_JWT=settings):
        for token in tokens:
            try:
                print(json.dumps(AccessToken(token).payload))
            except TokenError as e:
                print(json.dumps({"refused": str(e)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
