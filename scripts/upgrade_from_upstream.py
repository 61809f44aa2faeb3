#!/usr/bin/env python3
"""Prove that a live project can switch from upstream simplejwt to ours (and back).

A project runs upstream djangorestframework-simplejwt 5.5.1, has users, issued
tokens and a blacklist; it swaps the pip package for ours and changes nothing
else. This script plays that story with one generated settings module (same
SECRET_KEY / SIGNING_KEY for both packages) and one SQLite file:

1. upstream, in a throwaway virtualenv from PyPI: ``migrate``; create users;
   issue refresh tokens (``RefreshToken.for_user``, the obtain-pair endpoint,
   a rotation through the refresh endpoint), blacklist some (``blacklist()``
   and the blacklist endpoint), keep access tokens; record all of it.
2. ours, in the project's virtualenv: ``migrate --check`` and
   ``showmigrations`` find nothing to apply; every outstanding and blacklisted
   row is still there; tokens blacklisted under upstream are refused
   (``RefreshToken``, the refresh serializer and endpoint, the verify
   endpoint); upstream's access tokens authenticate (``JWTAuthentication``,
   the stateless variant, a protected view); a live upstream refresh token
   refreshes and is rotated; ours issues and blacklists tokens of its own.
3. upstream again (rolling back): it accepts the tokens ours issued
   (``AccessToken``, ``RefreshToken``, ``JWTAuthentication``, the refresh
   endpoint), refuses the one ours blacklisted, reads ours' rows, and still
   finds nothing to migrate.

Prints PASS/FAIL per check and exits 1 if any failed. Needs PyPI for step 1
(pip's cache makes later runs faster; --venv DIR keeps the virtualenv).

Usage: .venv/bin/python scripts/upgrade_from_upstream.py [--keep] [--venv DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _upstream_venv as uv

SETTINGS_MODULE = "upgrade_settings"

# A project set up the way USER-QUICKSTART.md tells (its SIMPLE_JWT block and
# short HMAC key included) plus the blacklist app, with rotation switched on.
SETTINGS_TEMPLATE = """\
import os
from datetime import timedelta

SECRET_KEY = "simplejwt_key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = "upgrade_urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["UPGRADE_CHECK_DB"],
    }
}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
]
# Only to keep user creation quick; tokens do not depend on it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
    ],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "VERIFYING_KEY": "",
    "AUDIENCE": None,
    "ISSUER": None,
    "JSON_ENCODER": None,
    "JWK_URL": None,
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "USER_AUTHENTICATION_RULE": "rest_framework_simplejwt.authentication.default_user_authentication_rule",
    "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.AccessToken",),
    "TOKEN_TYPE_CLAIM": "token_type",
    "TOKEN_USER_CLASS": "rest_framework_simplejwt.models.TokenUser",
    "JTI_CLAIM": "jti",
    "SLIDING_TOKEN_REFRESH_EXP_CLAIM": "refresh_exp",
    "SLIDING_TOKEN_LIFETIME": timedelta(minutes=5),
    "SLIDING_TOKEN_REFRESH_LIFETIME": timedelta(days=1),
    "TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "rest_framework_simplejwt.serializers.TokenVerifySerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "rest_framework_simplejwt.serializers.TokenBlacklistSerializer",
    "SLIDING_TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainSlidingSerializer",
    "SLIDING_TOKEN_REFRESH_SERIALIZER": "rest_framework_simplejwt.serializers.TokenRefreshSlidingSerializer",
}
"""

URLS_TEMPLATE = """\
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
    TokenVerifyView,
)


@api_view(["GET"])
def whoami(request):
    return Response({"username": request.user.get_username()})


urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("api/token/verify/", TokenVerifyView.as_view(), name="token_verify"),
    path("api/token/blacklist/", TokenBlacklistView.as_view(), name="token_blacklist"),
    path("api/whoami/", whoami, name="whoami"),
]
"""

PASSWORD = "correct horse battery staple"
BLACKLISTED_DETAIL = {"detail": "Token is blacklisted", "code": "token_not_valid"}


# ---------------------------------------------------------------------------
# Phases: run as `python upgrade_from_upstream.py --phase NAME --state DIR` by
# the interpreter of one package or the other, with Django configured by the
# environment. They import Django lazily and only through public APIs, so the
# same code drives upstream and ours.
# ---------------------------------------------------------------------------


class Checks:
    """Collects named results; a check passes when its block raises nothing."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.results: list[dict[str, Any]] = []

    @contextmanager
    def check(self, name: str):
        entry = {"phase": self.phase, "check": name, "ok": False, "detail": ""}
        self.results.append(entry)
        try:
            yield entry
        except Exception as error:
            entry["detail"] = f"{type(error).__name__}: {error}"
            entry["traceback"] = traceback.format_exc()
        else:
            entry["ok"] = True


def require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _setup_django() -> None:
    import django

    django.setup()


def _snapshot() -> dict[str, list]:
    """Every blacklist-app row, as plain data."""
    from rest_framework_simplejwt.token_blacklist.models import (
        BlacklistedToken,
        OutstandingToken,
    )

    outstanding = [
        [
            row.id,
            row.jti,
            row.user_id,
            row.token,
            row.created_at and row.created_at.isoformat(),
            row.expires_at.isoformat(),
        ]
        for row in OutstandingToken.objects.order_by("id")
    ]
    blacklisted = [
        [row.id, row.token.jti, row.blacklisted_at.isoformat()]
        for row in BlacklistedToken.objects.select_related("token").order_by("id")
    ]
    return {"outstanding": outstanding, "blacklisted": blacklisted}


def _compare_snapshots(now: dict, before: dict, who: str) -> str:
    problems = []
    for table in ("outstanding", "blacklisted"):
        old = {tuple(r)[1]: r for r in before[table]}
        new = {tuple(r)[1]: r for r in now[table]}
        missing = sorted(old.keys() - new.keys())
        if missing:
            problems.append(f"{table}: {len(missing)} jti(s) missing: {missing}")
        changed = [jti for jti in old.keys() & new.keys() if old[jti] != new[jti]]
        if changed:
            problems.append(f"{table}: rows changed for jti(s) {sorted(changed)}")
    require(not problems, f"{who}: " + "; ".join(problems))
    return (
        f"{len(before['outstanding'])} outstanding and "
        f"{len(before['blacklisted'])} blacklisted rows, ids/jtis/values identical"
    )


def _jti(raw: str) -> str:
    from rest_framework_simplejwt.tokens import UntypedToken

    return UntypedToken(raw, verify=False)["jti"]


def _client(token: str | None = None):
    from rest_framework.test import APIClient

    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _post(path: str, data: dict, token: str | None = None):
    response = _client(token).post(path, data, format="json")
    return response.status_code, response.json()


def _get(path: str, token: str):
    response = _client(token).get(path)
    return response.status_code, response.json()


def _authenticate(auth_class, raw: str):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    result = auth_class().authenticate(request)
    require(result is not None, f"{auth_class.__name__} returned None")
    return result


def _expect_refused_as_blacklisted(token_class, raw: str) -> None:
    from rest_framework_simplejwt.exceptions import TokenError

    try:
        token_class(raw)
    except TokenError as error:
        require(
            str(error) == "Token is blacklisted",
            f"{token_class.__name__} raised TokenError({error!s}), "
            "expected 'Token is blacklisted'",
        )
        return
    raise AssertionError(f"{token_class.__name__}(raw) accepted a blacklisted token")


def _users_by_name() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


def phase_upstream_issue(state: Path, checks: Checks) -> None:
    """Upstream issues and blacklists tokens; the record goes to state."""
    _setup_django()
    from django.contrib.auth import get_user_model

    from rest_framework_simplejwt.tokens import RefreshToken

    record: dict[str, Any] = {"users": {}, "blacklisted": [], "live_refresh": {}}
    with checks.check("upstream issues and blacklists tokens") as entry:
        User = get_user_model()
        users = {
            name: User.objects.create_user(name, f"{name}@example.com", PASSWORD)
            for name in ("alice", "bob", "carol")
        }
        record["users"] = {name: user.pk for name, user in users.items()}

        issued = {
            name: [RefreshToken.for_user(u) for _ in range(3)]
            for name, u in users.items()
        }
        # Revoked in each of upstream's ways: the method, the endpoint, rotation.
        for token in (issued["alice"][0], issued["bob"][0], issued["bob"][1]):
            token.blacklist()
            record["blacklisted"].append(str(token))
        status, body = _post(
            "/api/token/blacklist/", {"refresh": str(issued["carol"][0])}
        )
        require(status == 200, f"blacklist endpoint: {status} {body}")
        record["blacklisted"].append(str(issued["carol"][0]))
        status, body = _post(
            "/api/token/refresh/", {"refresh": str(issued["alice"][1])}
        )
        require(
            status == 200 and "refresh" in body, f"refresh endpoint: {status} {body}"
        )
        record["blacklisted"].append(str(issued["alice"][1]))

        record["live_refresh"] = {
            "alice_rotated": body["refresh"],
            "alice": str(issued["alice"][2]),
            "bob": str(issued["bob"][2]),
            "carol": str(issued["carol"][1]),
        }
        record["access"] = {
            "alice": str(issued["alice"][2].access_token),
            "alice_rotated": body["access"],
        }
        status, body = _post("/api/token/", {"username": "bob", "password": PASSWORD})
        require(status == 200, f"obtain endpoint: {status} {body}")
        record["access"]["bob"] = body["access"]
        record["live_refresh"]["bob_obtained"] = body["refresh"]

        record["rows"] = _snapshot()
        entry["detail"] = (
            f"{len(record['rows']['outstanding'])} outstanding, "
            f"{len(record['rows']['blacklisted'])} blacklisted, "
            f"{len(record['access'])} access tokens"
        )
    (state / "upstream.json").write_text(json.dumps(record, indent=1))


def phase_ours_check(state: Path, checks: Checks) -> None:
    """Our package reads upstream's rows and judges upstream's tokens."""
    _setup_django()
    # authentication and serializers are imported by the checks that use them,
    # so the other checks still run if one of those modules cannot be imported.
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.token_blacklist.models import (
        BlacklistedToken,
        OutstandingToken,
    )
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    record = json.loads((state / "upstream.json").read_text())
    users = _users_by_name()

    with checks.check("outstanding and blacklisted rows kept (counts, jtis)") as e:
        e["detail"] = _compare_snapshots(_snapshot(), record["rows"], "ours")
        require(
            OutstandingToken.objects.count() == len(record["rows"]["outstanding"])
            and BlacklistedToken.objects.count() == len(record["rows"]["blacklisted"]),
            "row counts differ",
        )

    with checks.check("upstream-blacklisted tokens: RefreshToken(raw) refused") as e:
        for raw in record["blacklisted"]:
            _expect_refused_as_blacklisted(RefreshToken, raw)
        e["detail"] = (
            f"{len(record['blacklisted'])} tokens, TokenError 'Token is blacklisted'"
        )

    with checks.check(
        "upstream-blacklisted tokens: TokenRefreshSerializer refuses"
    ) as e:
        from rest_framework_simplejwt.serializers import TokenRefreshSerializer

        for raw in record["blacklisted"]:
            serializer = TokenRefreshSerializer(data={"refresh": raw})
            try:
                serializer.is_valid(raise_exception=True)
            except TokenError as error:
                require(str(error) == "Token is blacklisted", f"TokenError({error!s})")
            else:
                raise AssertionError("the serializer accepted a blacklisted token")
        e["detail"] = "raises TokenError 'Token is blacklisted'"

    with checks.check("upstream-blacklisted tokens: refresh endpoint 401") as e:
        for raw in record["blacklisted"]:
            status, body = _post("/api/token/refresh/", {"refresh": raw})
            require(
                (status, body) == (401, BLACKLISTED_DETAIL),
                f"got {status} {body}",
            )
        e["detail"] = f"401 {BLACKLISTED_DETAIL}"

    with checks.check("upstream-blacklisted tokens: verify endpoint 400") as e:
        for raw in record["blacklisted"]:
            status, body = _post("/api/token/verify/", {"token": raw})
            want = {"non_field_errors": ["Token is blacklisted"]}
            require((status, body) == (400, want), f"got {status} {body}")
        e["detail"] = "400 {'non_field_errors': ['Token is blacklisted']}"

    with checks.check("upstream access tokens: AccessToken(raw) valid") as e:
        for name, raw in record["access"].items():
            token = AccessToken(raw)
            owner = name.split("_")[0]
            require(
                str(token["user_id"]) == str(record["users"][owner]),
                f"{name}: user_id {token['user_id']!r}",
            )
        e["detail"] = f"{len(record['access'])} tokens"

    with checks.check("upstream access tokens: JWTAuthentication authenticates") as e:
        from rest_framework_simplejwt.authentication import JWTAuthentication

        for name, raw in record["access"].items():
            user, token = _authenticate(JWTAuthentication, raw)
            owner = name.split("_")[0]
            require(user.pk == users[owner].pk, f"{name}: got user {user!r}")
            require(isinstance(token, AccessToken), f"auth is {type(token)}")
        e["detail"] = "(user, AccessToken) for each"

    with checks.check("upstream access tokens: JWTStatelessUserAuthentication") as e:
        from rest_framework_simplejwt.authentication import (
            JWTStatelessUserAuthentication,
        )

        for name, raw in record["access"].items():
            user, _token = _authenticate(JWTStatelessUserAuthentication, raw)
            owner = name.split("_")[0]
            require(str(user.id) == str(users[owner].pk), f"{name}: id {user.id!r}")
        e["detail"] = "TokenUser with the right id for each"

    with checks.check("upstream access token: protected view 200 via APIClient") as e:
        status, body = _get("/api/whoami/", record["access"]["alice"])
        require((status, body) == (200, {"username": "alice"}), f"got {status} {body}")
        e["detail"] = f"{status} {body}"

    live = record["live_refresh"]
    with checks.check("upstream live refresh token: refresh endpoint rotates it") as e:
        old = live["alice"]
        status, body = _post("/api/token/refresh/", {"refresh": old})
        require(
            status == 200 and set(body) == {"access", "refresh"}, f"got {status} {body}"
        )
        old_jti = _jti(old)
        require(
            OutstandingToken.objects.filter(jti=old_jti).count() == 1,
            "the rotated token's outstanding row is not upstream's single row",
        )
        require(
            BlacklistedToken.objects.filter(token__jti=old_jti).exists(),
            "the rotated token was not blacklisted",
        )
        require(
            OutstandingToken.objects.filter(jti=_jti(body["refresh"])).exists(),
            "the new refresh token has no outstanding row",
        )
        _expect_refused_as_blacklisted(RefreshToken, old)
        _, whoami = _get("/api/whoami/", body["access"])
        require(whoami == {"username": "alice"}, f"new access: {whoami}")
        e["detail"] = "200, old one blacklisted on upstream's row, new one outstanding"

    with checks.check("upstream live refresh token: blacklist endpoint, then 401") as e:
        raw = live["carol"]
        status, body = _post("/api/token/blacklist/", {"refresh": raw})
        require((status, body) == (200, {}), f"blacklist: {status} {body}")
        status, body = _post("/api/token/refresh/", {"refresh": raw})
        require(
            (status, body) == (401, BLACKLISTED_DETAIL), f"refresh: {status} {body}"
        )
        e["detail"] = "200 {} then 401 Token is blacklisted"

    ours: dict[str, Any] = {}
    with checks.check("ours issues and blacklists tokens for upstream's users") as e:
        refresh = RefreshToken.for_user(users["alice"])
        require(
            OutstandingToken.objects.filter(jti=refresh["jti"]).exists(),
            "for_user stored no outstanding row",
        )
        ours["refresh"] = str(refresh)
        ours["access"] = str(refresh.access_token)
        doomed = RefreshToken.for_user(users["carol"])
        doomed.blacklist()
        ours["blacklisted"] = str(doomed)
        status, body = _post("/api/token/", {"username": "bob", "password": PASSWORD})
        require(
            status == 200 and set(body) == {"access", "refresh"},
            f"obtain: {status} {body}",
        )
        ours["obtained"] = body
        ours["users"] = {"refresh": "alice", "access": "alice", "obtained": "bob"}
        ours["rows"] = _snapshot()
        e["detail"] = "for_user, blacklist(), obtain-pair endpoint"
    (state / "ours.json").write_text(json.dumps(ours, indent=1))


def phase_upstream_accepts(state: Path, checks: Checks) -> None:
    """Upstream, on the database ours used, judges ours' tokens."""
    _setup_django()
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    record = json.loads((state / "upstream.json").read_text())
    ours = json.loads((state / "ours.json").read_text())
    users = _users_by_name()
    alice = users["alice"]

    with checks.check("upstream reads every row ours left (counts, jtis)") as e:
        e["detail"] = _compare_snapshots(_snapshot(), ours["rows"], "upstream")

    with checks.check("ours' access tokens: upstream AccessToken(raw) valid") as e:
        for raw, owner in (
            (ours["access"], "alice"),
            (ours["obtained"]["access"], "bob"),
        ):
            token = AccessToken(raw)
            require(
                str(token["user_id"]) == str(users[owner].pk),
                f"user_id {token['user_id']!r}",
            )
        e["detail"] = "for_user's and the obtain endpoint's"

    with checks.check("ours' refresh tokens: upstream RefreshToken(raw) valid") as e:
        for raw in (ours["refresh"], ours["obtained"]["refresh"]):
            RefreshToken(raw)
        e["detail"] = "signature, exp, type, not blacklisted"

    with checks.check("ours' access token: upstream JWTAuthentication") as e:
        user, _token = _authenticate(JWTAuthentication, ours["access"])
        require(user.pk == alice.pk, f"got user {user!r}")
        status, body = _get("/api/whoami/", ours["obtained"]["access"])
        require(
            (status, body) == (200, {"username": "bob"}), f"whoami: {status} {body}"
        )
        e["detail"] = "authenticate() -> alice; protected view 200 for bob"

    with checks.check("ours' refresh token: upstream refresh endpoint 200") as e:
        status, body = _post("/api/token/refresh/", {"refresh": ours["refresh"]})
        require(
            status == 200 and set(body) == {"access", "refresh"}, f"got {status} {body}"
        )
        _expect_refused_as_blacklisted(RefreshToken, ours["refresh"])
        e["detail"] = "200 and rotated (blacklisted on ours' outstanding row)"

    with checks.check("token blacklisted by ours: upstream refuses it") as e:
        _expect_refused_as_blacklisted(RefreshToken, ours["blacklisted"])
        status, body = _post("/api/token/refresh/", {"refresh": ours["blacklisted"]})
        require((status, body) == (401, BLACKLISTED_DETAIL), f"got {status} {body}")
        e["detail"] = "TokenError and 401 'Token is blacklisted'"

    with checks.check(
        "upstream-blacklisted tokens still refused after the round trip"
    ) as e:
        for raw in record["blacklisted"]:
            _expect_refused_as_blacklisted(RefreshToken, raw)
        e["detail"] = f"{len(record['blacklisted'])} tokens"


PHASES = {
    "upstream-issue": phase_upstream_issue,
    "ours-check": phase_ours_check,
    "upstream-accepts": phase_upstream_accepts,
}


def run_phase(name: str, state: Path) -> int:
    checks = Checks(name)
    try:
        PHASES[name](state, checks)
    except Exception as error:  # setup failed: report it as a failed check
        checks.results.append(
            {
                "phase": name,
                "check": f"phase {name} ran to the end",
                "ok": False,
                "detail": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc(),
            }
        )
    (state / f"results-{name}.json").write_text(json.dumps(checks.results, indent=1))
    return 0


# ---------------------------------------------------------------------------
# The driver: builds the upstream virtualenv, runs commands and phases, reports.
# ---------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []

    def add(
        self, side: str, check: str, ok: bool, detail: str = "", tb: str = ""
    ) -> None:
        self.results.append(
            {"phase": side, "check": check, "ok": ok, "detail": detail, "traceback": tb}
        )
        mark = "PASS" if ok else "FAIL"
        print(
            f"  {mark}  [{side}] {check}" + (f": {detail}" if detail else ""),
            flush=True,
        )
        if tb and not ok:
            print("        " + tb.rstrip().replace("\n", "\n        "), flush=True)

    def command(
        self, side: str, check: str, proc, extra_ok: bool = True, detail: str = ""
    ) -> bool:
        ok = proc.returncode == 0 and extra_ok
        if not ok:
            detail = (detail + "\n" if detail else "") + (
                f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}".rstrip()
            )
        self.add(side, check, ok, detail)
        return ok

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["ok"]]


class Scenario:
    def __init__(self, workdir: Path, our_python: Path, upstream_python: Path) -> None:
        self.workdir = workdir
        self.db = workdir / "project.sqlite3"
        self.state = workdir / "state"
        self.state.mkdir(exist_ok=True)
        self.our_python = our_python
        self.upstream_python = upstream_python
        self.report = Report()
        extra = {"UPGRADE_CHECK_DB": str(self.db)}
        self.env = {
            "upstream": uv.django_env([workdir], SETTINGS_MODULE, **extra),
            "ours": uv.django_env([uv.OUR_SOURCE, workdir], SETTINGS_MODULE, **extra),
        }
        self.python = {"upstream": upstream_python, "ours": our_python}

    def django(self, side: str, *args: str):
        return uv.run(
            [self.python[side], "-m", "django", *args], self.env[side], self.workdir
        )

    def phase(self, side: str, name: str) -> None:
        proc = uv.run(
            [
                self.python[side],
                Path(__file__).resolve(),
                "--phase",
                name,
                "--state",
                self.state,
            ],
            self.env[side],
            self.workdir,
        )
        results_file = self.state / f"results-{name}.json"
        if proc.returncode != 0 or not results_file.exists():
            self.report.add(
                side,
                f"phase {name} ran",
                False,
                f"exit {proc.returncode}\n{proc.stderr}",
            )
            return
        for r in json.loads(results_file.read_text()):
            self.report.add(
                side, r["check"], r["ok"], r["detail"], r.get("traceback", "")
            )

    def locate(self, side: str, inside: Path) -> bool:
        where = uv.package_location(self.python[side], self.env[side], self.workdir)
        ok = where.is_relative_to(inside.resolve())
        self.report.add(
            side, "rest_framework_simplejwt imported from", ok, str(where.parent)
        )
        return ok

    def play(self) -> None:
        (self.workdir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_TEMPLATE)
        (self.workdir / "upgrade_urls.py").write_text(URLS_TEMPLATE)
        upstream_venv = self.upstream_python.parent.parent
        r = self.report

        print("\n== 1. the project on upstream simplejwt", flush=True)
        if not self.locate("upstream", upstream_venv):
            return
        if not r.command(
            "upstream", "migrate a fresh database", self.django("upstream", "migrate")
        ):
            return
        self.phase("upstream", "upstream-issue")
        if r.failed:
            return

        print("\n== 2. the same project and database on our package", flush=True)
        if not self.locate("ours", uv.OUR_SOURCE):
            return
        # Ours adds its own migrations after upstream's 0013 (additive: two
        # indexes and new tables, named 00NN_simplejwt_rs_*); nothing else.
        plan = self.django("ours", "migrate", "--plan")
        planned = [
            line.strip()
            for line in plan.stdout.splitlines()
            if line.strip().startswith("token_blacklist.")
            or ("." in line and not line.startswith(" ") and "Planned" not in line)
        ]
        foreign = [name for name in planned if "simplejwt_rs_" not in name]
        r.command(
            "ours",
            "migrate --plan: only our own additive migrations to apply",
            plan,
            extra_ok=not foreign,
            detail=f"planned: {planned}",
        )
        r.command("ours", "migrate: ours applied", self.django("ours", "migrate"))
        r.command(
            "ours",
            "migrate --check: nothing left to apply",
            self.django("ours", "migrate", "--check"),
        )
        checked = self.django("ours", "check")
        warnings = [
            line.strip()
            for line in checked.stderr.splitlines()
            if line.startswith("?:")
        ]
        r.command(
            "ours",
            "manage.py check: no errors",
            checked,
            detail=f"warnings: {'; '.join(warnings)}" if warnings else "no issues",
        )
        listing = self.django("ours", "showmigrations")
        unapplied = [
            line.strip() for line in listing.stdout.splitlines() if "[ ]" in line
        ]
        applied = sum("[X]" in line for line in listing.stdout.splitlines())
        r.command(
            "ours",
            "showmigrations: all applied",
            listing,
            extra_ok=not unapplied and applied > 0,
            detail=f"unapplied: {unapplied}"
            if unapplied
            else f"{applied} applied, 0 unapplied",
        )
        self.phase("ours", "ours-check")

        print(
            "\n== 3. back to upstream on the database ours used (rollback)", flush=True
        )
        self.phase("upstream", "upstream-accepts")
        r.command(
            "upstream",
            "migrate --check after ours: nothing to apply",
            self.django("upstream", "migrate", "--check"),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--state", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--our-python",
        type=Path,
        default=uv.our_default_python(),
        help="interpreter with Django and DRF for our package (default: .venv)",
    )
    parser.add_argument(
        "--base-python",
        default="python3",
        help="interpreter that creates the upstream virtualenv (default: python3)",
    )
    parser.add_argument(
        "--venv",
        type=Path,
        help="upstream virtualenv directory, reused if it has upstream already "
        "(default: a new one in the temporary directory)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    args = parser.parse_args()

    if args.phase:
        return run_phase(args.phase, args.state)

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="simplejwt-upgrade-"))
    try:
        print(f"== 0. upstream {uv.UPSTREAM_VERSION} virtualenv", flush=True)
        venv = (args.venv or workdir / "upstream-venv").resolve()
        try:
            upstream_python = uv.build_upstream_venv(venv, args.base_python)
        except uv.CommandFailed as error:
            print(f"\nFAIL: could not build the upstream virtualenv: {error}")
            return 1
        print(f"  ready after {time.monotonic() - started:.1f} s", flush=True)
        scenario = Scenario(workdir, args.our_python.absolute(), upstream_python)
        scenario.play()
    finally:
        if args.keep:
            print(f"(kept {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report = scenario.report
    total, failed = len(report.results), len(report.failed)
    elapsed = time.monotonic() - started
    print()
    if failed:
        print(f"FAIL: {failed} of {total} checks failed ({elapsed:.1f} s):")
        for r in report.failed:
            print(f"  - [{r['phase']}] {r['check']}")
        return 1
    print(
        f"PASS: all {total} checks passed ({elapsed:.1f} s). A project on upstream "
        f"{uv.UPSTREAM_VERSION} can switch to this package and back with the same "
        "database and tokens."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
