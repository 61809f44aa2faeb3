"""What a project's own test suite patches, and what it then expects.

One body of scenarios, each written against upstream 5.5.1's public names
only, so it runs unchanged on either package: ``tests/test_transparency.py``
runs every scenario against ours (pytest) and runs this module as a script in
a throwaway virtualenv holding upstream 5.5.1, where every scenario must pass
too. A scenario patches something a test suite can reach (a module-level
name, a settings object, a class or instance attribute, the clock), then
checks that the token classes, the backend and the DRF layer behave as the
patch says, and that nothing of it outlives the patch.

    python -m tests.transparency_scenarios    # DJANGO_SETTINGS_MODULE=tests.settings
"""

import contextlib
import json
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from unittest import mock

SCENARIOS = []


def scenario(function):
    SCENARIOS.append(function)
    return function


def _modules():
    from rest_framework_simplejwt import (
        authentication,
        backends,
        serializers,
        settings,
        state,
        tokens,
        utils,
        views,
    )

    return authentication, backends, serializers, settings, state, tokens, utils, views


def _refused(make, message=None):
    from rest_framework_simplejwt.exceptions import TokenError

    try:
        make()
    except TokenError as e:
        if message is not None:
            assert str(e.args[0]) == message, e.args
        return
    raise AssertionError("the token was accepted")


# -- module-level names --------------------------------------------------------


@scenario
def patched_uuid4_gives_the_jti():
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    fixed = uuid.UUID("12345678123456781234567812345678")
    with mock.patch("rest_framework_simplejwt.tokens.uuid4", return_value=fixed):
        assert AccessToken()["jti"] == fixed.hex
        assert RefreshToken().access_token["jti"] == fixed.hex
    assert AccessToken()["jti"] != fixed.hex


@scenario
def patched_datetime_to_epoch_gives_exp_and_iat():
    from rest_framework_simplejwt.tokens import AccessToken

    with mock.patch(
        "rest_framework_simplejwt.tokens.datetime_to_epoch", return_value=1234
    ):
        token = AccessToken()
        assert (token["exp"], token["iat"]) == (1234, 1234)
    assert AccessToken()["iat"] > 1234


@scenario
def patched_aware_utcnow_is_the_tokens_clock():
    from rest_framework_simplejwt.tokens import AccessToken
    from rest_framework_simplejwt.utils import datetime_to_epoch

    then = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow", return_value=then):
        token = AccessToken()
        assert token.current_time == then
        assert token["iat"] == datetime_to_epoch(then)
        assert token["exp"] == datetime_to_epoch(then + timedelta(minutes=5))
    raw = str(AccessToken())
    later = datetime.now(tz=timezone.utc) + timedelta(hours=1)
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow", return_value=later):
        _refused(lambda: AccessToken(raw), "Token 'exp' claim has expired")
    assert AccessToken(raw)["jti"]


@scenario
def patched_datetime_from_epoch_decides_check_exp():
    from rest_framework_simplejwt.tokens import AccessToken

    raw = str(AccessToken())
    past = datetime(2000, 1, 1, tzinfo=timezone.utc)
    with mock.patch(
        "rest_framework_simplejwt.tokens.datetime_from_epoch", return_value=past
    ):
        _refused(lambda: AccessToken(raw), "Token 'exp' claim has expired")
    AccessToken(raw)


@scenario
def patched_api_settings_object_names_the_claims():
    from rest_framework_simplejwt.settings import DEFAULTS, IMPORT_STRINGS, APISettings
    from rest_framework_simplejwt.tokens import AccessToken

    other = APISettings(
        {"JTI_CLAIM": "token_id", "TOKEN_TYPE_CLAIM": "kind"}, DEFAULTS, IMPORT_STRINGS
    )
    with mock.patch("rest_framework_simplejwt.tokens.api_settings", other):
        token = AccessToken()
        assert token["kind"] == "access" and "token_id" in token
        assert "jti" not in token and "token_type" not in token
        assert AccessToken(str(token))["token_id"] == token["token_id"]
    # Nothing of the patch is left behind, warm caches or not.
    token = AccessToken()
    assert "jti" in token and "token_id" not in token
    assert AccessToken(str(token))["jti"] == token["jti"]
    assert AccessToken(str(AccessToken()))["token_type"] == "access"


@scenario
def assigned_user_settings_apply_as_upstreams_helper_expects():
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken

    had = "JTI_CLAIM" in api_settings.user_settings
    old = api_settings.user_settings.get("JTI_CLAIM")
    api_settings.user_settings["JTI_CLAIM"] = "token_id"
    with contextlib.suppress(AttributeError):
        del api_settings.JTI_CLAIM
    try:
        token = AccessToken()
        assert "token_id" in token
        assert AccessToken(str(token))["token_id"] == token["token_id"]
    finally:
        if had:
            api_settings.user_settings["JTI_CLAIM"] = old
        else:
            del api_settings.user_settings["JTI_CLAIM"]
        with contextlib.suppress(AttributeError):
            del api_settings.JTI_CLAIM
    assert "jti" in AccessToken()


@scenario
def patched_setting_attribute_applies():
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken

    raw = str(AccessToken())
    AccessToken(raw)
    with mock.patch.object(api_settings, "TOKEN_TYPE_CLAIM", "kind"):
        _refused(lambda: AccessToken(raw), "Token has no type")
        assert AccessToken()["kind"] == "access"
    assert AccessToken(raw)["token_type"] == "access"


@scenario
def patched_state_backend_signs_and_verifies():
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.tokens import AccessToken

    other = TokenBackend("HS256", "another-secret-long-enough-for-hmac-sha-256!!")
    raw_default = str(AccessToken())
    AccessToken(raw_default)
    with mock.patch("rest_framework_simplejwt.state.token_backend", other):
        raw_other = str(AccessToken())
        assert other.decode(raw_other)["token_type"] == "access"
        assert AccessToken(raw_other)["token_type"] == "access"
        _refused(lambda: AccessToken(raw_default), "Token is invalid")
    _refused(lambda: AccessToken(raw_other), "Token is invalid")
    AccessToken(raw_default)


@scenario
def patched_import_string_gives_the_tokens_backend():
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.tokens import AccessToken

    other = TokenBackend("HS512", "another-secret" * 8)
    with mock.patch(
        "rest_framework_simplejwt.tokens.import_string", return_value=other
    ):
        raw = str(AccessToken())
        assert other.decode(raw)["token_type"] == "access"
        assert AccessToken(raw).get_token_backend() is other


@scenario
def patched_md5_helper_gives_the_revoke_claim():
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken

    class User:
        id = 5
        is_active = True
        password = "hash"

    with (
        mock.patch.object(api_settings, "CHECK_REVOKE_TOKEN", True),
        mock.patch(
            "rest_framework_simplejwt.tokens.get_md5_hash_password",
            return_value="FINGERPRINT",
        ),
    ):
        token = AccessToken.for_user(User())
    assert token["hash_password"] == "FINGERPRINT"
    assert token["user_id"] == "5"


@scenario
def patched_header_names_of_the_authentication_module():
    from rest_framework.test import APIRequestFactory

    from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["user_id"] = "9"
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}")
    auth = JWTStatelessUserAuthentication()
    assert auth.authenticate(request) is None
    with (
        mock.patch(
            "rest_framework_simplejwt.authentication.AUTH_HEADER_TYPE_BYTES", {b"JWT"}
        ),
        mock.patch(
            "rest_framework_simplejwt.authentication.AUTH_HEADER_TYPES", ("JWT",)
        ),
    ):
        user, validated = auth.authenticate(request)
        assert user.id == "9"
        assert auth.authenticate_header(request) == 'JWT realm="api"'
    assert auth.authenticate(request) is None
    assert auth.authenticate_header(request) == 'Bearer realm="api"'


@scenario
def patched_get_user_model_of_the_authentication_module():
    from rest_framework_simplejwt.authentication import JWTAuthentication

    class Model:
        class DoesNotExist(Exception):
            pass

        class objects:
            @staticmethod
            def get(**kwargs):
                return kwargs

    with mock.patch(
        "rest_framework_simplejwt.authentication.get_user_model", return_value=Model
    ):
        auth = JWTAuthentication()
        assert auth.user_model is Model


@scenario
def patched_get_user_model_of_the_serializers_module():
    from rest_framework.exceptions import AuthenticationFailed

    from rest_framework_simplejwt.serializers import TokenRefreshSerializer
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = RefreshToken()
    refresh["user_id"] = "77"

    class Inactive:
        is_active = False

    model = mock.Mock()
    model.objects.get.return_value = Inactive()
    with mock.patch(
        "rest_framework_simplejwt.serializers.get_user_model", return_value=model
    ):
        serializer = TokenRefreshSerializer(data={"refresh": str(refresh)})
        try:
            serializer.is_valid()
        except AuthenticationFailed as e:
            assert e.get_codes() == "no_active_account"
        else:
            raise AssertionError("an inactive user's token was refreshed")
    assert model.objects.get.call_args == mock.call(id="77")


@scenario
def patched_import_string_of_the_views_module():
    from rest_framework import serializers
    from rest_framework.test import APIRequestFactory

    from rest_framework_simplejwt.views import TokenVerifyView

    class Always(serializers.Serializer):
        def validate(self, attrs):
            return {"patched": True}

    request = APIRequestFactory().post("/", {"token": "x"}, format="json")
    with mock.patch(
        "rest_framework_simplejwt.views.import_string", return_value=Always
    ):
        response = TokenVerifyView.as_view()(request)
    assert response.status_code == 200 and response.data == {"patched": True}


# -- class and instance attributes ----------------------------------------------


@scenario
def class_lifetime_patched():
    from rest_framework_simplejwt.tokens import AccessToken

    AccessToken()
    with mock.patch.object(AccessToken, "lifetime", timedelta(hours=2)):
        token = AccessToken()
        assert token["exp"] - token["iat"] == 7200
    token = AccessToken()
    assert token["exp"] - token["iat"] == 300


@scenario
def class_methods_patched_after_use():
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken, Token

    raw = str(AccessToken())
    AccessToken(raw)
    with mock.patch.object(Token, "verify", side_effect=TokenError("patched")):
        _refused(lambda: AccessToken(raw), "patched")
    with mock.patch.object(TokenBackend, "decode", return_value={"from": "mock"}):
        assert AccessToken(raw, verify=False).payload == {"from": "mock"}
    with mock.patch.object(Token, "set_jti", lambda self: None):
        assert "jti" not in AccessToken()
    assert AccessToken(raw)["jti"]


@scenario
def a_class_without_lifetime_is_refused_every_way():
    from rest_framework_simplejwt.tokens import AccessToken, Token

    class V(Token):
        token_type = "access"

    raw = str(AccessToken())
    message = "Cannot create token with no type or lifetime"
    _refused(lambda: V(raw), message)
    _refused(lambda: V(raw, verify=False), message)
    _refused(lambda: V(), message)
    then = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow", return_value=then):
        _refused(lambda: V(raw), message)


@scenario
def subclasses_override_methods():
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    class Strict(AccessToken):
        def verify(self):
            super().verify()
            if self.payload.get("scope") != "admin":
                raise TokenError("no scope")

    class Numbered(AccessToken):
        def set_jti(self):
            self.payload["jti"] = "fixed"

    class Pair(RefreshToken):
        access_token_class = Numbered
        no_copy_claims = ("token_type", "exp", "jti", "iat", "secret")

    raw = str(AccessToken())
    _refused(lambda: Strict(raw), "no scope")
    assert Numbered()["jti"] == "fixed"
    pair = Pair()
    pair["secret"] = "s"
    pair["keep"] = "k"
    access = pair.access_token
    assert type(access) is Numbered and access["jti"] == "fixed"
    assert "secret" not in access and access["keep"] == "k"


@scenario
def instance_attributes_apply():
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.tokens import AccessToken
    from rest_framework_simplejwt.utils import datetime_to_epoch

    token = AccessToken()
    other = TokenBackend("HS256", "instance-level-secret-long-enough-for-hs256!")
    token._token_backend = other
    assert other.decode(str(token))["jti"] == token["jti"]
    then = datetime(2031, 5, 6, tzinfo=timezone.utc)
    token.current_time = then
    token.set_exp()
    token.set_iat()
    assert token["iat"] == datetime_to_epoch(then)
    assert token["exp"] == datetime_to_epoch(then + timedelta(minutes=5))


@scenario
def backend_leeway_assigned_on_the_shared_backend():
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token.set_exp(lifetime=timedelta(seconds=-5))
    raw = str(token)
    _refused(lambda: AccessToken(raw))
    backend = token.token_backend
    backend.leeway = 60
    try:
        assert AccessToken(raw)["jti"] == token["jti"]
    finally:
        backend.leeway = 0
    _refused(lambda: AccessToken(raw))


# -- the clock --------------------------------------------------------------------


@scenario
def freezegun_moves_the_clock():
    from freezegun import freeze_time

    from rest_framework_simplejwt.tokens import AccessToken
    from rest_framework_simplejwt.utils import datetime_to_epoch

    then = datetime(2031, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    with freeze_time(then):
        token = AccessToken()
        raw = str(token)
        assert token["iat"] == datetime_to_epoch(then)
        AccessToken(raw)
    with freeze_time(then + timedelta(minutes=5)):
        _refused(lambda: AccessToken(raw), "Token is expired")


@scenario
def freezegun_tz_offset_agrees_with_timezone_now():
    from django.utils import timezone as django_timezone
    from freezegun import freeze_time

    from rest_framework_simplejwt.tokens import AccessToken
    from rest_framework_simplejwt.utils import datetime_to_epoch

    with freeze_time("2031-03-04 05:06:07", tz_offset=5):
        token = AccessToken()
        assert token["iat"] == datetime_to_epoch(django_timezone.now())
        assert AccessToken(str(token))["iat"] == token["iat"]


@scenario
def time_machine_moves_the_clock():
    import time_machine

    from rest_framework_simplejwt.tokens import AccessToken
    from rest_framework_simplejwt.utils import datetime_to_epoch

    then = datetime(2032, 7, 8, 9, 10, 11, tzinfo=timezone.utc)
    with time_machine.travel(then, tick=False):
        token = AccessToken()
        assert token["iat"] == datetime_to_epoch(then)
        raw = str(token)
        AccessToken(raw)
    with time_machine.travel(then + timedelta(minutes=6), tick=False):
        _refused(lambda: AccessToken(raw), "Token is expired")


@scenario
def patched_time_time_is_not_the_tokens_clock():
    from rest_framework_simplejwt.tokens import AccessToken

    real = int(time.time())
    with mock.patch("time.time", return_value=1_000_000_000.0):
        token = AccessToken()
        assert abs(token["iat"] - real) < 60
        AccessToken(str(token))


# -- encoding -------------------------------------------------------------------------


@scenario
def a_custom_json_encoder_writes_as_pyjwt_writes():
    import jwt

    from rest_framework_simplejwt.backends import TokenBackend

    class Encoder(json.JSONEncoder):
        def __init__(self, *args, **kwargs):
            kwargs["ensure_ascii"] = False
            kwargs["sort_keys"] = True
            super().__init__(*args, **kwargs)

        def default(self, o):
            if isinstance(o, uuid.UUID):
                return str(o)
            return super().default(o)

    key = "encoder-secret-long-enough-for-hmac-sha-256!!"
    payload = {"z": "é", "a": uuid.UUID(int=7), "exp": 2_000_000_000}
    backend = TokenBackend("HS256", key, json_encoder=Encoder)
    expected = jwt.encode(payload, key, algorithm="HS256", json_encoder=Encoder)
    assert backend.encode(payload) == expected


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, run_syncdb=True)
    failed = 0
    for function in SCENARIOS:
        try:
            function()
        except Exception as e:
            failed += 1
            print(f"FAIL {function.__name__}: {type(e).__name__}: {e}", flush=True)
        else:
            print(f"PASS {function.__name__}", flush=True)
    print(f"{len(SCENARIOS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
