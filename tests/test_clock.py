"""Which clock the tokens and the backend read.

- freezegun and time-machine move time.time(), which both the token classes
  and TokenBackend.decode read: minting and every check follow them.
- Patching rest_framework_simplejwt.tokens.aware_utcnow (upstream's own test
  idiom) moves the token classes' clock: the claims minted, current_time and
  Token.verify's expiry check. As upstream (whose decoding is PyJWT's), the
  backend's registered-claim checks keep the real clock.
"""

import time
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from freezegun import freeze_time

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    ExpiredTokenError,
    TokenBackendExpiredToken,
    TokenError,
)
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    SlidingToken,
    UntypedToken,
)
from rest_framework_simplejwt.utils import datetime_to_epoch
from tests.engine_support import T0, T0_EPOCH

ONE_US = timedelta(microseconds=1)
ACCESS_LIFETIME = timedelta(minutes=5)


def assert_expired(call):
    with pytest.raises(ExpiredTokenError) as caught:
        call()
    assert str(caught.value.args[0]) == "Token is expired"


# -- freezegun -----------------------------------------------------------------


def test_freezegun_controls_minting():
    instant = T0 + timedelta(microseconds=654321)
    with freeze_time(instant):
        access = AccessToken()
        refresh = RefreshToken()
        sliding = SlidingToken()
    assert access.current_time == instant
    assert access["iat"] == T0_EPOCH  # whole seconds, rounded down
    assert access["exp"] == T0_EPOCH + 300
    assert refresh["exp"] == T0_EPOCH + 86400
    assert sliding["refresh_exp"] == T0_EPOCH + 86400
    with freeze_time(instant + timedelta(hours=1)):
        later = AccessToken()
    assert later["iat"] == T0_EPOCH + 3600


def test_freezegun_controls_validation_to_the_microsecond():
    with freeze_time(T0) as frozen:
        raw = str(AccessToken())
        assert AccessToken(raw)["iat"] == T0_EPOCH
        frozen.tick(ACCESS_LIFETIME - ONE_US)
        assert AccessToken(raw)
        assert UntypedToken(raw)
        assert token_backend.decode(raw)
        frozen.tick(ONE_US)
        assert_expired(lambda: AccessToken(raw))
        assert_expired(lambda: UntypedToken(raw))
        with pytest.raises(TokenBackendExpiredToken):
            token_backend.decode(raw)
    # Back in the real present (before T0), the token is not yet issued.
    with pytest.raises(TokenError) as caught:
        AccessToken(raw)
    assert str(caught.value.args[0]) == "Token is invalid"


def test_freezegun_with_leeway():
    with freeze_time(T0) as frozen:
        raw = str(AccessToken())
        with override_settings(SIMPLE_JWT={"LEEWAY": 30}):
            frozen.move_to(T0 + ACCESS_LIFETIME + timedelta(seconds=30) - ONE_US)
            assert AccessToken(raw)
            frozen.tick(ONE_US)
            assert_expired(lambda: AccessToken(raw))
        # Leeway also admits a token issued a little in the future.
        frozen.move_to(T0 - timedelta(seconds=5))
        with pytest.raises(TokenError):
            AccessToken(raw)
        with override_settings(SIMPLE_JWT={"LEEWAY": timedelta(seconds=5)}):
            assert AccessToken(raw)


@pytest.mark.django_db
def test_freezegun_refresh_and_derived_access_token():
    with freeze_time(T0) as frozen:
        refresh = RefreshToken()
        frozen.tick(timedelta(minutes=2))
        loaded = RefreshToken(str(refresh))
        access = loaded.access_token
        # The access token's lifetime counts from the refresh token's load.
        assert access["exp"] == T0_EPOCH + 120 + 300
        assert access["iat"] == T0_EPOCH + 120
        frozen.tick(timedelta(minutes=5))
        assert_expired(lambda: AccessToken(str(access)))
        assert RefreshToken(str(refresh))
        frozen.move_to(T0 + timedelta(days=1))
        assert_expired(lambda: RefreshToken(str(refresh)))


@pytest.mark.django_db
def test_freezegun_sliding_token_refresh_exp():
    with freeze_time(T0) as frozen:
        sliding = SlidingToken()
        frozen.tick(ACCESS_LIFETIME)
        assert_expired(lambda: SlidingToken(str(sliding)))
        # Still refreshable until refresh_exp, measured at each load.
        frozen.move_to(T0 + timedelta(days=1) - ONE_US)
        loaded = SlidingToken(str(sliding), verify=False)
        loaded.check_exp("refresh_exp")
        frozen.move_to(T0 + timedelta(days=1))
        # The old object keeps the time it was built at.
        loaded.check_exp("refresh_exp")
        with pytest.raises(TokenError) as caught:
            SlidingToken(str(sliding), verify=False).check_exp("refresh_exp")
        assert str(caught.value.args[0]) == "Token 'refresh_exp' claim has expired"


# -- time-machine --------------------------------------------------------------


def test_time_machine_controls_minting_and_validation():
    with time_machine.travel(T0, tick=False) as traveller:
        access = AccessToken()
        assert access.current_time == T0
        assert access["iat"] == T0_EPOCH
        assert access["exp"] == T0_EPOCH + 300
        raw = str(access)
        traveller.shift(ACCESS_LIFETIME - ONE_US)
        assert AccessToken(raw)
        assert token_backend.decode(raw)
        traveller.shift(ONE_US)
        assert_expired(lambda: AccessToken(raw))
        with pytest.raises(TokenBackendExpiredToken):
            token_backend.decode(raw)


def test_time_machine_ticking_clock():
    with time_machine.travel(T0, tick=True):
        access = AccessToken()
        assert T0_EPOCH <= access["iat"] <= T0_EPOCH + 5
        assert AccessToken(str(access))


def test_time_machine_with_other_settings():
    with (
        override_settings(
            SIMPLE_JWT={"ACCESS_TOKEN_LIFETIME": timedelta(seconds=90), "LEEWAY": 1.5}
        ),
        time_machine.travel(T0, tick=False) as traveller,
    ):
        raw = str(AccessToken())
        traveller.move_to(T0 + timedelta(seconds=91.5) - ONE_US)
        assert AccessToken(raw)
        traveller.move_to(T0 + timedelta(seconds=91.5))
        assert_expired(lambda: AccessToken(raw))


# -- backend.decode follows time.time() ------------------------------------------


def test_backend_decode_reads_the_clock_pyjwt_reads():
    # PyJWT compares exp with datetime.now(tz=timezone.utc): freezegun moves
    # it (its tz_offset included), a patched time.time does not.
    backend = TokenBackend("HS256", settings.SECRET_KEY)
    raw = backend.encode({"exp": T0_EPOCH})
    with freeze_time(T0 - timedelta(microseconds=1)):
        assert backend.decode(raw) == {"exp": T0_EPOCH}
    with freeze_time(T0), pytest.raises(TokenBackendExpiredToken):
        backend.decode(raw)
    with (
        freeze_time(T0 - timedelta(hours=1), tz_offset=1),
        pytest.raises(TokenBackendExpiredToken),
    ):
        backend.decode(raw)
    live = backend.encode({"exp": int(time.time()) + 60})
    with mock.patch("time.time", return_value=float(T0_EPOCH + 10**9)):
        assert backend.decode(live)
    # aware_utcnow is the token classes' clock, not the backend's.
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow") as fake:
        fake.return_value = T0 + timedelta(days=1)
        assert backend.decode(backend.encode({"exp": int(time.time()) + 60}))


# -- a patched aware_utcnow ------------------------------------------------------


def test_patched_aware_utcnow_controls_minting():
    instant = datetime(2000, 1, 1, 12, 0, 0, 999999, tzinfo=timezone.utc)
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow") as fake:
        fake.return_value = instant
        access = AccessToken()
        sliding = SlidingToken()
        refresh = RefreshToken()
        derived = refresh.access_token
    epoch = datetime_to_epoch(instant)
    assert access.current_time == instant
    assert access["iat"] == epoch
    assert access["exp"] == datetime_to_epoch(instant + ACCESS_LIFETIME)
    assert sliding["refresh_exp"] == epoch + 86400
    assert refresh["exp"] == epoch + 86400
    assert derived["exp"] == epoch + 300
    assert fake.called


def test_patched_aware_utcnow_decides_token_expiry():
    # Minted "now" by the real clock's whole second so the backend, which
    # keeps the real clock, sees an already issued token.
    minted_at = datetime.fromtimestamp(int(time.time()) - 2, tz=timezone.utc)
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow") as fake:
        fake.return_value = minted_at
        raw = str(AccessToken())
        exp_at = minted_at + ACCESS_LIFETIME

        fake.return_value = exp_at - ONE_US
        token = AccessToken(raw)
        assert token.current_time == exp_at - ONE_US

        fake.return_value = exp_at
        with pytest.raises(TokenError) as caught:
            AccessToken(raw)
        # Upstream's message for this path: Token.verify's own check.
        assert str(caught.value.args[0]) == "Token 'exp' claim has expired"

        # A clock set back (upstream's serializer tests do this) still
        # accepts a token minted by the real clock.
        fake.return_value = minted_at - ACCESS_LIFETIME / 2
        assert AccessToken(raw)["iat"] == datetime_to_epoch(minted_at)


def test_patched_aware_utcnow_with_leeway():
    minted_at = datetime.fromtimestamp(int(time.time()) - 2, tz=timezone.utc)
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow") as fake:
        fake.return_value = minted_at
        raw = str(AccessToken())
        with override_settings(SIMPLE_JWT={"LEEWAY": timedelta(seconds=20)}):
            fake.return_value = minted_at + ACCESS_LIFETIME + timedelta(seconds=19)
            assert AccessToken(raw)
            fake.return_value = minted_at + ACCESS_LIFETIME + timedelta(seconds=20)
            with pytest.raises(TokenError):
                AccessToken(raw)


def test_the_real_clock_is_used_once_the_patch_is_gone():
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow") as fake:
        fake.return_value = datetime(2001, 1, 1, tzinfo=timezone.utc)
        old = AccessToken()
    assert old["iat"] == datetime_to_epoch(datetime(2001, 1, 1, tzinfo=timezone.utc))
    before = int(time.time())
    fresh = AccessToken()
    assert before <= fresh["iat"] <= int(time.time())
    assert_expired(lambda: AccessToken(str(old)))
