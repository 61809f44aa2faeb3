#!/usr/bin/env python3
"""A guided tour of the example project's JWT endpoints, over real HTTP.

Run it against a running server (``make demo`` starts one and runs this):

    python example/walkthrough.py --base-url http://127.0.0.1:8000

Every step sends one request, prints the request and the response (status and
JSON), and checks that the answer is the one simplejwt gives. The exit status
is 0 when every step behaved, 1 otherwise. Only the standard library is used,
so it works with any Python 3.10+ and against either simplejwt package.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"

# Plain HTTP to localhost: ignore any proxy configured in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StepFailed(Exception):
    pass


@dataclass
class Reply:
    status: int
    reason: str
    headers: dict[str, str]
    body: Any


def _is_jwt(value: Any) -> bool:
    return isinstance(value, str) and value.count(".") == 2 and len(value) > 40


def _b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Tour:
    def __init__(self, base_url: str, *, full_tokens: bool, color: bool) -> None:
        self.base_url = base_url.rstrip("/")
        self.full_tokens = full_tokens
        self.color = color
        self.number = 0
        self.total = 0

    # -- printing ---------------------------------------------------------

    def _style(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def step(self, title: str, explanation: str) -> None:
        self.number += 1
        heading = f"Step {self.number} of {self.total}: {title}"
        self.say()
        self.say(self._style(f"== {heading} ", "1;36") + self._style("=" * 10, "36"))
        for line in explanation.strip().splitlines():
            self.say(f"   {line.strip()}")
        self.say()

    def _shorten(self, value: Any) -> Any:
        if self.full_tokens:
            return value
        if _is_jwt(value):
            return f"{value[:16]}...{value[-8:]}"
        if isinstance(value, dict):
            return {k: self._shorten(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._shorten(v) for v in value]
        return value

    def _show_json(self, value: Any) -> None:
        text = json.dumps(self._shorten(value), indent=2, ensure_ascii=False)
        for line in text.splitlines():
            self.say(f"     {line}")

    # -- HTTP ---------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        token: str | None = None,
        expect: int,
        shape: dict[str, Any],
    ) -> Reply:
        """Send one request, print both sides, check status and JSON shape.

        ``shape`` lists every key the JSON object must have (no more, no
        fewer); a value of ``...`` accepts anything, a callable is a test,
        anything else must be equal.
        """
        headers = {"Accept": "application/json"}
        data = None
        self.say(self._style(f"   > {method} {path}", "1"))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
            self.say(f"     Authorization: Bearer {self._shorten(token)}")
        if json_body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(json_body).encode()
            self._show_json(json_body)
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with _OPENER.open(request, timeout=30) as response:
                reply = self._reply(response)
        except urllib.error.HTTPError as error:
            reply = self._reply(error)
        self.say(self._style(f"   < {reply.status} {reply.reason}", "1"))
        if "WWW-Authenticate" in reply.headers:
            self.say(f"     WWW-Authenticate: {reply.headers['WWW-Authenticate']}")
        self._show_json(reply.body)
        self._check(reply, expect, shape)
        return reply

    @staticmethod
    def _reply(response: Any) -> Reply:
        raw = response.read()
        headers = dict(response.headers.items())
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        return Reply(response.status, response.reason, headers, body)

    def _check(self, reply: Reply, status: int, shape: dict[str, Any]) -> None:
        problems = []
        if reply.status != status:
            problems.append(f"status {reply.status}, expected {status}")
        body = reply.body
        if not isinstance(body, dict):
            problems.append(f"body is not a JSON object: {body!r}")
        else:
            if set(body) != set(shape):
                problems.append(f"keys {sorted(body)}, expected {sorted(shape)}")
            for key, want in shape.items():
                if key not in body or want is ...:
                    continue
                got = body[key]
                if isinstance(want, type):
                    ok = isinstance(got, want)
                elif callable(want):
                    ok = want(got)
                else:
                    ok = got == want
                if not ok:
                    problems.append(f"{key!r} is {got!r}, expected {want!r}")
        if problems:
            self.say(self._style("   FAILED: " + "; ".join(problems), "1;31"))
            raise StepFailed(f"step {self.number}: " + "; ".join(problems))
        self.say(self._style(f"   ok: {status} as expected", "32"))


def _messages_say(text: str) -> Callable[[Any], bool]:
    def test(messages: Any) -> bool:
        return (
            isinstance(messages, list)
            and bool(messages)
            and all(isinstance(m, dict) and m.get("message") == text for m in messages)
        )

    test.__name__ = f"every message is {text!r}"
    return test


def _forge(access: str) -> str:
    """The access token with its user id changed and the old signature kept."""
    header, payload, signature = access.split(".")
    claims = _b64url_json(payload)
    claims["user_id"] = "999999"
    forged = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{forged}.{signature}"


STEPS = 12


def run(tour: Tour) -> None:
    tour.total = STEPS
    blacklisted = {"detail": "Token is blacklisted", "code": "token_not_valid"}

    tour.step(
        "log in and get a token pair",
        """
        Send the username and password once. The answer holds two JSON Web Tokens:
        an access token (valid 5 minutes here) that goes with every API request,
        and a refresh token (valid 1 day) that buys new access tokens.
        """,
    )
    pair = tour.call(
        "POST",
        "/api/token/",
        json_body={"username": DEMO_USERNAME, "password": DEMO_PASSWORD},
        expect=200,
        shape={"refresh": _is_jwt, "access": _is_jwt},
    ).body
    access, refresh = pair["access"], pair["refresh"]
    tour.say()
    tour.say("   A JWT is header.payload.signature. Anyone can read the payload")
    tour.say("   (it is only base64url-encoded); only the server can sign it:")
    tour._show_json(_b64url_json(access.split(".")[1]))

    tour.step(
        "a wrong password gets no tokens",
        "Same request with a bad password: 401 and no token.",
    )
    tour.call(
        "POST",
        "/api/token/",
        json_body={"username": DEMO_USERNAME, "password": "not-the-password"},
        expect=401,
        shape={"detail": "No active account found with the given credentials"},
    )

    tour.step(
        "a protected endpoint refuses anonymous requests",
        """
        /api/me/ needs an authenticated user (IsAuthenticated). Without a token the
        server answers 401 and names the scheme it expects in WWW-Authenticate.
        """,
    )
    tour.call(
        "GET",
        "/api/me/",
        expect=401,
        shape={"detail": "Authentication credentials were not provided."},
    )

    tour.step(
        "call the protected endpoint with the access token",
        """
        Send the access token in the Authorization header. JWTAuthentication checks
        the signature and expiry, then loads the user named by the "user_id" claim.
        """,
    )
    tour.call(
        "GET",
        "/api/me/",
        token=access,
        expect=200,
        shape={"id": ..., "username": DEMO_USERNAME, "name": "Ada Lovelace"},
    )

    tour.step(
        "the same token, checked without touching the database",
        """
        /api/me/stateless/ uses JWTStatelessUserAuthentication: request.user is a
        TokenUser built from the token's claims, with no user query at all.
        """,
    )
    tour.call(
        "GET",
        "/api/me/stateless/",
        token=access,
        expect=200,
        shape={"user_id": ..., "token_type": "access", "expires_at": int},
    )

    tour.step(
        "verify a token",
        """
        /api/token/verify/ tells whether a token's signature and expiry are good,
        for services that want to ask instead of checking themselves. 200 and {}.
        """,
    )
    tour.call(
        "POST", "/api/token/verify/", json_body={"token": access}, expect=200, shape={}
    )

    tour.step(
        "a token whose payload was edited is refused",
        """
        Change "user_id" in the payload and keep the signature: the signature no
        longer matches, so the token is rejected (the answer lists, per accepted
        token class, why).
        """,
    )
    forged = _forge(access)
    tour.say("   The edited payload (the token's middle part; its header and")
    tour.say("   signature, which the shortened form shows, are unchanged):")
    tour._show_json(_b64url_json(forged.split(".")[1]))
    tour.say()
    tour.call(
        "GET",
        "/api/me/",
        token=forged,
        expect=401,
        shape={
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": _messages_say("Token is invalid"),
        },
    )

    tour.step(
        "refresh: trade the refresh token for new tokens",
        """
        When the access token expires, post the refresh token. With
        ROTATE_REFRESH_TOKENS the answer also carries a new refresh token, and
        BLACKLIST_AFTER_ROTATION revokes the one just used.
        """,
    )
    rotated = tour.call(
        "POST",
        "/api/token/refresh/",
        json_body={"refresh": refresh},
        expect=200,
        shape={"access": _is_jwt, "refresh": _is_jwt},
    ).body
    if rotated["refresh"] == refresh:
        raise StepFailed("the refresh endpoint returned the same refresh token")
    new_access, new_refresh = rotated["access"], rotated["refresh"]

    tour.step(
        "the old refresh token cannot be used twice",
        """
        Replaying the refresh token from step 1 fails: it was blacklisted when it
        was rotated. A thief who copied it gets nothing.
        """,
    )
    tour.call(
        "POST",
        "/api/token/refresh/",
        json_body={"refresh": refresh},
        expect=401,
        shape=blacklisted,
    )

    tour.step(
        "log out: blacklist the current refresh token",
        "/api/token/blacklist/ revokes a refresh token; the answer is 200 and {}.",
    )
    tour.call(
        "POST",
        "/api/token/blacklist/",
        json_body={"refresh": new_refresh},
        expect=200,
        shape={},
    )

    tour.step(
        "the logged-out refresh token is refused",
        "It is in the blacklist now, so no new access token comes from it.",
    )
    tour.call(
        "POST",
        "/api/token/refresh/",
        json_body={"refresh": new_refresh},
        expect=401,
        shape=blacklisted,
    )

    tour.step(
        "access tokens live until they expire",
        """
        The blacklist holds refresh tokens; access tokens are never looked up in
        it, so the access token from step 8 keeps working until its "exp"
        (5 minutes here). That is why ACCESS_TOKEN_LIFETIME should stay short.
        """,
    )
    tour.call(
        "GET",
        "/api/me/",
        token=new_access,
        expect=200,
        shape={"id": ..., "username": DEMO_USERNAME, "name": "Ada Lovelace"},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--full-tokens", action="store_true", help="print tokens in full"
    )
    args = parser.parse_args(argv)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    tour = Tour(args.base_url, full_tokens=args.full_tokens, color=color)
    tour.say(f"Walkthrough against {tour.base_url} (tokens are shortened as")
    tour.say("first...last characters; --full-tokens prints them whole).")
    try:
        run(tour)
    except StepFailed as failure:
        tour.say()
        tour.say(tour._style(f"WALKTHROUGH FAILED at {failure}", "1;31"))
        return 1
    except OSError as error:
        tour.say()
        tour.say(
            tour._style(f"WALKTHROUGH FAILED: cannot reach the server: {error}", "1;31")
        )
        return 1
    tour.say()
    tour.say(tour._style(f"All {tour.total} steps behaved as expected.", "1;32"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
