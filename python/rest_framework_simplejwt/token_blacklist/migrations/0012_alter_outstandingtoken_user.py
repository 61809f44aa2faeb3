# Deleting a user no longer deletes their token rows; the user column is
# cleared instead.

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import SET_NULL


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("token_blacklist", "0011_linearizes_history"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outstandingtoken",
            name="user",
            field=models.ForeignKey(
                on_delete=SET_NULL, to=settings.AUTH_USER_MODEL, null=True, blank=True
            ),
        ),
    ]
