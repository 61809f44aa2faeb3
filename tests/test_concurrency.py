"""Many threads at once: only correct results, and the GIL released where the
design says (around asymmetric signing and verification, not around HMAC).

Correctness: threads started together by a barrier mint and validate tokens
with HS256, RS256, ES256 and EdDSA on shared backends (one ``Engine`` and its
parsed keys per backend, as in a server), and through the token classes on
the settings' backend. Every decode must equal the payload its minter wrote,
every minted token must verify with a separately built backend, and a
thread must never see another thread's claims.

GIL release, observed rather than timed: a Python thread counts in a loop
while another thread makes single native calls, reading the counter just
before and just after each call. A call that keeps the GIL lets no Python
bytecode run in another thread, so the counter cannot move across it (bar a
rare garbage collection); a call that releases the GIL lets the counting
thread run, so the counter moves across nearly every call. With 2 threads
signing RS256 the throughput is also measured against 1 thread.
"""

import json
import os
import random
import sys
import threading
import time
import uuid

import pytest
from django.test import override_settings

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken
from tests.engine_support import signing_key, simple_jwt, verifying_key

THREADS = 8
ALGORITHMS = ["HS256", "RS256", "ES256", "EdDSA"]
SECRET = "concurrency-test-secret-" + "0123456789abcdef" * 3


def make_backend(alg: str) -> TokenBackend:
    if alg == "HS256":
        return TokenBackend("HS256", SECRET)
    return TokenBackend(alg, signing_key(alg), verifying_key(alg))


def run_together(work, threads: int = THREADS, timeout: float = 120) -> list:
    """Runs ``work(index)`` in ``threads`` threads released at once; returns
    the results in index order and re-raises the first failure."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads
    errors: list = []

    def body(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append((index, e))

    workers = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout)
    assert not any(worker.is_alive() for worker in workers), "a thread hung"
    if errors:
        index, error = errors[0]
        raise AssertionError(f"thread {index} failed: {error!r}") from error
    return results


def payload_for(alg: str, thread: int, serial: int) -> dict:
    return {
        "alg_used": alg,
        "thread": thread,
        "serial": serial,
        "user_id": f"user-{thread}-{serial}",
        "jti": uuid.uuid4().hex,
        "exp": int(time.time()) + 600,
        "nested": {"list": [thread, serial, str(thread) * serial], "ok": True},
        "text": "é😀" * (serial % 5),
    }


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_threads_minting_and_validating_on_one_backend(alg):
    shared = make_backend(alg)
    checker = make_backend(alg)  # an engine of its own, same keys
    # Tokens minted beforehand, decoded by every thread in its own order.
    premade = [
        (shared.encode(p), p) for p in (payload_for(alg, -1, i) for i in range(20))
    ]
    iterations = 60 if alg == "HS256" else 25

    def work(index: int) -> int:
        rng = random.Random(index)
        checked = 0
        for serial in range(iterations):
            payload = payload_for(alg, index, serial)
            token = shared.encode(payload)
            assert shared.decode(token) == payload
            assert checker.decode(token) == payload
            other_token, other_payload = premade[rng.randrange(len(premade))]
            assert shared.decode(other_token) == other_payload
            checked += 3
        return checked

    results = run_together(work)
    assert results == [iterations * 3] * THREADS


def test_threads_on_every_algorithm_at_once():
    backends = {alg: make_backend(alg) for alg in ALGORITHMS}
    checkers = {alg: make_backend(alg) for alg in ALGORITHMS}

    def work(index: int) -> dict:
        alg = ALGORITHMS[index % len(ALGORITHMS)]
        minted = {}
        for serial in range(20):
            payload = payload_for(alg, index, serial)
            token = backends[alg].encode(payload)
            minted[token] = payload
            # Another algorithm's backend must refuse it, whatever its state.
            other = ALGORITHMS[(index + 1) % len(ALGORITHMS)]
            with pytest.raises(Exception) as caught:
                backends[other].decode(token)
            assert type(caught.value).__name__ == "TokenBackendError"
        return alg, minted

    results = run_together(work)
    tokens = set()
    for alg, minted in results:
        for token, payload in minted.items():
            assert checkers[alg].decode(token) == payload
            tokens.add(token)
    assert len(tokens) == THREADS * 20


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_token_classes_in_threads_see_only_their_own_claims(alg):
    with override_settings(SIMPLE_JWT=simple_jwt(alg) if alg != "HS256" else {}):

        def work(index: int) -> list[str]:
            raws = []
            for serial in range(15):
                refresh = RefreshToken()
                refresh["user_id"] = f"{index}:{serial}"
                access = refresh.access_token
                raw = str(access)
                raws.append(raw)
                decoded = AccessToken(raw)
                assert decoded["user_id"] == f"{index}:{serial}"
                assert decoded["jti"] == access["jti"]
                assert UntypedToken(raw).payload == decoded.payload
                fresh = AccessToken()
                fresh["user_id"] = index
                assert AccessToken(str(fresh))["user_id"] == index
            return raws

        results = run_together(work)
        for index, raws in enumerate(results):
            for serial, raw in enumerate(raws):
                assert AccessToken(raw)["user_id"] == f"{index}:{serial}"
        all_raws = [raw for raws in results for raw in raws]
        assert len(set(all_raws)) == len(all_raws)


# -- the GIL --------------------------------------------------------------------------


def moved_fraction(method, argument, *more, calls: int) -> float:
    """The fraction of ``calls`` calls ``method(argument, *more)`` across
    which a counting Python thread made progress.

    The switch interval is made longer than the whole measurement, so the
    interpreter never takes the GIL from the calling thread on its own: the
    counting thread can only run while a call has released it. The counting
    thread hands the GIL back after each step (``time.sleep(0)``), so a call
    that released it gets it back at once.
    """
    counter = [0]
    stop = threading.Event()
    started = threading.Event()

    def count() -> None:
        started.set()
        box = counter
        while not stop.is_set():
            box[0] += 1
            time.sleep(0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(60)
    thread = threading.Thread(target=count)
    thread.start()
    started.wait()
    moved = 0
    box = counter
    try:
        for _ in range(calls):
            before = box[0]
            method(argument, *more)
            if box[0] != before:
                moved += 1
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
    return moved / calls


def engine_and_token(alg: str, size: int):
    """A backend's engine, a payload of about ``size`` bytes as JSON, and a
    token for it. Large payloads make each call long enough (hashing tens of
    KiB) for a waiting thread to be scheduled in it even on a busy machine."""
    engine = make_backend(alg)._engine
    payload = json.dumps({"user_id": "1", "pad": "x" * size}).encode()
    token = engine.sign(payload)
    now = int(time.time() * 1_000_000)
    assert engine.decode(token, True, now, 0)["user_id"] == "1"
    return engine, payload, token, now


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA"])
def test_asymmetric_crypto_releases_the_gil(alg):
    engine, payload, token, now = engine_and_token(alg, 45_000)
    signing = moved_fraction(engine.sign, payload, calls=200)
    verifying = moved_fraction(engine.decode, token, True, now, 0, calls=200)
    # Nearly every call (0.75 to 1 measured on a busy machine): the counting
    # thread only has to be scheduled within the call. Holding the GIL would
    # make it 0, as for HMAC below.
    assert signing > 0.3, signing
    assert verifying > 0.3, verifying


def test_hmac_keeps_the_gil():
    # By design: an HMAC is cheaper than releasing and retaking the GIL. No
    # Python runs in another thread during these calls, long as they are.
    engine, payload, token, now = engine_and_token("HS256", 45_000)
    assert moved_fraction(engine.sign, payload, calls=500) == 0
    assert moved_fraction(engine.decode, token, True, now, 0, calls=500) == 0


def test_two_threads_sign_rs256_faster_than_one():
    # Two cores: with the GIL released around the RSA operation, two
    # threads sign nearly twice as fast as one.
    backend = make_backend("RS256")
    engine = backend._engine
    payload = b'{"user_id":"1"}'
    engine.sign(payload)

    def throughput(threads: int, seconds: float = 0.6) -> float:
        deadline = time.perf_counter() + seconds
        done = [0] * threads

        def work(index: int) -> None:
            while time.perf_counter() < deadline:
                engine.sign(payload)
                done[index] += 1

        started = time.perf_counter()
        run_together(work, threads)
        return sum(done) / (time.perf_counter() - started)

    best = max(throughput(2) / throughput(1) for _ in range(3))
    if best < 1.3 and os.getloadavg()[0] > 1.0:
        # Other processes hold the second core: nothing to conclude.
        pytest.skip(f"machine busy (load {os.getloadavg()[0]:.1f}): {best:.2f}x")
    assert best > 1.3, f"2 threads sign {best:.2f}x as fast as 1"
