"""The token_blacklist app: models, migrations, schema, admin and management command.

The app has to be interchangeable with upstream's on an existing database, so
besides behaviour these tests pin the migration graph and the exact schema the
migrations produce (recorded from upstream 5.5.1 on SQLite; see
scripts/check_upstream_schema.py for the end-to-end comparison).
"""

import os
import subprocess
import sys
import textwrap
import uuid
from datetime import datetime, timedelta, timezone
from io import StringIO
from itertools import pairwise
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils.functional import Promise
from freezegun import freeze_time

from rest_framework_simplejwt.token_blacklist.admin import (
    BlacklistedTokenAdmin,
    OutstandingTokenAdmin,
)
from rest_framework_simplejwt.token_blacklist.apps import TokenBlacklistConfig
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

APP = "token_blacklist"
REPO = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = REPO / "python/rest_framework_simplejwt/token_blacklist/migrations"

UPSTREAM_MIGRATIONS = [
    "0001_initial",
    "0002_outstandingtoken_jti_hex",
    "0003_auto_20171017_2007",
    "0004_auto_20171017_2013",
    "0005_remove_outstandingtoken_jti",
    "0006_auto_20171017_2113",
    "0007_auto_20171017_2214",
    "0008_migrate_to_bigautofield",
    "0010_fix_migrate_to_bigautofield",
    "0011_linearizes_history",
    "0012_alter_outstandingtoken_user",
    "0013_alter_blacklistedtoken_options_and_more",
]

# Ours, after upstream's (additive: two indexes and new tables).
OUR_MIGRATIONS = ["0014_simplejwt_rs_revocation"]
OUR_INDEXES = {
    "sjwt_rs_outstanding_exp": ["expires_at"],
    "sjwt_rs_outstanding_user": ["user_id", "expires_at"],
}

OUTSTANDING_TABLE = "token_blacklist_outstandingtoken"
BLACKLISTED_TABLE = "token_blacklist_blacklistedtoken"

# sqlite_master entries written by upstream 5.5.1's migrations (Django 5.2).
UPSTREAM_SQLITE_MASTER = {
    ("table", OUTSTANDING_TABLE): (
        'CREATE TABLE "token_blacklist_outstandingtoken" ("token" text NOT NULL, '
        '"created_at" datetime NULL, "expires_at" datetime NOT NULL, '
        '"user_id" integer NULL REFERENCES "auth_user" ("id") DEFERRABLE '
        'INITIALLY DEFERRED, "jti" varchar(255) NOT NULL UNIQUE, '
        '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT)'
    ),
    ("table", BLACKLISTED_TABLE): (
        'CREATE TABLE "token_blacklist_blacklistedtoken" ("blacklisted_at" '
        'datetime NOT NULL, "token_id" bigint NOT NULL UNIQUE REFERENCES '
        '"token_blacklist_outstandingtoken" ("id") DEFERRABLE INITIALLY DEFERRED, '
        '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT)'
    ),
    ("index", "token_blacklist_outstandingtoken_user_id_83bc629a"): (
        'CREATE INDEX "token_blacklist_outstandingtoken_user_id_83bc629a" ON '
        '"token_blacklist_outstandingtoken" ("user_id")'
    ),
    ("index", "sqlite_autoindex_token_blacklist_outstandingtoken_1"): None,
    ("index", "sqlite_autoindex_token_blacklist_blacklistedtoken_1"): None,
}

# The same schema as Django's introspection reports it on SQLite.
UPSTREAM_SCHEMA = {
    OUTSTANDING_TABLE: {
        # (name, declared type, nullable), in table order
        "columns": [
            ("token", "text", False),
            ("created_at", "datetime", True),
            ("expires_at", "datetime", False),
            ("user_id", "integer", True),
            ("jti", "varchar(255)", False),
            ("id", "integer", False),
        ],
        "primary_key": "id",
        "unique": [["jti"]],
        "foreign_keys": {"user_id": ("auth_user", "id")},
        "indexes": {"token_blacklist_outstandingtoken_user_id_83bc629a": ["user_id"]},
    },
    BLACKLISTED_TABLE: {
        "columns": [
            ("blacklisted_at", "datetime", False),
            ("token_id", "bigint", False),
            ("id", "integer", False),
        ],
        "primary_key": "id",
        "unique": [["token_id"]],
        "foreign_keys": {"token_id": (OUTSTANDING_TABLE, "id")},
        "indexes": {},
    },
}

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the recorded schema is SQLite's"
)


def _make_user(username="alice", **extra):
    return get_user_model().objects.create_user(username, password="pw", **extra)


def _make_token(user, jti, expires_at, **extra):
    return OutstandingToken.objects.create(
        user=user, jti=jti, token=f"token-{jti}", expires_at=expires_at, **extra
    )


def _run_python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "python"), str(REPO)])
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )


# --- app config and models ---------------------------------------------------


def test_app_config():
    config = apps.get_app_config(APP)
    assert isinstance(config, TokenBlacklistConfig)
    assert config.name == "rest_framework_simplejwt.token_blacklist"
    assert config.verbose_name == "Token Blacklist"
    assert isinstance(TokenBlacklistConfig.verbose_name, Promise)
    assert config.default_auto_field == "django.db.models.BigAutoField"


def test_outstanding_token_fields():
    meta = OutstandingToken._meta
    assert meta.db_table == OUTSTANDING_TABLE
    assert not meta.abstract
    assert meta.ordering == ("user",)
    assert str(meta.verbose_name) == "Outstanding Token"
    assert str(meta.verbose_name_plural) == "Outstanding Tokens"

    pk = meta.get_field("id")
    assert type(pk) is models.BigAutoField and pk.primary_key
    assert not pk.auto_created

    user = meta.get_field("user")
    assert isinstance(user, models.ForeignKey)
    assert user.remote_field.model is get_user_model()
    assert user.remote_field.on_delete is models.SET_NULL
    assert user.null and user.blank

    jti = meta.get_field("jti")
    assert type(jti) is models.CharField
    assert jti.max_length == 255 and jti.unique and not jti.null

    assert type(meta.get_field("token")) is models.TextField

    created_at = meta.get_field("created_at")
    assert type(created_at) is models.DateTimeField
    assert created_at.null and created_at.blank

    expires_at = meta.get_field("expires_at")
    assert type(expires_at) is models.DateTimeField
    assert not expires_at.null and not expires_at.blank

    assert [f.name for f in meta.concrete_fields] == [
        "id",
        "user",
        "jti",
        "token",
        "created_at",
        "expires_at",
    ]


def test_blacklisted_token_fields():
    meta = BlacklistedToken._meta
    assert meta.db_table == BLACKLISTED_TABLE
    assert not meta.abstract
    assert meta.ordering == []
    assert str(meta.verbose_name) == "Blacklisted Token"
    assert str(meta.verbose_name_plural) == "Blacklisted Tokens"

    pk = meta.get_field("id")
    assert type(pk) is models.BigAutoField and pk.primary_key

    token = meta.get_field("token")
    assert isinstance(token, models.OneToOneField)
    assert token.remote_field.model is OutstandingToken
    assert token.remote_field.on_delete is models.CASCADE
    assert not token.null

    blacklisted_at = meta.get_field("blacklisted_at")
    assert type(blacklisted_at) is models.DateTimeField
    assert blacklisted_at.auto_now_add

    assert [f.name for f in meta.concrete_fields] == ["id", "token", "blacklisted_at"]


@pytest.mark.django_db
def test_str_of_models():
    user = _make_user("bob")
    token = _make_token(user, "abc123", datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert str(token) == "Token for bob (abc123)"

    orphan = OutstandingToken(jti="def456")
    assert str(orphan) == "Token for None (def456)"

    blacklisted = BlacklistedToken.objects.create(token=token)
    assert str(blacklisted) == "Blacklisted token for bob"


@pytest.mark.django_db
def test_deleting_user_keeps_tokens_and_deleting_token_removes_blacklist_row():
    user = _make_user()
    token = _make_token(user, "j1", datetime(2030, 1, 1, tzinfo=timezone.utc))
    BlacklistedToken.objects.create(token=token)

    user.delete()
    token.refresh_from_db()
    assert token.user is None
    assert BlacklistedToken.objects.filter(token=token).exists()

    token.delete()
    assert not BlacklistedToken.objects.exists()


@pytest.mark.django_db
def test_blacklisted_at_is_set_on_creation():
    token = _make_token(None, "j1", datetime(2030, 1, 1, tzinfo=timezone.utc))
    with freeze_time("2024-05-06 07:08:09"):
        row = BlacklistedToken.objects.create(token=token)
    assert row.blacklisted_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


def test_models_are_abstract_when_app_not_installed():
    result = _run_python(
        """
        import django
        from django.conf import settings

        settings.configure(
            SECRET_KEY="x",
            INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        )
        django.setup()
        from rest_framework_simplejwt.token_blacklist import models

        assert models.OutstandingToken._meta.abstract
        assert models.BlacklistedToken._meta.abstract
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_app_does_not_import_the_token_engine():
    # The app must work (e.g. for migrate) without the native module or the
    # token backend being importable.
    result = _run_python(
        """
        import sys
        import django
        from django.conf import settings

        settings.configure(
            SECRET_KEY="x",
            INSTALLED_APPS=[
                "django.contrib.admin",
                "django.contrib.auth",
                "django.contrib.contenttypes",
                "django.contrib.sessions",
                "django.contrib.messages",
                "rest_framework_simplejwt.token_blacklist",
            ],
        )
        django.setup()
        import rest_framework_simplejwt.token_blacklist.admin
        import rest_framework_simplejwt.token_blacklist.management.commands.flushexpiredtokens
        import rest_framework_simplejwt.token_blacklist.models

        engine = ("state", "backends", "tokens", "_native", "authentication")
        loaded = [
            name for name in engine if f"rest_framework_simplejwt.{name}" in sys.modules
        ]
        print(loaded)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- migrations ----------------------------------------------------------------


def test_migration_names_and_chain():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(name for app, name in loader.disk_migrations if app == APP)
    assert names == UPSTREAM_MIGRATIONS + OUR_MIGRATIONS

    # A single straight line: each migration depends on the previous one.
    for previous, current in pairwise(UPSTREAM_MIGRATIONS + OUR_MIGRATIONS):
        migration = loader.disk_migrations[(APP, current)]
        own_app_deps = [dep for dep in migration.dependencies if dep[0] == APP]
        assert own_app_deps == [(APP, previous)], current
    assert loader.graph.leaf_nodes(APP) == [(APP, OUR_MIGRATIONS[-1])]

    initial = loader.disk_migrations[(APP, "0001_initial")]
    assert initial.initial
    # swappable_dependency(settings.AUTH_USER_MODEL) records the setting's value.
    assert [getattr(d, "setting", None) for d in initial.dependencies] == [
        settings.AUTH_USER_MODEL
    ]
    user_fk = loader.disk_migrations[(APP, "0012_alter_outstandingtoken_user")]
    assert settings.AUTH_USER_MODEL in [
        getattr(d, "setting", None) for d in user_fk.dependencies
    ]


def test_0011_static_dependency_matches_upstream_rule():
    # Upstream adds an extra dependency to 0011 only when the directory holds
    # nine files matching 000*.py; ours must hold eight, so the static
    # dependency is equivalent.
    assert len(sorted(MIGRATIONS_DIR.glob("000*.py"))) == 8
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.disk_migrations[(APP, "0011_linearizes_history")]
    assert migration.dependencies == [(APP, "0010_fix_migrate_to_bigautofield")]
    assert migration.operations == []


@pytest.mark.django_db
def test_makemigrations_finds_no_changes():
    out = StringIO()
    call_command(
        "makemigrations", APP, check=True, dry_run=True, stdout=out, stderr=out
    )
    assert "No changes detected" in out.getvalue()


def _table_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_migrate_to_zero_and_back():
    try:
        call_command("migrate", APP, "zero", verbosity=0)
        assert not {OUTSTANDING_TABLE, BLACKLISTED_TABLE} & _table_names()
    finally:
        call_command("migrate", APP, verbosity=0)
    assert {OUTSTANDING_TABLE, BLACKLISTED_TABLE} <= _table_names()

    # The recreated tables are usable.
    token = _make_token(None, "j1", datetime(2030, 1, 1, tzinfo=timezone.utc))
    BlacklistedToken.objects.create(token=token)
    assert BlacklistedToken.objects.get().token.jti == "j1"


def _migrate_to(name):
    """Move the app to migration `name`; return the historical app registry."""
    target = (APP, name)
    MigrationExecutor(connection).migrate([target])
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_0003_fills_jti_hex_and_survives_the_rest_of_the_upgrade():
    user = _make_user()
    first, second = uuid.uuid4(), uuid.uuid4()
    expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
    try:
        old_apps = _migrate_to("0002_outstandingtoken_jti_hex")
        Old = old_apps.get_model(APP, "OutstandingToken")
        OldBlacklisted = old_apps.get_model(APP, "BlacklistedToken")
        a = Old.objects.create(
            jti=first,
            token="a",
            user_id=user.pk,
            expires_at=expires,
            created_at=expires,
        )
        b = Old.objects.create(
            jti=second,
            token="b",
            user_id=user.pk,
            expires_at=expires,
            created_at=expires,
        )
        OldBlacklisted.objects.create(token_id=b.pk)
        assert Old.objects.get(pk=a.pk).jti_hex is None

        new_apps = _migrate_to("0003_auto_20171017_2007")
        Mid = new_apps.get_model(APP, "OutstandingToken")
        assert Mid.objects.get(pk=a.pk).jti_hex == first.hex
        assert Mid.objects.get(pk=b.pk).jti_hex == second.hex
        assert len(first.hex) == 32 and "-" not in first.hex

        # The reverse copies jti_hex back into the UUID column.
        replacement = uuid.uuid4()
        Mid.objects.filter(pk=a.pk).update(jti_hex=replacement.hex)
        old_apps = _migrate_to("0002_outstandingtoken_jti_hex")
        Old = old_apps.get_model(APP, "OutstandingToken")
        assert Old.objects.get(pk=a.pk).jti == replacement
        assert Old.objects.get(pk=b.pk).jti == second

        # Forward again and through to the latest migration, data included.
        _migrate_to(UPSTREAM_MIGRATIONS[-1])
    finally:
        call_command("migrate", APP, verbosity=0)

    assert dict(OutstandingToken.objects.values_list("pk", "jti")) == {
        a.pk: replacement.hex,
        b.pk: second.hex,
    }
    assert BlacklistedToken.objects.get().token_id == b.pk
    assert OutstandingToken.objects.get(pk=a.pk).user == user


# --- schema ------------------------------------------------------------------------


@sqlite_only
@pytest.mark.django_db
def test_sqlite_master_matches_upstream():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN (%s, %s)",
            [OUTSTANDING_TABLE, BLACKLISTED_TABLE],
        )
        actual = {(kind, name): sql for kind, name, sql in cursor.fetchall()}
    ours = {key for key in actual if key[1] in OUR_INDEXES}
    assert {key[1] for key in ours} == set(OUR_INDEXES)
    assert {key: actual[key] for key in actual if key not in ours} == (
        UPSTREAM_SQLITE_MASTER
    )


def _introspect(table):
    intro = connection.introspection
    with connection.cursor() as cursor:
        description = intro.get_table_description(cursor, table)
        constraints = intro.get_constraints(cursor, table)
        primary_key = intro.get_primary_key_column(cursor, table)
    return {
        "columns": [(c.name, c.type_code.lower(), c.null_ok) for c in description],
        "primary_key": primary_key,
        "unique": sorted(
            c["columns"]
            for c in constraints.values()
            if c["unique"] and not c["primary_key"]
        ),
        "foreign_keys": {
            c["columns"][0]: c["foreign_key"]
            for c in constraints.values()
            if c["foreign_key"]
        },
        "indexes": {
            name: c["columns"]
            for name, c in constraints.items()
            if c["index"] and not c["unique"] and not c["primary_key"]
        },
    }


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("table", [OUTSTANDING_TABLE, BLACKLISTED_TABLE])
def test_introspected_schema_matches_upstream(table):
    schema = _introspect(table)
    ours = {
        name: schema["indexes"].pop(name)
        for name in list(schema["indexes"])
        if name in OUR_INDEXES
    }
    assert schema == UPSTREAM_SCHEMA[table]
    # Upstream's table plus our two indexes, nothing else.
    assert ours == (OUR_INDEXES if table == OUTSTANDING_TABLE else {})


# --- flushexpiredtokens ------------------------------------------------------------


NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def _tokens_around(now):
    user = _make_user()
    expired = _make_token(user, "expired", now - timedelta(seconds=1))
    boundary = _make_token(user, "boundary", now)
    live = _make_token(user, "live", now + timedelta(seconds=1))
    for token in (expired, live):
        BlacklistedToken.objects.create(token=token)
    return expired, boundary, live


@pytest.mark.django_db
def test_flushexpiredtokens_with_patched_clock():
    _tokens_around(NOW)
    with mock.patch(
        "rest_framework_simplejwt.token_blacklist.management.commands."
        "flushexpiredtokens.aware_utcnow",
        return_value=NOW,
    ) as clock:
        call_command("flushexpiredtokens")
    clock.assert_called_once_with()

    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["live"]
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == [
        "live"
    ]


@pytest.mark.django_db
def test_flushexpiredtokens_with_frozen_time():
    _tokens_around(NOW)
    with freeze_time(NOW - timedelta(seconds=2)):
        call_command("flushexpiredtokens")
    assert OutstandingToken.objects.count() == 3
    assert BlacklistedToken.objects.count() == 2

    with freeze_time(NOW):
        call_command("flushexpiredtokens")
    assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {"live"}
    assert BlacklistedToken.objects.count() == 1


def test_flushexpiredtokens_help():
    from rest_framework_simplejwt.token_blacklist.management.commands import (
        flushexpiredtokens,
    )

    assert (
        flushexpiredtokens.Command.help
        == "Flushes any expired tokens in the outstanding token list"
    )


# --- admin -----------------------------------------------------------------------


def test_admin_registration_and_options():
    outstanding = admin.site._registry[OutstandingToken]
    blacklisted = admin.site._registry[BlacklistedToken]
    assert type(outstanding) is OutstandingTokenAdmin
    assert type(blacklisted) is BlacklistedTokenAdmin

    assert outstanding.list_display == ("jti", "user", "created_at", "expires_at")
    assert outstanding.search_fields == ("user__id", "jti")
    assert outstanding.ordering == ("user",)
    assert outstanding.actions is None

    assert blacklisted.list_display == (
        "token_jti",
        "token_user",
        "token_created_at",
        "token_expires_at",
        "blacklisted_at",
    )
    assert blacklisted.search_fields == ("token__user__id", "token__jti")
    assert blacklisted.ordering == ("token__user",)


@pytest.mark.parametrize(
    "column, description, order_field",
    [
        ("token_jti", "jti", "token__jti"),
        ("token_user", "user", "token__user"),
        ("token_created_at", "created at", "token__created_at"),
        ("token_expires_at", "expires at", "token__expires_at"),
    ],
)
def test_blacklisted_admin_columns(column, description, order_field):
    method = getattr(BlacklistedTokenAdmin, column)
    assert isinstance(method.short_description, Promise)
    assert str(method.short_description) == description
    assert method.admin_order_field == order_field


@pytest.mark.django_db
def test_admin_columns_and_querysets():
    user = _make_user()
    created = datetime(2024, 1, 1, tzinfo=timezone.utc)
    expires = datetime(2024, 1, 2, tzinfo=timezone.utc)
    token = _make_token(user, "j1", expires, created_at=created)
    row = BlacklistedToken.objects.create(token=token)

    request = RequestFactory().get("/")
    request.user = _make_user("root", is_superuser=True, is_staff=True)
    blacklisted = admin.site._registry[BlacklistedToken]
    assert blacklisted.token_jti(row) == "j1"
    assert blacklisted.token_user(row) == user
    assert blacklisted.token_created_at(row) == created
    assert blacklisted.token_expires_at(row) == expires
    assert blacklisted.get_queryset(request).query.select_related == {
        "token": {"user": {}}
    }

    outstanding = admin.site._registry[OutstandingToken]
    assert outstanding.get_queryset(request).query.select_related == {"user": {}}
    assert outstanding.get_readonly_fields(request, token) == [
        "id",
        "user",
        "jti",
        "token",
        "created_at",
        "expires_at",
    ]
    # As upstream: blacklist rows are ordinary admin rows.
    assert list(blacklisted.get_readonly_fields(request, row)) == []


@pytest.mark.django_db
def test_outstanding_admin_is_read_only():
    superuser = _make_user("root", is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[OutstandingToken]
    factory = RequestFactory()

    def request(method):
        req = getattr(factory, method)("/")
        req.user = superuser
        return req

    assert model_admin.has_add_permission(request("get")) is False
    assert model_admin.has_delete_permission(request("get")) is False
    assert model_admin.has_delete_permission(request("post")) is False
    assert model_admin.has_change_permission(request("get")) is True
    assert model_admin.has_change_permission(request("head")) is True
    assert model_admin.has_change_permission(request("post")) is False
    assert model_admin.has_change_permission(request("put")) is False
    assert model_admin.get_actions(request("get")) == {}


@pytest.fixture
def admin_client_with_tokens(client):
    superuser = _make_user("root", is_superuser=True, is_staff=True)
    user = _make_user("carol")
    expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
    first = _make_token(user, "first-jti", expires, created_at=expires)
    second = _make_token(None, "second-jti", expires)
    BlacklistedToken.objects.create(token=first)
    client.force_login(superuser)
    return client, first, second


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.admin_urls")
def test_admin_outstanding_pages(admin_client_with_tokens):
    client, first, second = admin_client_with_tokens
    changelist = reverse("admin:token_blacklist_outstandingtoken_changelist")

    page = client.get(changelist)
    assert page.status_code == 200
    assert b"first-jti" in page.content and b"second-jti" in page.content
    assert b"carol" in page.content

    page = client.get(changelist, {"q": "second-jti"})
    assert page.status_code == 200
    assert b"second-jti" in page.content and b"first-jti" not in page.content

    for order in ("1", "-2", "3", "4"):
        assert client.get(changelist, {"o": order}).status_code == 200

    change = reverse("admin:token_blacklist_outstandingtoken_change", args=[first.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"jti": "changed"}).status_code == 403
    first.refresh_from_db()
    assert first.jti == "first-jti"

    add = reverse("admin:token_blacklist_outstandingtoken_add")
    assert client.get(add).status_code == 403
    delete = reverse("admin:token_blacklist_outstandingtoken_delete", args=[first.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert OutstandingToken.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.admin_urls")
def test_admin_blacklisted_pages(admin_client_with_tokens):
    client, first, _second = admin_client_with_tokens
    changelist = reverse("admin:token_blacklist_blacklistedtoken_changelist")

    page = client.get(changelist)
    assert page.status_code == 200
    assert b"first-jti" in page.content and b"carol" in page.content
    assert b"second-jti" not in page.content
    for label in (b"Jti", b"User", b"Created at", b"Expires at"):
        assert label in page.content

    assert client.get(changelist, {"q": "first"}).status_code == 200
    for order in ("1", "2", "-3", "4", "5"):
        assert client.get(changelist, {"o": order}).status_code == 200

    row = BlacklistedToken.objects.get()
    change = reverse("admin:token_blacklist_blacklistedtoken_change", args=[row.pk])
    assert client.get(change).status_code == 200
    add = reverse("admin:token_blacklist_blacklistedtoken_add")
    assert client.get(add).status_code == 200


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.admin_urls")
def test_deleting_a_blacklist_row_in_the_admin_lifts_the_blacklisting(client):
    # Upstream's admin lets staff delete a BlacklistedToken row; the refresh
    # token is then accepted again.
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import RefreshToken

    superuser = _make_user("root", is_superuser=True, is_staff=True)
    user = _make_user("dora")
    refresh = RefreshToken.for_user(user)
    refresh.blacklist()
    with pytest.raises(TokenError, match="blacklisted"):
        RefreshToken(str(refresh))
    client.force_login(superuser)
    row = BlacklistedToken.objects.get()
    delete = reverse("admin:token_blacklist_blacklistedtoken_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not BlacklistedToken.objects.exists()
    assert RefreshToken(str(refresh))["jti"] == refresh["jti"]
    # Blacklisting by hand, from the add form.
    add = reverse("admin:token_blacklist_blacklistedtoken_add")
    outstanding = OutstandingToken.objects.get(jti=refresh["jti"])
    assert client.post(add, {"token": outstanding.pk}).status_code == 302
    with pytest.raises(TokenError, match="blacklisted"):
        RefreshToken(str(refresh))


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.admin_urls")
def test_admin_index_lists_the_app(admin_client_with_tokens):
    client, _first, _second = admin_client_with_tokens
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert b"Token Blacklist" in page.content
    assert b"Outstanding Tokens" in page.content
    assert b"Blacklisted Tokens" in page.content


def test_settings_include_the_app():
    # Guard for the rest of this module: the models are only concrete when the
    # app is installed under its module path.
    assert "rest_framework_simplejwt.token_blacklist" in settings.INSTALLED_APPS
