"""The shipped gettext catalogs: complete, placeholder-safe and compiled."""

from __future__ import annotations

import gettext
import importlib.util
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "python" / "rest_framework_simplejwt" / "locale"

# Upstream's main branch has these 25 (el and kk came after 5.5.1).
LOCALES = [
    "ar", "cs", "de", "el", "es", "es_AR", "es_CL", "fa", "fa_IR", "fr",
    "he_IL", "id_ID", "it_IT", "kk", "ko_KR", "nl_NL", "pl_PL", "pt_BR", "ro",
    "ru_RU", "sl", "sv", "tr", "uk_UA", "zh_Hans",
]  # fmt: skip

# Upstream's msgids, kept verbatim: they are the gettext keys that projects may
# already override in their own catalogs.
MSGIDS = [
    "Authorization header must contain two space-delimited values",
    "Blacklisted Token",
    "Blacklisted Tokens",
    "Blacklisted token for %(user)s",
    "Cannot create token with no type or lifetime",
    "Given token not valid for any token type",
    "Invalid algorithm specified",
    "No active account found for the given token.",
    "No active account found with the given credentials",
    "Outstanding Token",
    "Outstanding Tokens",
    "The '{}' setting has been removed. Please refer to '{}' for available settings.",
    "The user's password has been changed.",
    "Token '{}' claim has expired",
    "Token Blacklist",
    "Token contained no recognizable user identification",
    "Token for %(user)s (%(jti)s)",
    "Token has no '{}' claim",
    "Token has no id",
    "Token has no type",
    "Token has wrong type",
    "Token is blacklisted",
    "Token is expired",
    "Token is invalid",
    "Token is invalid or expired",
    "Unrecognized algorithm type '{}'",
    "Unrecognized type '{}', 'leeway' must be of type int, float or timedelta.",
    "User is inactive",
    "User not found",
    "You must have cryptography installed to use {}.",
    "created at",
    "expires at",
    "jti",
    "user",
]

# Messages whose translation may legitimately equal the English text.
MAY_BE_IDENTICAL = {"jti"}

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}")


def _load_script():
    path = ROOT / "scripts" / "compile_messages.py"
    spec = importlib.util.spec_from_file_location("compile_messages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compile_messages = _load_script()


def _catalog(locale: str) -> gettext.GNUTranslations:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)


def test_shipped_locales_are_exactly_the_expected_ones():
    shipped = sorted(p.parent.parent.name for p in compile_messages.po_files())
    assert shipped == sorted(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale):
    catalog = _catalog(locale)
    assert catalog.info()["content-type"] == "text/plain; charset=UTF-8"
    assert catalog.info()["language"] == locale
    for msgid in MSGIDS:
        assert msgid in catalog._catalog, f"{locale}: missing {msgid!r}"
        text = catalog.gettext(msgid)
        assert text.strip(), f"{locale}: empty translation for {msgid!r}"
        if msgid not in MAY_BE_IDENTICAL:
            assert text != msgid, f"{locale}: {msgid!r} is untranslated"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_preserved(locale):
    catalog = _catalog(locale)
    for msgid in MSGIDS:
        expected = Counter(PLACEHOLDER.findall(msgid))
        found = Counter(PLACEHOLDER.findall(catalog.gettext(msgid)))
        assert found == expected, f"{locale}: placeholders differ for {msgid!r}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt not installed")
def test_compiled_catalogs_match_sources():
    assert compile_messages.check() == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt not installed")
def test_check_detects_a_stale_catalog(tmp_path):
    src = LOCALE_DIR / "fr" / "LC_MESSAGES"
    dst = tmp_path / "fr" / "LC_MESSAGES"
    shutil.copytree(src, dst)
    po = dst / "django.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Le jeton a expiré"', 'msgstr "Jeton expiré"'
        ),
        encoding="utf-8",
    )
    assert compile_messages.check(tmp_path) != []


def test_django_uses_the_package_catalog():
    message = gettext_lazy("Token is invalid")
    with translation.override("fr"):
        assert str(message) == "Le jeton n'est pas valide"
    with translation.override("de"):
        assert str(message) == "Token ist ungültig"
    with translation.override("en"):
        assert str(message) == "Token is invalid"


@pytest.mark.parametrize("locale", ["fa", "fa_IR"])
def test_persian_outstanding_token_label_says_for_whom(locale):
    # The admin's label for an outstanding token once read just
    # "token <user> (<jti>)": the word for "for" had gone missing.
    text = _catalog(locale).gettext("Token for %(user)s (%(jti)s)")
    assert text == "توکن برای %(user)s (%(jti)s)"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("el", "Το διακριτικό δεν είναι έγκυρο"),
        ("kk", "Токен жарамсыз"),
    ],
)
def test_django_serves_the_greek_and_kazakh_catalogs(locale, expected):
    with translation.override(locale):
        assert str(gettext_lazy("Token is invalid")) == expected
