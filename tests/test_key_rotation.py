"""Key rotation: SIGNING_KEY_ID, VERIFYING_KEYS, SIGNING_KEY_FALLBACKS (and
Django's SECRET_KEY_FALLBACKS), their system checks, and the README's
rotation procedure played with live tokens."""

import functools
import inspect
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from rest_framework_simplejwt import state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken
from tests.engine_support import (
    ALGORITHMS,
    HMAC_SECRET,
    OTHER_HMAC_SECRET,
    header_of,
    public_jwk,
    signing_key,
    simple_jwt,
    verifying_key,
)

PAYLOAD = {"user_id": 7, "token_type": "access", "jti": "j1", "exp": 4102444800}


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


@functools.cache
def fresh_key(alg: str, n: int):
    """A key pair made for this test run (``n`` tells several apart)."""
    if alg.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise AssertionError(alg)


def pyjwt_key(alg: str, material: str):
    return material if alg.startswith("HS") else material.encode()


# -- SIGNING_KEY_ID ----------------------------------------------------------------


@pytest.mark.parametrize("alg", ["HS256", "RS256", "EdDSA", "HS512"])
@pytest.mark.parametrize("kid", ["2026-11", 'k\u00e9y "quoted" \\ id'])
def test_kid_header_is_pyjwts_byte_for_byte(alg, kid):
    with override_settings(SIMPLE_JWT=simple_jwt(alg, SIGNING_KEY_ID=kid)):
        ours = state.token_backend.encode(dict(PAYLOAD))
        expected = jwt.encode(
            dict(PAYLOAD),
            pyjwt_key(alg, signing_key(alg)),
            algorithm=alg,
            headers={"kid": kid},
        )
        assert ours.split(".")[0] == expected.split(".")[0]
        assert header_of(ours) == {"alg": alg, "kid": kid, "typ": "JWT"}
        if alg in ("HS256", "HS512", "RS256", "EdDSA"):  # deterministic signatures
            assert ours == expected
        # Tokens minted through the token classes carry it too, and verify.
        token = AccessToken()
        assert header_of(str(token))["kid"] == kid
        assert AccessToken(str(token))["jti"] == token["jti"]


def test_kid_header_with_a_custom_json_encoder():
    class Encoder(json.JSONEncoder):
        pass

    settings = simple_jwt("HS256", SIGNING_KEY_ID="k1", JSON_ENCODER=Encoder)
    with override_settings(SIMPLE_JWT=settings):
        ours = state.token_backend.encode(dict(PAYLOAD))
    assert ours == jwt.encode(
        dict(PAYLOAD),
        HMAC_SECRET,
        algorithm="HS256",
        headers={"kid": "k1"},
        json_encoder=Encoder,
    )


@pytest.mark.parametrize("alg", ["HS256", "RS256", "ES256"])
def test_without_the_new_settings_tokens_carry_no_kid(alg):
    with override_settings(SIMPLE_JWT=simple_jwt(alg)):
        token = state.token_backend.encode(dict(PAYLOAD))
    assert header_of(token) == {"alg": alg, "typ": "JWT"}
    if alg != "ES256":
        assert token == jwt.encode(
            dict(PAYLOAD), pyjwt_key(alg, signing_key(alg)), algorithm=alg
        )


def test_token_backend_keeps_upstreams_positional_signature():
    parameters = inspect.signature(TokenBackend).parameters
    positional = [
        name
        for name, p in parameters.items()
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    assert positional == [
        "algorithm",
        "signing_key",
        "verifying_key",
        "audience",
        "issuer",
        "jwk_url",
        "leeway",
        "json_encoder",
    ]
    keyword_only = [
        name
        for name, p in parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert keyword_only == ["signing_key_id", "verifying_keys", "signing_key_fallbacks"]
    with pytest.raises(TypeError):
        TokenBackend("HS256", HMAC_SECRET, "", None, None, None, 0, None, "kid")


# -- VERIFYING_KEYS ----------------------------------------------------------------


def backend(**kwargs) -> TokenBackend:
    return TokenBackend("HS256", HMAC_SECRET, **kwargs)


def hs256(secret: str, kid: str | None = None, **claims) -> str:
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode({**PAYLOAD, **claims}, secret, algorithm="HS256", headers=headers)


def test_a_kid_selects_its_key_only():
    b = backend(
        signing_key_id="new",
        verifying_keys={"old": OTHER_HMAC_SECRET, "older": "older-secret-" + "x" * 32},
    )
    assert b.decode(hs256(OTHER_HMAC_SECRET, "old"))["jti"] == "j1"
    assert b.decode(hs256(HMAC_SECRET, "new"))["jti"] == "j1"
    assert b.decode(hs256(HMAC_SECRET))["jti"] == "j1"
    assert b.decode(hs256(OTHER_HMAC_SECRET))["jti"] == "j1"  # no kid: tried
    for refused in (
        hs256(OTHER_HMAC_SECRET, "older"),  # signed by another listed key
        hs256(OTHER_HMAC_SECRET, "new"),
        hs256(HMAC_SECRET, "old"),
        hs256(HMAC_SECRET, "unknown"),  # an unknown kid: refused outright
        hs256("attacker-secret-" + "a" * 32),
    ):
        with pytest.raises(TokenBackendError, match="Token is invalid"):
            b.decode(refused)


def test_verifying_keys_accept_pem_and_jwk_dicts():
    old = fresh_key("ES256", 1)
    older = fresh_key("ES256", 2)
    current = fresh_key("ES256", 3)
    b = TokenBackend(
        "ES256",
        private_pem(current),
        signing_key_id="current",
        verifying_keys={
            "pem": public_pem(old),
            "jwk": {**public_jwk(older.public_key()), "use": "sig", "alg": "ES256"},
            "private-pem": private_pem(old),
        },
    )
    for kid, key in (("pem", old), ("jwk", older), ("private-pem", old)):
        token = jwt.encode(PAYLOAD, key, algorithm="ES256", headers={"kid": kid})
        assert b.decode(token)["user_id"] == 7
    minted = b.encode(dict(PAYLOAD))
    assert header_of(minted)["kid"] == "current"
    assert b.decode(minted)["user_id"] == 7
    wrong = jwt.encode(PAYLOAD, older, algorithm="ES256", headers={"kid": "pem"})
    with pytest.raises(TokenBackendError):
        b.decode(wrong)


def test_the_algorithm_stays_pinned_with_several_keys():
    rsa_key = fresh_key("RS256", 1)
    b = backend(signing_key_id="now", verifying_keys={"old": OTHER_HMAC_SECRET})
    # Whatever key a header names, its algorithm must be the configured one.
    for token in (
        jwt.encode(PAYLOAD, rsa_key, algorithm="RS256", headers={"kid": "old"}),
        jwt.encode(
            PAYLOAD, OTHER_HMAC_SECRET, algorithm="HS512", headers={"kid": "old"}
        ),
        jwt.encode(PAYLOAD, HMAC_SECRET, algorithm="HS384", headers={"kid": "now"}),
    ):
        with pytest.raises(TokenBackendError, match="Invalid algorithm"):
            b.decode(token)
    # A PEM key cannot be an HMAC secret: the configuration is refused, naming
    # the entry, at the first verification (manage.py check reports it first).
    b = backend(verifying_keys={"rsa": public_pem(rsa_key)})
    with pytest.raises(ImproperlyConfigured, match=r"VERIFYING_KEYS\['rsa'\]"):
        b.decode(hs256(HMAC_SECRET, "rsa"))


def test_hmac_keys_rotate_with_a_jwk_url_set_too():
    # HMAC ignores JWK_URL (as upstream); the rotation keys still apply.
    b = backend(
        jwk_url="http://127.0.0.1:9/jwks.json",
        verifying_keys={"old": OTHER_HMAC_SECRET},
    )
    assert b.decode(hs256(OTHER_HMAC_SECRET, "old"))["jti"] == "j1"
    assert b.decode(hs256(HMAC_SECRET))["jti"] == "j1"
    with pytest.raises(TokenBackendError):
        b.decode(hs256(HMAC_SECRET, "old"))


def test_tokens_without_kid_try_a_bounded_number_of_keys():
    secrets = {f"k{i}": f"secret-number-{i}-" + "z" * 32 for i in range(12)}
    b = backend(verifying_keys=secrets)
    assert b.decode(hs256(secrets["k0"]))["jti"] == "j1"
    assert b.decode(hs256(secrets["k6"]))["jti"] == "j1"  # the 8th try
    with pytest.raises(TokenBackendError):
        b.decode(hs256(secrets["k7"]))  # beyond the bound: needs its kid
    assert b.decode(hs256(secrets["k11"], "k11"))["jti"] == "j1"


def test_keys_are_parsed_once_per_configuration():
    settings = simple_jwt("HS256", VERIFYING_KEYS={"old": OTHER_HMAC_SECRET})
    with override_settings(SIMPLE_JWT=settings):
        engine = state.token_backend._engine
        UntypedToken(hs256(OTHER_HMAC_SECRET, "old"))
        UntypedToken(hs256(OTHER_HMAC_SECRET, "old"))
        assert state.token_backend._engine is engine
    with override_settings(
        SIMPLE_JWT={**settings, "VERIFYING_KEYS": {"other": OTHER_HMAC_SECRET}}
    ):
        assert state.token_backend._engine is not engine
        with pytest.raises(TokenError):
            UntypedToken(hs256(OTHER_HMAC_SECRET, "old"))
        UntypedToken(hs256(OTHER_HMAC_SECRET, "other"))


@pytest.mark.django_db
def test_verifying_keys_through_the_token_classes_and_settings():
    settings = simple_jwt(
        "HS256", SIGNING_KEY_ID="b", VERIFYING_KEYS={"a": OTHER_HMAC_SECRET}
    )
    with override_settings(
        SIMPLE_JWT={
            **simple_jwt("HS256"),
            "SIGNING_KEY": OTHER_HMAC_SECRET,
            "SIGNING_KEY_ID": "a",
        }
    ):
        old = RefreshToken()
        old_access = str(old.access_token)
        assert header_of(old_access)["kid"] == "a"
    with override_settings(SIMPLE_JWT=settings):
        assert RefreshToken(str(old))["jti"] == old["jti"]
        assert AccessToken(old_access)["token_type"] == "access"
    with (
        override_settings(SIMPLE_JWT=simple_jwt("HS256", SIGNING_KEY_ID="b")),
        pytest.raises(TokenError),
    ):
        AccessToken(old_access)


# -- SECRET_KEY_FALLBACKS / SIGNING_KEY_FALLBACKS ---------------------------------


OLD_SECRET = "the-previous-django-secret-key-0123456789-0123456789-0123456789"
NEW_SECRET = "the-new-django-secret-key-0123456789-0123456789-0123456789-abcd"


def test_secret_key_fallbacks_keep_users_logged_in_across_a_secret_key_rotation():
    with override_settings(SECRET_KEY=OLD_SECRET, SIMPLE_JWT={}):
        token = str(AccessToken())
        assert header_of(token) == {"alg": "HS256", "typ": "JWT"}
    with override_settings(SECRET_KEY=NEW_SECRET, SIMPLE_JWT={}):
        with pytest.raises(TokenError):
            AccessToken(token)  # what happens today without fallbacks
        with override_settings(SECRET_KEY_FALLBACKS=[OLD_SECRET]):
            assert AccessToken(token)["token_type"] == "access"
            fresh = str(AccessToken())
            assert jwt.decode(fresh, NEW_SECRET, algorithms=["HS256"])
        with override_settings(SECRET_KEY_FALLBACKS=[]), pytest.raises(TokenError):
            AccessToken(token)


def test_secret_key_fallbacks_only_stand_in_for_the_default_signing_key():
    token = hs256(OLD_SECRET)
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET]):
        # An explicit SIGNING_KEY is not Django's SECRET_KEY: no fallbacks.
        with (
            override_settings(SIMPLE_JWT={"SIGNING_KEY": NEW_SECRET}),
            pytest.raises(TokenBackendError),
        ):
            state.token_backend.decode(token)
        with override_settings(SIMPLE_JWT={}):
            assert state.token_backend.decode(token)["jti"] == "j1"
        # Unless set for it.
        with override_settings(
            SIMPLE_JWT={
                "SIGNING_KEY": NEW_SECRET,
                "SIGNING_KEY_FALLBACKS": [OLD_SECRET],
            }
        ):
            assert state.token_backend.decode(token)["jti"] == "j1"
        # Asymmetric algorithms never take SECRET_KEY_FALLBACKS.
        with override_settings(SIMPLE_JWT=simple_jwt("RS256")):
            assert state.token_backend.signing_key_fallbacks == ()


# -- system checks -----------------------------------------------------------------


def check_ids(**simple) -> dict[str, str]:
    with override_settings(SIMPLE_JWT=simple):
        return {m.id: m.msg for m in run_checks(tags=["simplejwt"])}


def test_checks_report_bad_rotation_keys():
    assert (
        check_ids(**simple_jwt("RS256", VERIFYING_KEYS={"ok": verifying_key("RS256")}))
        == {}
    )
    problems = check_ids(**simple_jwt("RS256", VERIFYING_KEYS={"bad": "not a key"}))
    assert "VERIFYING_KEYS['bad']" in problems["simplejwt.E004"]
    problems = check_ids(
        **simple_jwt("ES256", VERIFYING_KEYS={"rsa": verifying_key("RS256")})
    )
    assert "EC key" in problems["simplejwt.E004"]
    problems = check_ids(**simple_jwt("HS256", VERIFYING_KEYS={"k": 5}))
    assert "VERIFYING_KEYS['k']" in problems["simplejwt.E004"]
    problems = check_ids(**simple_jwt("HS256", VERIFYING_KEYS=["x"]))
    assert "dict" in problems["simplejwt.E004"]
    problems = check_ids(**simple_jwt("HS256", SIGNING_KEY_ID=5))
    assert "SIGNING_KEY_ID" in problems["simplejwt.E004"]
    problems = check_ids(
        **simple_jwt("HS256", VERIFYING_KEYS={"j": {"kty": "RSA", "n": "AQAB"}})
    )
    assert "VERIFYING_KEYS['j']" in problems["simplejwt.E004"]
    many = {f"k{i}": f"secret-{i}-" + "q" * 32 for i in range(8)}
    assert "simplejwt.W003" in check_ids(**simple_jwt("HS256", VERIFYING_KEYS=many))
    with override_settings(SECRET_KEY_FALLBACKS=[""]):
        problems = check_ids()
        assert "fallback key 0" in problems["simplejwt.E004"]


# -- the README's rotation procedure, with live tokens ------------------------------


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA", "HS256"])
def test_rotation_procedure_never_refuses_a_valid_token(alg):
    if alg == "HS256":
        old_private, old_public = OLD_SECRET, OLD_SECRET
        new_private, new_public = NEW_SECRET, NEW_SECRET
    else:
        old, new = fresh_key(alg, 10), fresh_key(alg, 11)
        old_private, old_public = private_pem(old), public_pem(old)
        new_private, new_public = private_pem(new), public_pem(new)
    lifetime = {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=5)}
    steps = [
        # 0: today, one key, no id.
        {"ALGORITHM": alg, "SIGNING_KEY": old_private, **lifetime},
        # 1: the current key gets an id.
        {
            "ALGORITHM": alg,
            "SIGNING_KEY": old_private,
            "SIGNING_KEY_ID": "k1",
            **lifetime,
        },
        # 2: the new key is published as a verifying key first.
        {
            "ALGORITHM": alg,
            "SIGNING_KEY": old_private,
            "SIGNING_KEY_ID": "k1",
            "VERIFYING_KEYS": {"k2": new_public},
            **lifetime,
        },
        # 3: signing switches; the old key is kept for verification.
        {
            "ALGORITHM": alg,
            "SIGNING_KEY": new_private,
            "SIGNING_KEY_ID": "k2",
            "VERIFYING_KEYS": {"k1": old_public},
            **lifetime,
        },
    ]
    if alg != "HS256":
        for step in steps:
            step["VERIFYING_KEY"] = ""
    live: list[tuple[int, str]] = []
    for index, step in enumerate(steps):
        with override_settings(SIMPLE_JWT=step):
            live.append((index, str(AccessToken())))
            for minted_at, token in live:
                assert AccessToken(token)["token_type"] == "access", (index, minted_at)
    # 4: after the longest lifetime the old key is retired.
    retired = {**steps[3]}
    retired.pop("VERIFYING_KEYS")
    with override_settings(SIMPLE_JWT=retired):
        for minted_at, token in live:
            if minted_at < 3:
                with pytest.raises(TokenError):
                    AccessToken(token)
            else:
                assert AccessToken(token)["token_type"] == "access"


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_every_algorithm_takes_a_kid_and_a_verifying_key(alg):
    settings = simple_jwt(
        alg,
        SIGNING_KEY_ID="now",
        VERIFYING_KEYS={"then": verifying_key(alg) or OTHER_HMAC_SECRET},
    )
    with override_settings(SIMPLE_JWT=settings):
        token = str(AccessToken())
        assert header_of(token)["kid"] == "now"
        assert AccessToken(token)["token_type"] == "access"
