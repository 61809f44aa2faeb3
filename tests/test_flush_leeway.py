"""flushexpiredtokens keeps a token's rows while the token still decodes.

Found in a security review (upstream has the same bug): with LEEWAY set a
token is accepted until ``exp + LEEWAY``, but upstream's flush deleted its
outstanding and blacklist rows at ``exp``. A logged-out refresh token then
refreshed again. Here rows stay until ``exp + LEEWAY``, and the flush deletes
in batches, each its own transaction.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import aware_utcnow

REFRESH = "/api/token/refresh/"
LOGOUT = "/api/token/blacklist/"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("flush-user", password="pw")


@pytest.mark.django_db
@pytest.mark.parametrize("leeway", [60, timedelta(seconds=60), 60.0])
def test_a_logged_out_token_stays_refused_after_a_flush_within_leeway(
    user, settings, leeway
):
    settings.SIMPLE_JWT = {
        "LEEWAY": leeway,
        "REFRESH_TOKEN_LIFETIME": timedelta(minutes=10),
    }
    client = APIClient()
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        refresh = str(RefreshToken.for_user(user))
        assert (
            client.post(LOGOUT, {"refresh": refresh}, format="json").status_code == 200
        )

    # 30 s past exp: inside LEEWAY, so the token still decodes.
    with time_machine.travel(start + timedelta(minutes=10, seconds=30), tick=False):
        call_command("flushexpiredtokens")
        assert OutstandingToken.objects.count() == 1
        assert BlacklistedToken.objects.count() == 1
        response = client.post(REFRESH, {"refresh": refresh}, format="json")
        assert response.status_code == 401
        assert response.json()["detail"] == "Token is blacklisted"

    # Past exp + LEEWAY: the token no longer decodes and its rows can go.
    with time_machine.travel(start + timedelta(minutes=11, seconds=1), tick=False):
        response = client.post(REFRESH, {"refresh": refresh}, format="json")
        assert response.status_code == 401
        call_command("flushexpiredtokens")
        assert OutstandingToken.objects.count() == 0
        assert BlacklistedToken.objects.count() == 0
        response = client.post(REFRESH, {"refresh": refresh}, format="json")
        assert response.status_code == 401
        assert response.json()["detail"] == "Token is expired"


@pytest.mark.django_db
def test_upstreams_cutoff_would_have_revived_the_token(user, settings):
    # The control: deleting at exp (upstream's rule) inside the leeway lets
    # the logged-out token refresh again. This is what the flush prevents.
    settings.SIMPLE_JWT = {"LEEWAY": 60, "REFRESH_TOKEN_LIFETIME": timedelta(minutes=1)}
    client = APIClient()
    start = aware_utcnow()
    with time_machine.travel(start, tick=False):
        refresh = str(RefreshToken.for_user(user))
        client.post(LOGOUT, {"refresh": refresh}, format="json")
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        OutstandingToken.objects.filter(expires_at__lte=aware_utcnow()).delete()
        assert (
            client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 200
        )


@pytest.mark.django_db
def test_flush_deletes_in_batches(user, settings):
    settings.SIMPLE_JWT = {"LEEWAY": 0}
    past = aware_utcnow() - timedelta(days=1)
    OutstandingToken.objects.bulk_create(
        OutstandingToken(user=user, jti=f"old-{i}", token="t", expires_at=past)
        for i in range(25)
    )
    live = OutstandingToken.objects.create(
        user=user, jti="live", token="t", expires_at=aware_utcnow() + timedelta(days=1)
    )
    for row in OutstandingToken.objects.all()[:10]:
        BlacklistedToken.objects.create(token=row)
    with CaptureQueriesContext(connection) as queries:
        call_command("flushexpiredtokens", batch_size=10)
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [live.jti]
    assert BlacklistedToken.objects.filter(token=live).count() <= 1
    deletes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('DELETE FROM "token_blacklist_outstandingtoken"')
    ]
    # 25 rows, 10 a batch: three deletes, none larger than a batch.
    assert len(deletes) == 3


@pytest.mark.django_db
def test_flush_refuses_bad_arguments(settings):
    with pytest.raises(CommandError):
        call_command("flushexpiredtokens", batch_size=0, stdout=StringIO())
    settings.SIMPLE_JWT = {"LEEWAY": "60"}
    with pytest.raises(CommandError):
        call_command("flushexpiredtokens", stdout=StringIO())
