"""The start-up checks of the configured keys (manage.py check)."""

from pathlib import Path

from django.test import override_settings

from rest_framework_simplejwt.checks import check_key_strength, check_keys

KEYS = Path(__file__).parent / "keys"
RSA_PRIVATE = (KEYS / "rsa_private_pkcs8.pem").read_text()
RSA_PUBLIC = (KEYS / "rsa_public_spki.pem").read_text()
P256_PUBLIC = (KEYS / "p256_public.pem").read_text()


def ids(problems):
    return sorted(problem.id for problem in problems)


def test_default_settings_pass():
    assert check_keys() == []


@override_settings(SIMPLE_JWT={"SIGNING_KEY": "short"})
def test_short_hmac_secret_is_a_deployment_warning():
    # Short secrets work (upstream's docs use one), so only --deploy warns.
    assert check_keys() == []
    problems = check_key_strength()
    assert ids(problems) == ["simplejwt.W002"]
    assert "5 bytes" in problems[0].msg


def test_long_secret_passes_the_deployment_check():
    assert check_key_strength() == []


@override_settings(SIMPLE_JWT={"ALGORITHM": "RS256"})
def test_secret_key_as_rsa_key_is_an_error():
    # SIGNING_KEY defaults to SECRET_KEY, which is no PEM key.
    problems = check_keys()
    assert "simplejwt.E002" in ids(problems)
    assert "RS256" in " ".join(problem.msg for problem in problems)


@override_settings(
    SIMPLE_JWT={"ALGORITHM": "RS256", "SIGNING_KEY": None, "VERIFYING_KEY": RSA_PUBLIC}
)
def test_verify_only_service_is_warned_not_refused():
    assert ids(check_keys()) == ["simplejwt.W001"]


@override_settings(
    SIMPLE_JWT={
        "ALGORITHM": "RS256",
        "SIGNING_KEY": RSA_PRIVATE,
        "VERIFYING_KEY": P256_PUBLIC,
    }
)
def test_verifying_key_of_the_wrong_kind_is_named():
    problems = check_keys()
    assert ids(problems) == ["simplejwt.E002"]
    assert "EC key on P-256" in problems[0].msg


@override_settings(SIMPLE_JWT={"ALGORITHM": "RS256", "SIGNING_KEY": RSA_PRIVATE})
def test_private_key_alone_is_enough():
    assert check_keys() == []


@override_settings(SIMPLE_JWT={"ALGORITHM": "HS256", "SIGNING_KEY": RSA_PUBLIC})
def test_public_key_as_hmac_secret_is_refused():
    problems = check_keys()
    assert ids(problems) == ["simplejwt.E002"]
    assert "asymmetric" in problems[0].msg


def _oversized_rsa_public_key(bits: int) -> str:
    # Only the public half is parsed, so any odd modulus of that size will
    # do; generating a real key this large takes seconds.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    modulus = (1 << (bits - 1)) | 1
    public = rsa.RSAPublicNumbers(65537, modulus).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_rsa_verifying_key_above_8192_bits_is_reported_with_its_size():
    # aws-lc verifies RSA signatures with keys of at most 8192 bits; a larger
    # one used to fail every token as "Token is invalid" with no hint.
    oversized = _oversized_rsa_public_key(8200)
    with override_settings(
        SIMPLE_JWT={
            "ALGORITHM": "RS256",
            "SIGNING_KEY": RSA_PRIVATE,
            "VERIFYING_KEY": oversized,
        }
    ):
        problems = check_keys()
    assert ids(problems) == ["simplejwt.E002"]
    assert "8192" in problems[0].msg and "8200" in problems[0].msg
    with override_settings(
        SIMPLE_JWT={
            "ALGORITHM": "RS256",
            "SIGNING_KEY": RSA_PRIVATE,
            "VERIFYING_KEY": _oversized_rsa_public_key(8192),
        }
    ):
        assert check_keys() == []
