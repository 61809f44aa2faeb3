"""Long loops keep resident memory flat: nothing leaks per token.

Each workload runs in a child process of its own (this module run as a
script), so the measurement sees only that workload: after a warm-up (the
allocators, caches and interned strings reach their steady size), resident
memory is read from /proc/self/statm at checkpoints through the loop and
must not grow by more than ``MAX_GROWTH`` in total. A leak of even 16 bytes
per iteration would show as 3 MiB over 200,000 iterations.

Workloads: validating tokens (the fast path and ``TokenBackend.decode``),
minting them (``AccessToken()``, ``str()``, refresh -> access), failing to
validate hostile tokens (every refusal path builds exceptions with chained
causes), asymmetric signing and verifying (the paths that release the GIL),
and building keys and engines (what a settings change does).
"""

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engine_support import child_environment

ROOT = Path(__file__).resolve().parent.parent
MAX_GROWTH = 3 * 1024 * 1024
CHECKPOINTS = 8

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/statm").exists(), reason="needs /proc/self/statm (Linux)"
)

# workload -> (warm-up iterations, measured iterations)
WORKLOADS = {
    "validate": (20_000, 200_000),
    "mint": (20_000, 200_000),
    "refuse": (20_000, 200_000),
    "asymmetric": (2_000, 20_000),
    "keys": (500, 5_000),
}


@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_resident_memory_stays_flat(workload):
    warm_up, iterations = WORKLOADS[workload]
    env = child_environment()
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.test_memory",
            workload,
            str(warm_up),
            str(iterations),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, f"{child.stdout}\n{child.stderr}"
    result = json.loads(child.stdout.strip().splitlines()[-1])
    samples = result["rss"]
    growth = samples[-1] - samples[0]
    assert result["iterations"] == iterations
    assert growth < MAX_GROWTH, (
        f"{workload}: resident memory grew {growth / 2**20:.2f} MiB over "
        f"{iterations} iterations: {[round(s / 2**20, 2) for s in samples]} MiB"
    )
    # Nor does it creep up steadily below the bound: the second half of the
    # run adds less than the first half's allowance.
    half = samples[len(samples) // 2]
    assert samples[-1] - half < MAX_GROWTH / 2, samples


# -- the child ---------------------------------------------------------------------


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _workload(name: str):
    """The step a workload repeats; each call does a few token operations."""
    import django

    django.setup()

    from rest_framework_simplejwt import _native
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
    from tests.engine_support import (
        b64url,
        hs256_token,
        pem,
        signing_key,
        verifying_key,
    )

    secret = "memory-test-secret-" + "0123456789abcdef" * 3
    backend = TokenBackend("HS256", secret)
    now = int(time.time())

    if name == "validate":
        raw = str(AccessToken())
        raw_backend = backend.encode({"user_id": "é" * 20, "exp": now + 3600})

        def step(i: int) -> None:
            AccessToken(raw)
            backend.decode(raw_backend)

        return step

    if name == "mint":

        def step(i: int) -> None:
            access = AccessToken()
            access["user_id"] = i
            str(access)
            refresh = RefreshToken()
            str(refresh.access_token)
            backend.encode({"user_id": i, "nested": [i, {"x": str(i)}]})

        return step

    if name == "refuse":
        from django.conf import settings

        good = str(AccessToken())
        header, payload, signature = good.split(".")
        none_header = b64url(b'{"alg":"none"}')
        key = settings.SECRET_KEY
        hostile = [
            f"{header}.{payload}.{signature[:-2]}AA",  # bad signature
            hs256_token({"alg": "HS256"}, {"exp": 1, "jti": "x"}, key),  # expired
            f"{none_header}.{payload}.",  # alg none
            f"{header}.{payload}",  # two segments
            f"{header}.!!!.{signature}",  # not base64url
            hs256_token({"alg": "HS256"}, b"[" * 300, key),  # too deep
            hs256_token({"alg": "HS256"}, b"\xff\xfe", key),  # not UTF-8
            hs256_token({"alg": "HS256", "crit": ["exp"]}, {"exp": now}, key),
            hs256_token({"alg": "HS256"}, {"exp": "soon", "jti": "x"}, key),
            hs256_token({"alg": "HS256"}, {"exp": 2**70}, key),
            hs256_token(
                {"alg": "HS256"},
                {"token_type": "refresh", "exp": now + 600, "jti": "x"},
                key,
            ),  # wrong type
            "a" * (_native.MAX_TOKEN_BYTES + 1),
            b"\xff" * 40,
            "x\ud800.y.z",
        ]

        def step(i: int) -> None:
            raw = hostile[i % len(hostile)]
            try:
                AccessToken(raw)
            except TokenError:
                pass
            else:
                raise AssertionError(f"accepted {raw!r}")
            with contextlib.suppress(TokenBackendError):
                backend.decode(raw)

        return step

    if name == "asymmetric":
        backends = [
            TokenBackend(alg, signing_key(alg), verifying_key(alg))
            for alg in ("RS256", "ES256", "EdDSA")
        ]
        tokens = [b.encode({"user_id": "1", "exp": now + 3600}) for b in backends]

        def step(i: int) -> None:
            which = i % 3
            backends[which].decode(tokens[which])
            if i % 10 == 0:
                backends[which].encode({"user_id": str(i)})
            with contextlib.suppress(TokenBackendError):
                backends[which].decode(tokens[(which + 1) % 3])

        return step

    if name == "keys":
        rsa_public = pem("rsa_public_spki.pem")
        ec_public = pem("p256_public.pem")
        jwk = {"kty": "oct", "k": b64url(secret.encode())}

        def step(i: int) -> None:
            _native.Key.from_pem("RS256", rsa_public)
            _native.Key.from_pem("ES256", ec_public)
            _native.Key.from_jwk(jwk, "HS256")
            engine = TokenBackend("HS256", secret + str(i % 7))
            engine.decode(engine.encode({"i": i}))
            with contextlib.suppress(_native.JWTError):
                _native.Key.from_pem("RS256", "not a key")

        return step

    raise ValueError(name)


def _child(name: str, warm_up: int, iterations: int) -> dict:
    import gc

    step = _workload(name)
    for i in range(warm_up):
        step(i)
    gc.collect()
    samples = [resident_bytes()]
    started = time.perf_counter()
    every = iterations // CHECKPOINTS
    for i in range(iterations):
        step(i)
        if (i + 1) % every == 0:
            gc.collect()
            samples.append(resident_bytes())
    return {
        "iterations": iterations,
        "rss": samples,
        "seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    name, warm_up, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(_child(name, warm_up, iterations)))
