"""Nothing cached outlives what it came from; settings read under threads
never keep a stale key; the classes are plain classes."""

import gc
import threading
import weakref

from django.test import override_settings

from rest_framework_simplejwt import state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import (
    AccessToken,
    BlacklistMixin,
    RefreshToken,
    Token,
)

KEY_A = "settings-key-a-long-enough-for-hmac-sha-256-0123456789"
KEY_B = "settings-key-b-long-enough-for-hmac-sha-256-0123456789"


def test_the_classes_have_no_metaclass():
    for cls in (Token, AccessToken, RefreshToken, BlacklistMixin, TokenBackend):
        assert type(cls) is type


def test_dynamic_subclasses_are_not_kept_alive():
    refs = []
    for i in range(100):
        cls = type(f"Dynamic{i}", (AccessToken,), {"token_type": f"t{i}"})
        token = cls()
        assert cls(str(token))["token_type"] == f"t{i}"
        refs.append(weakref.ref(cls))
        del cls, token
    gc.collect()
    assert [ref for ref in refs if ref() is not None] == []


def _signed_with(key):
    return TokenBackend("HS256", key).encode(
        {"token_type": "access", "exp": 4_000_000_000, "jti": "x"}
    )


def test_settings_flipped_beside_decoding_threads_never_keep_a_stale_key():
    raw_a, raw_b = _signed_with(KEY_A), _signed_with(KEY_B)
    errors = []
    stop = threading.Event()

    def decode_forever():
        while not stop.is_set():
            for raw in (raw_a, raw_b):
                try:
                    AccessToken(raw)
                except TokenError:
                    pass
                except Exception as e:  # anything else is a bug
                    errors.append(e)
            api_settings.SIGNING_KEY  # noqa: B018 - a read racing the reloads

    with override_settings(SIMPLE_JWT={"SIGNING_KEY": KEY_A}):
        threads = [threading.Thread(target=decode_forever) for _ in range(8)]
        for thread in threads:
            thread.start()
        try:
            for _ in range(400):
                with override_settings(SIMPLE_JWT={"SIGNING_KEY": KEY_B}):
                    AccessToken(raw_b)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        assert errors == []
        # Back on key A for good: the settings, the shared backend, tokens.
        assert api_settings.SIGNING_KEY == KEY_A
        assert AccessToken(raw_a)["jti"] == "x"
        try:
            AccessToken(raw_b)
        except TokenError:
            pass
        else:
            raise AssertionError("a token signed with the old key was accepted")
        assert state.token_backend.signing_key == KEY_A
