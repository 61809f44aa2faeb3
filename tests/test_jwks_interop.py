"""Interop over real HTTP: our JWKSView, served by a running server (this
process's Django application behind a wsgiref server on 127.0.0.1), is read by PyJWT's PyJWKClient, by joserfc
and by our own JWK_URL client in another process; each verifies the tokens
we mint, for RS256, ES256 and EdDSA, and refuses a forgery under the same kid."""

import json
import subprocess
import sys
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings
from joserfc import jwt as joserfc_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from rest_framework_simplejwt.tokens import AccessToken
from tests.engine_support import REPO, child_environment
from tests.test_key_rotation import fresh_key, private_pem, public_pem

pytestmark = pytest.mark.urls("tests.test_jwks_view")

ALGS = ["RS256", "ES256", "EdDSA"]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True


@pytest.fixture
def django_server():
    """This test process's Django application, served over HTTP."""
    server = make_server(
        "127.0.0.1",
        0,
        WSGIHandler(),
        server_class=_ThreadedServer,
        handler_class=_Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def settings_for(alg: str) -> dict:
    old = fresh_key(alg, 30)
    return {
        "ALGORITHM": alg,
        "SIGNING_KEY": private_pem(fresh_key(alg, 31)),
        "VERIFYING_KEY": "",
        "SIGNING_KEY_ID": "current",
        "VERIFYING_KEYS": {"previous": public_pem(old)},
    }


def tokens_for(alg: str) -> dict[str, str]:
    """Ours (current key), one of the previous key, and a forgery."""
    with override_settings(SIMPLE_JWT=settings_for(alg)):
        ours = AccessToken()
        ours["user_id"] = 42
        current = str(ours)
    claims = jwt.decode(current, options={"verify_signature": False})
    previous = jwt.encode(
        claims, fresh_key(alg, 30), algorithm=alg, headers={"kid": "previous"}
    )
    forged = jwt.encode(
        {**claims, "user_id": 1},
        fresh_key(alg, 32),
        algorithm=alg,
        headers={"kid": "current"},
    )
    return {"current": current, "previous": previous, "forged": forged}


@pytest.mark.parametrize("alg", ALGS)
# joserfc warns that RFC 9864 deprecates the name "EdDSA" (for Ed25519).
@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
def test_pyjwt_joserfc_and_our_client_verify_our_tokens(django_server, alg):
    url = f"{django_server}/.well-known/jwks.json"
    tokens = tokens_for(alg)
    with override_settings(SIMPLE_JWT=settings_for(alg), ALLOWED_HOSTS=["127.0.0.1"]):
        # PyJWT's client, over HTTP.
        client = jwt.PyJWKClient(url, cache_jwk_set=False)
        for name in ("current", "previous"):
            key = client.get_signing_key_from_jwt(tokens[name])
            assert key.key_id == name
            payload = jwt.decode(tokens[name], key.key, algorithms=[alg])
            assert payload["user_id"] == 42
        key = client.get_signing_key_from_jwt(tokens["forged"])
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(tokens["forged"], key.key, algorithms=[alg])

        # joserfc, from the same document.
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "max-age" in response.headers["Cache-Control"]
            key_set = KeySet.import_key_set(json.load(response))
        for name in ("current", "previous"):
            decoded = joserfc_jwt.decode(tokens[name], key_set, algorithms=[alg])
            assert decoded.claims["user_id"] == 42
            assert decoded.header["kid"] == name
        with pytest.raises(JoseError):
            joserfc_jwt.decode(tokens["forged"], key_set, algorithms=[alg])

        # Our JWK_URL client, in another process.
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.jwks_consumer",
                url,
                alg,
                tokens["current"],
                tokens["previous"],
                tokens["forged"],
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
            env=child_environment(),
        )
    assert proc.returncode == 0, proc.stderr
    current, previous, forged = (json.loads(line) for line in proc.stdout.splitlines())
    assert current["user_id"] == 42 and previous["user_id"] == 42
    assert forged == {"refused": "Token is invalid"}
