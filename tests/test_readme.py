"""The README's Python snippets run as written, in a project fresh from
``django-admin startproject``.

Every ``python`` block of README.md is classified below and run; a new block
that fits no kind fails the test until it gets a runner. The quick start's
blocks become the project (settings appended, urls.py replaced) and its curl
session is replayed with Django's test client; each Keys snippet is appended
to those settings, given the files and variables it names, and must pass
``manage.py check`` and, where it can sign, make a token it then verifies.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
# Blocks at any indentation (a fenced block inside a list item is indented).
BLOCKS = [
    textwrap.dedent(body)
    for _indent, body in re.findall(
        r"^( *)```python\n(.*?)^\1```$", README, re.M | re.S
    )
]


def kind(block: str) -> str:
    if "override_simplejwt" in block:
        return "testing"
    if "urlpatterns" in block:
        return "urls"
    if "def tokens_for" in block:
        return "helper"
    if "INSTALLED_APPS +=" in block:
        return "settings"
    if (
        block.lstrip().startswith(("SIMPLE_JWT", "import os"))
        and "SIMPLE_JWT = {" in block
    ):
        return "keys"
    return "unknown"


def blocks_of(wanted: str) -> list[str]:
    return [block for block in BLOCKS if kind(block) == wanted]


def test_every_python_block_has_a_runner():
    assert BLOCKS, "no python blocks found"
    unknown = [block[:80] for block in BLOCKS if kind(block) == "unknown"]
    assert not unknown, unknown
    assert len(blocks_of("settings")) == len(blocks_of("urls")) == 1
    assert len(blocks_of("helper")) == 1
    assert len(blocks_of("keys")) >= 5


def _pem_private(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _pem_public(key) -> str:
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", "mysite", str(root)],
        check=True,
        env=_env(root),
    )
    settings = root / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + "\n" + blocks_of("settings")[0])
    (root / "mysite" / "urls.py").write_text(blocks_of("urls")[0])
    (root / "mysite" / "helpers.py").write_text(blocks_of("helper")[0])
    keys = root / "keys"
    keys.mkdir()
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (keys / "jwt-private.pem").write_text(_pem_private(private))
    (keys / "jwt-public.pem").write_text(_pem_public(private))
    return root


def _env(root: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    env.update(DJANGO_SETTINGS_MODULE="mysite.settings", PYTHONPATH=str(root))
    env.update(extra)
    return env


def _python(root: Path, code: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=_env(root, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


# The curl session of the quick start, through the test client (startproject's
# DEBUG=True accepts the host "localhost").
QUICK_START_SESSION = """
import json
import django

django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from mysite.helpers import tokens_for
from rest_framework_simplejwt.tokens import AccessToken

call_command("check", fail_level="WARNING")
call_command("migrate", verbosity=0)
alice = User.objects.create_user("alice", password="secret")
client = Client(HTTP_HOST="localhost")

def post(path, body):
    return client.post(path, json.dumps(body), content_type="application/json")

login = post("/api/token/", {"username": "alice", "password": "secret"})
assert login.status_code == 200, login.content
pair = login.json()
me = client.get("/api/me/", HTTP_AUTHORIZATION="Bearer " + pair["access"])
assert me.status_code == 200 and me.json() == {"username": "alice"}, me.content
assert client.get("/api/me/").status_code == 401
refreshed = post("/api/token/refresh/", {"refresh": pair["refresh"]})
assert refreshed.status_code == 200, refreshed.content
assert set(refreshed.json()) == {"access", "refresh"}  # rotation is on
reused = post("/api/token/refresh/", {"refresh": pair["refresh"]})
assert reused.status_code == 401, reused.content  # blacklisted after rotation
made = tokens_for(alice)
assert AccessToken(made["access"])["user_id"] == str(alice.pk)
print("quick start: ok")
"""


def test_quick_start_runs_as_written(project):
    proc = _python(project, QUICK_START_SESSION)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "quick start: ok" in proc.stdout


KEYS_SESSION = """
import django

django.setup()
from django.conf import settings
from django.core.management import call_command

call_command("check", fail_level="WARNING")
jwt = settings.SIMPLE_JWT
print("algorithm", jwt["ALGORITHM"])
if jwt.get("SIGNING_KEY", settings.SECRET_KEY):  # the default signs too
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["user_id"] = "42"
    assert AccessToken(str(token))["user_id"] == "42"
    print("signed and verified")
"""


@pytest.mark.parametrize("index", range(len(blocks_of("keys"))))
def test_keys_snippet_runs_as_written(project, index, tmp_path):
    snippet = blocks_of("keys")[index]
    settings = project / "mysite" / "settings.py"
    base = settings.read_text()
    # Environment variables the snippets read, filled as their text tells:
    # the EC key flattened to one line with "\n", as some platforms store it.
    ec_key = _pem_private(ec.generate_private_key(ec.SECP256R1()))
    extra = {
        "JWT_SIGNING_KEY": "s" * 64,
        "JWT_PRIVATE_KEY": ec_key.replace("\n", "\\n"),
    }
    try:
        settings.write_text(base + "\n" + snippet)
        proc = _python(project, KEYS_SESSION, **extra)
    finally:
        settings.write_text(base)
    assert proc.returncode == 0, snippet + proc.stdout + proc.stderr
    if '"SIGNING_KEY": None' not in snippet:
        assert "signed and verified" in proc.stdout, snippet + proc.stdout


TESTING_SESSION = """
import django

django.setup()
from rest_framework_simplejwt.settings import api_settings

namespace = {}
exec(compile(open("testing_snippet.py").read(), "testing_snippet.py", "exec"), namespace)
ran = []
for name, value in namespace.items():
    if name.startswith("test_") and callable(value):
        value()
        ran.append(name)
assert ran, "the snippet defines no test"
print("ran", " ".join(ran))
"""


@pytest.mark.parametrize("index", range(len(blocks_of("testing"))))
def test_testing_helper_snippet_runs_as_written(project, index):
    (project / "testing_snippet.py").write_text(blocks_of("testing")[index])
    proc = _python(project, TESTING_SESSION)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ran test_" in proc.stdout


def test_readme_json_examples_parse():
    # The quick start's curl bodies are JSON a server accepts.
    for body in re.findall(r"-d '(\{.*?\})'", README):
        json.loads(body)
