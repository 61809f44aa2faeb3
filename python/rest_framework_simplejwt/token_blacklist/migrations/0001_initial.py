# The original schema: a UUID ``jti`` and a mandatory user that cascades.
# Later migrations reshape it; the order of operations here decides the column
# order of the tables, which must stay as it is for schema compatibility.

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import CASCADE


def _auto_id():
    return models.AutoField(
        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="BlacklistedToken",
            fields=[
                ("id", _auto_id()),
                ("blacklisted_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name="OutstandingToken",
            fields=[
                ("id", _auto_id()),
                ("jti", models.UUIDField(unique=True)),
                ("token", models.TextField()),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                (
                    "user",
                    models.ForeignKey(on_delete=CASCADE, to=settings.AUTH_USER_MODEL),
                ),
            ],
            options={"ordering": ("user",)},
        ),
        # Added after both tables exist, so the column comes last.
        migrations.AddField(
            model_name="blacklistedtoken",
            name="token",
            field=models.OneToOneField(
                on_delete=CASCADE, to="token_blacklist.OutstandingToken"
            ),
        ),
    ]
