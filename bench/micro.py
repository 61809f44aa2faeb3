"""Micro-benchmarks of rest_framework_simplejwt's public API.

Runs inside one bench virtualenv (upstream's or ours); run.py starts one
process per virtualenv and algorithm and drives them over stdin/stdout (one
JSON object per line):

    -> {"cmd": "measure", "operation": "access_token", "batch_s": 0.02, "batches": 5}
    <- {"seconds": 1.2e-06}                     seconds per call
    -> {"cmd": "quit"}

run.py asks for one operation at a time, alternating the venvs (and the Rust
floor), so the two packages are measured within a fraction of a second of
each other.

Each operation is timed like ``timeit``: calibrated so a batch lasts
``batch_s``, then ``batches`` batches (garbage collector off during a batch,
as timeit does); the result is the median over batches.

    python bench/micro.py --algorithm HS256 --once   # each operation once, printed
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import timeit
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress

import _django
from report import ALGORITHMS, BASELINES, OPERATIONS

Operation = tuple[Callable[[], object], Callable[[], AbstractContextManager]]


def build_operations(algorithm: str) -> dict[str, Operation]:
    """Each operation as (callable, context it runs in)."""
    from django.contrib.auth import get_user_model
    from rest_framework import serializers
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from rest_framework_simplejwt.authentication import (
        JWTAuthentication,
        JWTStatelessUserAuthentication,
    )
    from rest_framework_simplejwt.serializers import (
        TokenRefreshSerializer,
        TokenRefreshSlidingSerializer,
    )
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import (
        AccessToken,
        RefreshToken,
        SlidingToken,
        UntypedToken,
    )

    user_model = get_user_model()
    user = user_model.objects.get(username=_django.USERNAME)
    refresh = RefreshToken.for_user(user)
    refresh_raw = str(refresh)
    access_raw = str(refresh.access_token)
    sliding_raw = str(SlidingToken.for_user(user))
    request = Request(
        APIRequestFactory().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access_raw}")
    )

    def stateless_auth() -> object:
        result = JWTStatelessUserAuthentication().authenticate(request)
        assert result is not None
        return result

    def db_auth() -> object:
        result = JWTAuthentication().authenticate(request)
        assert result is not None
        return result

    def login() -> tuple[str, str]:
        token = RefreshToken.for_user(user)
        return str(token), str(token.access_token)

    def validated(serializer_class: type, data: dict) -> Callable[[], dict]:
        """A serializer validating ``data``, as a view would run it."""

        def run() -> dict:
            serializer = serializer_class(data=data)
            serializer.is_valid(raise_exception=True)
            return serializer.validated_data

        return run

    refresh_pair = validated(TokenRefreshSerializer, {"refresh": refresh_raw})
    sliding_refresh = validated(TokenRefreshSlidingSerializer, {"token": sliding_raw})

    @contextmanager
    def rotating() -> Iterator[None]:
        # As upstream's own tests change a setting (tests/utils.py
        # override_api_settings): upstream's modules hold the api_settings
        # object they imported, so override_settings would not reach them.
        api_settings.user_settings["ROTATE_REFRESH_TOKENS"] = True
        with suppress(AttributeError):
            delattr(api_settings, "ROTATE_REFRESH_TOKENS")
        try:
            yield
        finally:
            api_settings.user_settings["ROTATE_REFRESH_TOKENS"] = False
            with suppress(AttributeError):
                delattr(api_settings, "ROTATE_REFRESH_TOKENS")

    # The token serializers' fields and flow, with no token work in validate.
    class RefreshShape(serializers.Serializer):
        refresh = serializers.CharField()
        access = serializers.CharField(read_only=True)

        def validate(self, attrs: dict) -> dict:
            return {"access": attrs["refresh"]}

    class SlidingShape(serializers.Serializer):
        token = serializers.CharField()

        def validate(self, attrs: dict) -> dict:
            return {"token": attrs["token"]}

    def orm_user_get() -> object:
        return user_model.objects.get(pk=user.pk)

    drf_refresh_shape = validated(RefreshShape, {"refresh": refresh_raw})
    drf_sliding_shape = validated(SlidingShape, {"token": sliding_raw})

    operations: dict[str, Operation] = {
        "access_token": (lambda: AccessToken(access_raw), nullcontext),
        "untyped_token": (lambda: UntypedToken(access_raw), nullcontext),
        "stateless_auth": (stateless_auth, nullcontext),
        "db_auth": (db_auth, nullcontext),
        "login": (login, nullcontext),
        "access_from_refresh": (lambda: str(refresh.access_token), nullcontext),
        "refresh": (refresh_pair, nullcontext),
        "refresh_rotate": (refresh_pair, rotating),
        "sliding_refresh": (sliding_refresh, nullcontext),
        "orm_user_get": (orm_user_get, nullcontext),
        "drf_refresh_shape": (drf_refresh_shape, nullcontext),
        "drf_sliding_shape": (drf_sliding_shape, nullcontext),
    }
    assert list(operations) == [name for name, _ in OPERATIONS + BASELINES]

    # What each operation returns is what the table claims it measures.
    with rotating():
        assert set(refresh_pair()) == {"access", "refresh"}
    assert set(refresh_pair()) == {"access"}
    assert AccessToken(login()[1])["user_id"] == str(user.pk)
    return operations


def time_operation(
    function: Callable[[], object], batch_s: float, batches: int
) -> float:
    """Median seconds per call over ``batches`` batches of about ``batch_s``."""
    for _ in range(3):
        function()
    timer = timeit.Timer(function)
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= batch_s / 5:
            break
        number *= 4
    number = max(1, round(number * batch_s / elapsed))
    per_call = [t / number for t in timer.repeat(repeat=batches, number=number)]
    return statistics.median(per_call)


def measure(operation: Operation, batch_s: float, batches: int) -> float:
    function, context = operation
    with context():
        return time_operation(function, batch_s, batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--algorithm", choices=ALGORITHMS, required=True)
    parser.add_argument(
        "--once", action="store_true", help="measure every operation once, print, exit"
    )
    args = parser.parse_args()

    _django.setup(args.algorithm)
    operations = build_operations(args.algorithm)
    if args.once:
        for name, operation in operations.items():
            print(f"{name:22} {measure(operation, 0.02, 5) * 1e6:10.2f} us")
        return

    print(json.dumps({"ready": True, "info": _django.package_info()}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        if command["cmd"] == "measure":
            seconds = measure(
                operations[command["operation"]],
                command["batch_s"],
                command["batches"],
            )
            print(json.dumps({"seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
