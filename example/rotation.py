#!/usr/bin/env python3
"""Two services and a key rotation: an auth service issues ES256 tokens and
publishes its keys at /.well-known/jwks.json; an API service holds no key and
verifies through JWK_URL. The signing key is rotated as the README's "Key
rotation" section says, and no valid token is refused on the way.

    python example/rotation.py [--check] [--port N]   # N and N+1 are used

``make demo`` runs it after the walkthrough (the database must hold the demo
user: demo.py migrates and makes it first). Each step restarts the auth
service with its new settings; the API service is restarted where a real one
would have waited out its JWKS cache (300 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import walkthrough

EXAMPLE = Path(__file__).resolve().parent
STARTUP_TIMEOUT = 30.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failed(Exception):
    pass


class Service:
    """``runserver`` for one service, with its environment."""

    def __init__(self, name: str, port: int, env: dict[str, str]) -> None:
        self.name = name
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, **settings: str) -> None:
        self.stop()
        env = {**os.environ, **self.env, **settings}
        env["DJANGO_SETTINGS_MODULE"] = "project.settings"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ],
            cwd=EXAMPLE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed(
                    f"the {self.name} service exited: {self.process.stderr.read()}"
                )
            try:
                _OPENER.open(self.url + "/api/me/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # 401: it answers
            except OSError:
                time.sleep(0.1)
        raise Failed(f"the {self.name} service did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def request(
    url: str, body: dict | None = None, token: str | None = None
) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with _OPENER.open(urllib.request.Request(url, data, headers), timeout=15) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def kid_of(token: str) -> str:
    return walkthrough._b64url_json(token.split(".")[0]).get("kid")


def make_key(folder: Path, name: str) -> tuple[Path, dict]:
    """A new ES256 key made by ``manage.py simplejwt_keys generate``: the
    private key file and the public JWK."""
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "simplejwt_keys",
            "generate",
            "-a",
            "ES256",
            "--kid",
            name,
            "--json",
        ],
        cwd=EXAMPLE,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    made = json.loads(proc.stdout)
    path = folder / f"{name}.pem"
    path.write_text(made["signing_key"])
    path.chmod(0o600)
    return path, made["jwk"]


def run(port: int, say) -> int:
    with tempfile.TemporaryDirectory(prefix="simplejwt-rotation-") as tmp:
        folder = Path(tmp)
        old_file, old_jwk = make_key(folder, "2026-01")
        new_file, new_jwk = make_key(folder, "2026-07")
        auth = Service("auth", port, {"EXAMPLE_SERVICE": "auth"})
        api = Service(
            "api",
            port + 1,
            {
                "EXAMPLE_SERVICE": "api",
                "EXAMPLE_JWK_URL": f"{auth.url}/.well-known/jwks.json",
            },
        )
        live: dict[str, str] = {}
        checks = 0

        def login(label: str) -> None:
            status, body = request(
                f"{auth.url}/api/token/",
                {
                    "username": walkthrough.DEMO_USERNAME,
                    "password": walkthrough.DEMO_PASSWORD,
                },
            )
            if status != 200:
                raise Failed(f"login at the auth service: {status} {body}")
            live[label] = body["access"]
            say(
                f"  logged in at the auth service: access token with kid {kid_of(body['access'])!r}"
            )

        def expect(label: str, accepted: bool) -> None:
            nonlocal checks
            status, body = request(f"{api.url}/api/me/stateless/", token=live[label])
            verdict = "accepted" if status == 200 else f"refused ({status})"
            say(f"  API service, token from {label}: {verdict}")
            if (status == 200) != accepted:
                raise Failed(f"the token from {label} was {verdict}")
            checks += 1

        def jwks() -> list[str]:
            _, body = request(f"{auth.url}/.well-known/jwks.json")
            return [key["kid"] for key in body["keys"]]

        try:
            say("\nKey rotation across two services (README: Key rotation)")
            say(
                "1. The auth service signs with key 2026-01; the API verifies via JWK_URL."
            )
            auth.start(
                EXAMPLE_SIGNING_KEY_FILE=str(old_file), EXAMPLE_SIGNING_KEY_ID="2026-01"
            )
            api.start()
            say(f"  published keys: {jwks()}")
            login("step 1")
            expect("step 1", True)

            say("2. The next key, 2026-07, is published before it signs anything.")
            auth.start(
                EXAMPLE_SIGNING_KEY_FILE=str(old_file),
                EXAMPLE_SIGNING_KEY_ID="2026-01",
                EXAMPLE_VERIFYING_KEYS=json.dumps({"2026-07": new_jwk}),
            )
            say(f"  published keys: {jwks()}")
            login("step 2")
            expect("step 1", True)
            expect("step 2", True)
            say(
                "  (the API's JWKS cache expires: it is restarted here instead of waiting 300 s)"
            )
            api.start()

            say(
                "3. Signing switches to 2026-07; 2026-01 stays published for its tokens."
            )
            auth.start(
                EXAMPLE_SIGNING_KEY_FILE=str(new_file),
                EXAMPLE_SIGNING_KEY_ID="2026-07",
                EXAMPLE_VERIFYING_KEYS=json.dumps({"2026-01": old_jwk}),
            )
            say(f"  published keys: {jwks()}")
            login("step 3")
            for label in ("step 1", "step 2", "step 3"):
                expect(label, True)

            say("4. After the longest token lifetime, 2026-01 is retired.")
            auth.start(
                EXAMPLE_SIGNING_KEY_FILE=str(new_file), EXAMPLE_SIGNING_KEY_ID="2026-07"
            )
            say(f"  published keys: {jwks()}")
            api.start()  # again, in place of waiting out its cache
            expect("step 3", True)
            expect("step 1", False)
            expect("step 2", False)
        except (Failed, OSError) as failure:
            say(f"ROTATION FAILED: {failure}")
            return 1
        finally:
            api.stop()
            auth.stop()
        say(f"Key rotation: all {checks} checks behaved as expected.")
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    return run(args.port, lambda text: print(text, flush=True))


if __name__ == "__main__":
    sys.exit(main())
