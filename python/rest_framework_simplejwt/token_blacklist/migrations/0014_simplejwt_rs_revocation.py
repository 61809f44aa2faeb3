# Ours, not upstream's (djangorestframework-simplejwt-rs): upstream stops at
# 0013. Additive only: two indexes on upstream's outstanding-token table (the
# flush selects by expiry; logging a user out everywhere selects the user's
# live rows) and four new tables for token families and access-token
# revocation, with no database foreign key into upstream's tables or the user
# table, so a database migrated here still works with upstream's package.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RevokedAccessToken",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("jti", models.CharField(max_length=255, unique=True)),
                (
                    "user_id",
                    models.CharField(
                        blank=True, db_index=True, default="", max_length=255
                    ),
                ),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("revoked_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "Revoked access token",
                "verbose_name_plural": "Revoked access tokens",
                "db_table": "token_blacklist_sjwt_rs_revoked_access",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="TokenFamily",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "user_id",
                    models.CharField(
                        blank=True, db_index=True, default="", max_length=255
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "revoked_reason",
                    models.CharField(blank=True, default="", max_length=32),
                ),
            ],
            options={
                "verbose_name": "Token family",
                "verbose_name_plural": "Token families",
                "db_table": "token_blacklist_sjwt_rs_family",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="TokenFamilyMember",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("jti", models.CharField(max_length=255, unique=True)),
                (
                    "parent_jti",
                    models.CharField(blank=True, default="", max_length=255),
                ),
                (
                    "successor_jti",
                    models.CharField(blank=True, default="", max_length=255),
                ),
                ("rotated_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "Token family member",
                "verbose_name_plural": "Token family members",
                "db_table": "token_blacklist_sjwt_rs_family_member",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="UserTokenRevocation",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("user_id", models.CharField(max_length=255, unique=True)),
                ("revoked_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "User token revocation",
                "verbose_name_plural": "User token revocations",
                "db_table": "token_blacklist_sjwt_rs_user_revocation",
                "abstract": False,
            },
        ),
        migrations.AddIndex(
            model_name="outstandingtoken",
            index=models.Index(fields=["expires_at"], name="sjwt_rs_outstanding_exp"),
        ),
        migrations.AddIndex(
            model_name="outstandingtoken",
            index=models.Index(
                fields=["user", "expires_at"], name="sjwt_rs_outstanding_user"
            ),
        ),
        migrations.AddField(
            model_name="tokenfamilymember",
            name="family",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="members",
                to="token_blacklist.tokenfamily",
            ),
        ),
    ]
