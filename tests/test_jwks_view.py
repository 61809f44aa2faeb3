"""JWKSView (``.well-known/jwks.json``) and ``manage.py simplejwt_keys``."""

import io
import json

import jwt
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import path
from rest_framework.test import APIClient

from rest_framework_simplejwt import state, views
from rest_framework_simplejwt.tokens import AccessToken
from tests.engine_support import (
    ALGORITHMS,
    ASYMMETRIC_ALGORITHMS,
    HMAC_SECRET,
    OTHER_HMAC_SECRET,
    header_of,
    pem,
    public_jwk,
    signing_key,
    simple_jwt,
)
from tests.test_key_rotation import fresh_key, private_pem, public_pem

urlpatterns = [path(".well-known/jwks.json", views.JWKSView.as_view(), name="jwks")]

SECRET_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}


def get_jwks() -> tuple[dict, object]:
    response = APIClient().get("/.well-known/jwks.json")
    assert response.status_code == 200
    return json.loads(response.content), response


def verifies(jwk: dict, token: str, alg: str) -> bool:
    key = jwt.PyJWK(jwk, algorithm=alg)
    try:
        jwt.decode(token, key.key, algorithms=[alg])
    except jwt.InvalidTokenError:
        return False
    return True


@pytest.mark.urls("tests.test_jwks_view")
def test_hmac_publishes_nothing():
    with override_settings(
        SIMPLE_JWT={
            "SIGNING_KEY_ID": "k1",
            "VERIFYING_KEYS": {"old": OTHER_HMAC_SECRET},
            "SIGNING_KEY": HMAC_SECRET,
        }
    ):
        body, response = get_jwks()
    assert body == {"keys": []}
    assert "max-age=300" in response["Cache-Control"]
    assert HMAC_SECRET not in response.content.decode()
    assert OTHER_HMAC_SECRET not in response.content.decode()


@pytest.mark.urls("tests.test_jwks_view")
@pytest.mark.parametrize("alg", ASYMMETRIC_ALGORITHMS)
def test_the_current_key_is_published_with_kid_alg_use(alg):
    with override_settings(SIMPLE_JWT=simple_jwt(alg, SIGNING_KEY_ID="current")):
        body, response = get_jwks()
        token = str(AccessToken())
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "public, max-age=300"
    [jwk] = body["keys"]
    assert {jwk["kid"], jwk["alg"], jwk["use"]} == {"current", alg, "sig"}
    assert not SECRET_MEMBERS & set(jwk)
    assert verifies(jwk, token, alg)
    assert header_of(token)["kid"] == "current"


@pytest.mark.urls("tests.test_jwks_view")
def test_verifying_keys_are_published_as_public_jwks_only():
    old, older = fresh_key("ES256", 20), fresh_key("ES256", 21)
    older_jwk = public_jwk(older.public_key())
    # A private JWK given as a verifying key: only its public members go out.
    private_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(fresh_key("ES256", 22)))
    settings = simple_jwt(
        "ES256",
        SIGNING_KEY_ID="now",
        VERIFYING_KEYS={
            "old": public_pem(old),
            "old-private": private_pem(older),
            "jwk": {**older_jwk, "use": "sig"},
            "private-jwk": private_jwk,
            "broken": "not a key",
        },
    )
    with override_settings(SIMPLE_JWT=settings):
        body, _ = get_jwks()
    by_kid = {jwk["kid"]: jwk for jwk in body["keys"]}
    assert sorted(by_kid) == ["jwk", "now", "old", "old-private", "private-jwk"]
    for jwk in body["keys"]:
        assert not SECRET_MEMBERS & set(jwk), jwk
        assert jwk["alg"] == "ES256" and jwk["use"] == "sig"
    token = jwt.encode({"a": 1}, old, algorithm="ES256", headers={"kid": "old"})
    assert verifies(by_kid["old"], token, "ES256")
    token = jwt.encode({"a": 1}, older, algorithm="ES256")
    assert verifies(by_kid["old-private"], token, "ES256")
    assert verifies(by_kid["jwk"], token, "ES256")
    assert by_kid["private-jwk"]["x"] == private_jwk["x"]


@pytest.mark.urls("tests.test_jwks_view")
def test_a_verify_only_service_publishes_its_verifying_key():
    alg = "RS256"
    settings = {
        "ALGORITHM": alg,
        "SIGNING_KEY": None,
        "VERIFYING_KEY": pem("rsa_public_spki.pem"),
        "SIGNING_KEY_ID": "k",
    }
    with override_settings(SIMPLE_JWT=settings):
        body, _ = get_jwks()
    token = jwt.encode({"a": 1}, signing_key(alg).encode(), algorithm=alg)
    assert verifies(body["keys"][0], token, alg)


# -- manage.py simplejwt_keys ----------------------------------------------------------


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("simplejwt_keys", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_generated_keys_sign_and_verify(alg):
    made = json.loads(
        run_command("generate", "--algorithm", alg, "--kid", "k9", "--json")
    )
    assert made["kid"] == "k9" and made["algorithm"] == alg
    settings = {
        "ALGORITHM": alg,
        "SIGNING_KEY": made["signing_key"],
        "VERIFYING_KEY": "",
        "SIGNING_KEY_ID": "k9",
    }
    with override_settings(SIMPLE_JWT=settings):
        token = str(AccessToken())
        assert AccessToken(token)["token_type"] == "access"
        assert header_of(token)["kid"] == "k9"
        if alg.startswith("HS"):
            assert made["jwk"] is None and made["public_key"] is None
            assert len(made["signing_key"]) >= 64
            return
        assert verifies(made["jwk"], token, alg)
        assert not SECRET_MEMBERS & set(made["jwk"])
    # The public PEM verifies, as a VERIFYING_KEYS entry of another service.
    verifier = {
        "ALGORITHM": alg,
        "SIGNING_KEY": signing_key(alg),
        "VERIFYING_KEY": "",
        "VERIFYING_KEYS": {"k9": made["public_key"]},
    }
    with override_settings(SIMPLE_JWT=verifier):
        assert AccessToken(token)["token_type"] == "access"
    with override_settings(
        SIMPLE_JWT={**verifier, "VERIFYING_KEYS": {"k9": made["jwk"]}}
    ):
        assert AccessToken(token)["token_type"] == "access"


def test_generate_prints_settings_to_paste():
    text = run_command("generate", "-a", "EdDSA", "--kid", "2026-12")
    assert "'SIGNING_KEY_ID': '2026-12'" in text
    assert "-----BEGIN PRIVATE KEY-----" in text
    assert "-----BEGIN PUBLIC KEY-----" in text
    assert '"kty": "OKP"' in text
    # Two runs make two different keys.
    assert text != run_command("generate", "-a", "EdDSA", "--kid", "2026-12")


def test_jwks_prints_the_current_public_key_set():
    with override_settings(SIMPLE_JWT=simple_jwt("ES256", SIGNING_KEY_ID="cur")):
        printed = json.loads(run_command("jwks"))
        from rest_framework_simplejwt.keyset import public_jwks

        assert printed == public_jwks()
        assert printed["keys"][0]["kid"] == "cur"
        assert state.token_backend.signing_key_id == "cur"


def test_an_unknown_algorithm_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run_command("generate", "-a", "none")
