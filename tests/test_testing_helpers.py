"""rest_framework_simplejwt.testing.override_simplejwt: partial overrides of
SIMPLE_JWT that keep the rest of the project's settings."""

import io
import unittest
from datetime import timedelta

from django.conf import settings
from django.test import SimpleTestCase, override_settings

from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.testing import override_simplejwt
from rest_framework_simplejwt.tokens import AccessToken

PROJECT = {"JTI_CLAIM": "token_id", "ACCESS_TOKEN_LIFETIME": timedelta(minutes=1)}


def lifetime_of(token):
    return token["exp"] - token["iat"]


def test_a_plain_override_settings_replaces_the_whole_dict():
    # The pitfall the helper exists for: the project's JTI_CLAIM is lost.
    with override_settings(SIMPLE_JWT=PROJECT):
        with override_settings(SIMPLE_JWT={"ROTATE_REFRESH_TOKENS": True}):
            assert api_settings.JTI_CLAIM == "jti"
        assert api_settings.JTI_CLAIM == "token_id"


def test_context_manager_keeps_the_other_settings_and_unwinds():
    with override_settings(SIMPLE_JWT=PROJECT):
        with override_simplejwt(ACCESS_TOKEN_LIFETIME=timedelta(seconds=30)):
            token = AccessToken()
            assert lifetime_of(token) == 30
            assert "token_id" in token
            assert {
                **PROJECT,
                "ACCESS_TOKEN_LIFETIME": timedelta(seconds=30),
            } == settings.SIMPLE_JWT
        assert lifetime_of(AccessToken()) == 60
    assert lifetime_of(AccessToken()) == 300
    assert settings.SIMPLE_JWT == {}


def test_nested_overrides_merge_and_unwind_in_order():
    with override_simplejwt(JTI_CLAIM="a"):
        with override_simplejwt(TOKEN_TYPE_CLAIM="kind"):
            assert (api_settings.JTI_CLAIM, api_settings.TOKEN_TYPE_CLAIM) == (
                "a",
                "kind",
            )
        assert (api_settings.JTI_CLAIM, api_settings.TOKEN_TYPE_CLAIM) == (
            "a",
            "token_type",
        )
    assert api_settings.JTI_CLAIM == "jti"


@override_simplejwt(ACCESS_TOKEN_LIFETIME=timedelta(seconds=42))
def test_function_decorator():
    assert lifetime_of(AccessToken()) == 42


def test_class_decorator_on_a_django_test_case():
    seen = []

    @override_simplejwt(TOKEN_TYPE_CLAIM="kind")
    @override_simplejwt(JTI_CLAIM="token_id")
    class Case(SimpleTestCase):
        def test_both(self):
            seen.append((api_settings.JTI_CLAIM, api_settings.TOKEN_TYPE_CLAIM))

        @override_simplejwt(ACCESS_TOKEN_LIFETIME=timedelta(seconds=7))
        def test_method_over_class(self):
            token = AccessToken()
            seen.append((lifetime_of(token), "token_id" in token, token.get("kind")))

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert result.wasSuccessful(), result.errors + result.failures
    assert sorted(seen, key=str) == sorted(
        [("token_id", "kind"), (7, True, "access")], key=str
    )
    assert api_settings.JTI_CLAIM == "jti"


def test_upstreams_helper_name_is_the_same_helper():
    from rest_framework_simplejwt.testing import override_api_settings

    with override_settings(SIMPLE_JWT=PROJECT), override_api_settings(JTI_CLAIM="id"):
        assert api_settings.JTI_CLAIM == "id"
        assert timedelta(minutes=1) == api_settings.ACCESS_TOKEN_LIFETIME
