"""Async authentication: requests/s of an ``async def`` view authenticating
with ``await JWTAuthentication().aauthenticate(request)`` against the same
view with ``await sync_to_async(JWTAuthentication().authenticate)(request)``
(what a project without aauthenticate writes; upstream has no other way).

Runs inside a bench virtualenv (``python -E -s bench/async_auth.py``); prints
JSON. One event loop, ``--concurrency`` requests in flight (each a Django
``HttpRequest`` with a Bearer HS256 access token of a user in a SQLite file),
``--rounds`` rounds alternating the strategies, ``--seconds`` per round and
strategy. Each request goes through the view function and its JsonResponse;
no HTTP server, so the difference is the authentication's.

``sync_to_async`` is Django's default, thread-sensitive: all those calls take
turns on one thread, as they would in a Django ASGI project. The async ORM's
``aget`` goes through the same thread for its query; aauthenticate runs the
header parsing and the native decode on the loop instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # A file, not :memory:: the async ORM's thread needs the same tables.
        user = _django.setup("HS256", str(Path(tmp) / "bench.sqlite3"))
        print(json.dumps(measure(user, args)))


def measure(user, args) -> dict:
    from asgiref.sync import sync_to_async
    from django.http import JsonResponse
    from django.test import RequestFactory

    from rest_framework_simplejwt.authentication import (
        JWTAuthentication,
        JWTStatelessUserAuthentication,
    )
    from rest_framework_simplejwt.tokens import AccessToken

    header = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}"}
    factory = RequestFactory()
    requests = [factory.get("/api/me/", **header) for _ in range(args.concurrency)]

    def threaded(cls):
        async def authenticate(request):
            return await sync_to_async(cls().authenticate)(request)

        return authenticate

    def native_async(cls):
        async def authenticate(request):
            return await cls().aauthenticate(request)

        return authenticate

    # JWTAuthentication looks the user up (one query); the stateless class
    # builds a TokenUser from the token (none).
    strategies = {
        "JWTAuthentication sync_to_async(authenticate)": threaded(JWTAuthentication),
        "JWTStatelessUserAuthentication sync_to_async(authenticate)": threaded(
            JWTStatelessUserAuthentication
        ),
    }
    if hasattr(JWTAuthentication, "aauthenticate"):
        strategies["JWTAuthentication aauthenticate"] = native_async(JWTAuthentication)
        strategies["JWTStatelessUserAuthentication aauthenticate"] = native_async(
            JWTStatelessUserAuthentication
        )

    async def view(authenticate, request):
        found, token = await authenticate(request)
        assert str(found.pk) == str(user.pk)
        return JsonResponse({"user": str(found.pk)})

    async def round_of(authenticate) -> float:
        done = 0
        stop = time.perf_counter() + args.seconds

        async def worker(request):
            nonlocal done
            while time.perf_counter() < stop:
                await view(authenticate, request)
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(r) for r in requests))
        return done / (time.perf_counter() - start)

    async def run() -> dict:
        samples = {name: [] for name in strategies}
        for authenticate in strategies.values():  # warm-up
            await view(authenticate, requests[0])
        for _ in range(args.rounds):
            for name, authenticate in strategies.items():
                samples[name].append(await round_of(authenticate))
        return samples

    samples = asyncio.run(run())
    return {
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "strategies": {
            name: {"median_rps": statistics.median(values), "samples": values}
            for name, values in samples.items()
        },
    }


if __name__ == "__main__":
    main()
