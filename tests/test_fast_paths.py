"""The native paths step aside whenever a class's methods are not stock.

Stock token classes decode, mint and sign in one native call that stands in
for Token.verify, set_exp, TokenBackend.decode and so on; _native_path checks
at each call that every one of those is still stock. Everything below checks
that an override or a patch, made before or after a token was used, runs as
it would in upstream.
"""

import abc
from datetime import timedelta
from unittest import mock

import pytest

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token


@pytest.fixture
def raw():
    token = AccessToken()
    token["user_id"] = "7"
    return str(token)


def test_patching_verify_after_use_is_honoured(raw):
    assert AccessToken(raw)["user_id"] == "7"  # builds the cached decoder
    patched = mock.patch.object(
        AccessToken, "verify", side_effect=TokenError("patched")
    )
    with patched, pytest.raises(TokenError, match="patched"):
        AccessToken(raw)
    assert AccessToken(raw)["user_id"] == "7"


def test_patching_a_base_class_method_is_honoured(raw):
    AccessToken(raw)
    calls = []
    original = Token.check_exp

    def check_exp(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    with mock.patch.object(Token, "check_exp", check_exp):
        AccessToken(raw)
    assert calls == [()]


def test_patching_the_backend_class_is_honoured(raw):
    AccessToken(raw)
    with mock.patch.object(TokenBackend, "decode", return_value={"patched": True}):
        token = AccessToken(raw, verify=False)
        assert token.payload == {"patched": True}
        with pytest.raises(TokenError):
            # verify() then finds no exp claim in the patched payload.
            AccessToken(raw)


def test_patching_the_backend_instance_is_honoured(raw):
    backend = AccessToken().get_token_backend()
    AccessToken(raw)
    with mock.patch.object(backend, "decode", return_value={"from": "mock"}):
        assert AccessToken(raw, verify=False).payload == {"from": "mock"}


def test_patching_set_jti_is_honoured_when_minting():
    AccessToken()
    with mock.patch.object(
        Token, "set_jti", lambda self: self.payload.update(jti="fixed")
    ):
        assert AccessToken()["jti"] == "fixed"
        refresh = RefreshToken()
        assert refresh["jti"] == "fixed"
        # The access token of a refresh token mints through the same path.
        assert refresh.access_token["jti"] == "fixed"
    assert AccessToken()["jti"] != "fixed"


def test_patching_encode_is_honoured():
    token = AccessToken()
    str(token)
    with mock.patch.object(TokenBackend, "encode", return_value="patched"):
        assert str(token) == "patched"


def test_a_subclass_init_setting_the_lifetime_first_is_honoured():
    class LongLived(AccessToken):
        def __init__(self, *args, lifetime=None, **kwargs):
            if lifetime is not None:
                self.lifetime = lifetime
            super().__init__(*args, **kwargs)

    short = LongLived()
    long = LongLived(lifetime=timedelta(days=30))
    assert long["exp"] - short["exp"] >= timedelta(days=29).total_seconds()


def test_changing_a_class_lifetime_after_use_is_honoured():
    class Custom(AccessToken):
        lifetime = timedelta(minutes=1)

    first = Custom()
    Custom.lifetime = timedelta(hours=1)
    second = Custom()
    assert second["exp"] - first["exp"] >= 3500


def test_access_token_class_override_is_honoured():
    class MyAccess(AccessToken):
        def __setitem__(self, key, value):
            super().__setitem__(key, f"seen:{value}" if key == "user_id" else value)

    class MyRefresh(RefreshToken):
        access_token_class = MyAccess

    refresh = MyRefresh()
    refresh["user_id"] = "1"
    access = refresh.access_token
    assert isinstance(access, MyAccess)
    assert access["user_id"] == "seen:1"


def test_access_token_expires_with_its_refresh_token():
    refresh = RefreshToken()
    access = refresh.access_token
    lifetime = AccessToken.lifetime.total_seconds()
    assert access["exp"] == refresh["iat"] + lifetime
    assert access["jti"] != refresh["jti"]
    assert access["token_type"] == "access"


def test_token_classes_mix_with_abstract_base_classes():
    class Auditable(abc.ABC):  # noqa: B024 - a mixin with no abstract method
        def audit(self):
            return "audited"

    class AuditedAccess(Auditable, AccessToken):
        pass

    token = AuditedAccess()
    assert token.audit() == "audited"
    assert AuditedAccess(str(token))["token_type"] == "access"


def test_rebinding_the_shared_backend_is_honoured(raw):
    AccessToken(raw)
    other = TokenBackend("HS256", "another secret that signs nothing we issued")
    with mock.patch("rest_framework_simplejwt.state.token_backend", other):
        with pytest.raises(TokenError, match="Token is invalid"):
            AccessToken(raw)
        # Tokens minted meanwhile are signed by the replacement.
        assert other.decode(str(AccessToken()))["token_type"] == "access"
    assert AccessToken(raw)["user_id"] == "7"


def test_changing_a_backend_attribute_is_honoured(raw):
    backend = AccessToken().get_token_backend()
    AccessToken(raw)
    original = backend.signing_key
    backend.signing_key = "a different secret entirely, for this test only"
    try:
        with pytest.raises(TokenError):
            AccessToken(raw)
    finally:
        backend.signing_key = original
    assert AccessToken(raw)["user_id"] == "7"


class _User:
    """Enough of a user for Token.for_user."""

    id = 42
    is_active = True
    password = "x"


def test_for_user_builds_what_the_python_path_builds():
    token = AccessToken.for_user(_User())
    assert type(token) is AccessToken
    assert token.token is None
    assert list(token.payload) == ["token_type", "exp", "iat", "jti", "user_id"]
    assert token["user_id"] == "42"
    assert token["exp"] - token["iat"] == AccessToken.lifetime.total_seconds()
    assert token.current_time.timestamp() == pytest.approx(token["iat"], abs=1)
    # It decodes as any other token of the class.
    assert AccessToken(str(token))["user_id"] == "42"


def test_for_user_honours_an_overridden_setitem():
    class Tagged(AccessToken):
        def __setitem__(self, key, value):
            super().__setitem__(key, f"tagged:{value}")

    assert Tagged.for_user(_User())["user_id"] == "tagged:42"


def test_for_user_honours_an_overridden_init():
    class Marked(AccessToken):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.marked = True

    assert Marked.for_user(_User()).marked is True


def test_for_user_honours_a_patched_init():
    seen = []
    original = Token.__init__

    def spy(self, *args, **kwargs):
        seen.append(type(self))
        original(self, *args, **kwargs)

    with mock.patch.object(Token, "__init__", spy):
        AccessToken.for_user(_User())
    assert seen == [AccessToken]


def test_for_user_refuses_an_abstract_class():
    class Abstract(abc.ABC, AccessToken):
        @abc.abstractmethod
        def extra(self): ...

    with pytest.raises(TypeError, match="abstract"):
        Abstract.for_user(_User())
