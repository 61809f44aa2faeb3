"""Threading, memory and import probes, run inside one bench virtualenv.

Each prints one JSON object on stdout:

    python bench/probes.py gil --seconds 2 --repeats 3
        AccessToken(raw) of an RS256 token in one thread, then in two
        threads at once, alternately; throughput of each (validations/s).
    python bench/probes.py memory --iterations 1000000 --algorithm HS256
        resident set size while validating the same token over and over.
    python bench/probes.py import
        seconds to import rest_framework_simplejwt.authentication in this
        (fresh) interpreter, after django.setup().
    python bench/probes.py keys --batches 7
        ours only (upstream has one key): HS256 verification (the engine's
        decode) with a single key, with a kid among several keys, and with
        fallbacks; microseconds per call and the difference to a single key.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import statistics
import threading
import time

import _django


def _access_token_class():
    from django.contrib.auth import get_user_model

    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    user = get_user_model().objects.get(username=_django.USERNAME)
    return AccessToken, str(RefreshToken.for_user(user).access_token)


def _throughput(operation, threads: int, seconds: float) -> float:
    """Calls of ``operation`` per second, summed over ``threads`` threads."""
    stop = threading.Event()
    counts = [0] * threads
    start_line = threading.Barrier(threads + 1)

    def work(slot: int) -> None:
        start_line.wait()
        done = 0
        while not stop.is_set():
            for _ in range(10):
                operation()
            done += 10
        counts[slot] = done

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - began)


def gil(seconds: float, repeats: int) -> dict:
    """Two threads vs one, for RS256 validation and for a control.

    The control is hashlib.sha256 over 256 KiB, which releases the GIL in
    CPython: its ratio is what two threads can get on this machine right now
    (another process busy on one core lowers both ratios alike)."""
    _django.setup("RS256")
    AccessToken, raw = _access_token_class()
    block = bytes(256 * 1024)
    probes = {
        "rs256": lambda: AccessToken(raw),
        "control": lambda: hashlib.sha256(block).digest(),
    }
    for operation in probes.values():
        _throughput(operation, 1, seconds / 4)  # warm-up
    samples = {name: {"one": [], "two": []} for name in probes}
    # Interleaved, so the control sees the same machine as the probe.
    for _ in range(repeats):
        for name, operation in probes.items():
            samples[name]["one"].append(_throughput(operation, 1, seconds))
            samples[name]["two"].append(_throughput(operation, 2, seconds))
    result = {}
    for name, runs in samples.items():
        one, two = statistics.median(runs["one"]), statistics.median(runs["two"])
        result[name] = {
            "one_thread": one,
            "two_threads": two,
            "ratio": two / one,
            "samples": runs,
        }
    return result


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def memory(iterations: int, algorithm: str) -> dict:
    _django.setup(algorithm)
    AccessToken, raw = _access_token_class()
    for _ in range(10_000):
        AccessToken(raw)
    gc.collect()
    start = _rss_kib()
    checkpoints = []
    step = max(1, iterations // 10)
    began = time.perf_counter()
    done = 0
    while done < iterations:
        for _ in range(min(step, iterations - done)):
            AccessToken(raw)
        done += min(step, iterations - done)
        checkpoints.append((done, _rss_kib()))
    elapsed = time.perf_counter() - began
    gc.collect()
    end = _rss_kib()
    return {
        "algorithm": algorithm,
        "iterations": iterations,
        "rss_start_kib": start,
        "rss_end_kib": end,
        "growth_kib": end - start,
        "checkpoints": checkpoints,
        "seconds": elapsed,
    }


def import_cost() -> dict:
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench-django-secret-key-not-the-jwt-key",
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
        ],
        SIMPLE_JWT=_django.simple_jwt_settings("HS256"),
        USE_TZ=True,
    )
    django.setup()
    began = time.perf_counter()
    import rest_framework_simplejwt.authentication  # noqa: F401

    return {"seconds": time.perf_counter() - began}


# (row id, label) of the keys probe, in table order.
KEY_ROWS = (
    ("single", "one key, no kid (today's configuration)"),
    ("kid_current", "SIGNING_KEY_ID + 4 VERIFYING_KEYS, token of the current key"),
    (
        "kid_listed",
        "SIGNING_KEY_ID + 4 VERIFYING_KEYS, token whose kid names a listed key",
    ),
    (
        "kid_unknown",
        "SIGNING_KEY_ID + 4 VERIFYING_KEYS, unknown kid (refused, no check)",
    ),
    ("fallback_first", "2 SIGNING_KEY_FALLBACKS, token of the current key (1 check)"),
    ("fallback_last", "2 SIGNING_KEY_FALLBACKS, token of the last fallback (3 checks)"),
)


def keys(batches: int, batch_s: float) -> dict:
    """Engine-level verification cost of the key rotation settings, HS256
    (the cheapest verification, where a lookup's cost shows most)."""
    import timeit

    _django.setup("HS256")
    from rest_framework_simplejwt import _native
    from rest_framework_simplejwt.backends import TokenBackend, now_us

    secret = _django.HS256_SECRET
    listed = {f"k{i}": f"{secret[:-2]}{i:02d}" for i in range(1, 5)}
    fallbacks = [f"{secret[:-2]}f{i}" for i in range(1, 3)]
    payload = {"token_type": "access", "exp": 4102444800, "jti": "j", "user_id": "1"}

    def mint(key: str, kid: str | None = None) -> str:
        return TokenBackend("HS256", key, signing_key_id=kid).encode(dict(payload))

    single = TokenBackend("HS256", secret)._engine
    with_kids = TokenBackend(
        "HS256", secret, signing_key_id="k0", verifying_keys=listed
    )._engine
    with_fallbacks = TokenBackend(
        "HS256", secret, signing_key_fallbacks=fallbacks
    )._engine
    cases = {
        "single": (single, mint(secret), True),
        "kid_current": (with_kids, mint(secret, "k0"), True),
        "kid_listed": (with_kids, mint(listed["k3"], "k3"), True),
        "kid_unknown": (with_kids, mint(secret, "nope"), False),
        "fallback_first": (with_fallbacks, mint(secret), True),
        "fallback_last": (with_fallbacks, mint(fallbacks[-1]), True),
    }
    now = now_us()

    def runner(engine, raw: str, valid: bool):
        if valid:
            return lambda: engine.decode(raw, True, now, 0)

        def refused() -> None:
            try:
                engine.decode(raw, True, now, 0)
            except _native.JWTError:
                return
            raise AssertionError("an unknown kid was accepted")

        return refused

    calls = {name: runner(*case) for name, case in cases.items()}
    for call in calls.values():
        call()  # checks each case behaves as labelled
    number = 1
    while timeit.timeit(calls["single"], number=number) < batch_s:
        number *= 2
    samples: dict[str, list[float]] = {name: [] for name in calls}
    # Interleaved batches, so each row sees the same machine.
    for _ in range(batches):
        for name, call in calls.items():
            samples[name].append(timeit.timeit(call, number=number) / number)
    result = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "seconds": result,
        "over_single": {
            name: value - result["single"] for name, value in result.items()
        },
        "samples": samples,
        "calls_per_batch": number,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="probe", required=True)
    gil_parser = sub.add_parser("gil")
    gil_parser.add_argument("--seconds", type=float, default=2.0)
    gil_parser.add_argument("--repeats", type=int, default=3)
    memory_parser = sub.add_parser("memory")
    memory_parser.add_argument("--iterations", type=int, default=1_000_000)
    memory_parser.add_argument("--algorithm", default="HS256")
    sub.add_parser("import")
    keys_parser = sub.add_parser("keys")
    keys_parser.add_argument("--batches", type=int, default=7)
    keys_parser.add_argument("--batch-s", type=float, default=0.02)
    args = parser.parse_args()

    if args.probe == "gil":
        result = gil(args.seconds, args.repeats)
    elif args.probe == "memory":
        result = memory(args.iterations, args.algorithm)
    elif args.probe == "keys":
        result = keys(args.batches, args.batch_s)
    else:
        result = import_cost()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
