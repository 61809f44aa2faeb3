# Tokens may be issued without a creation time or a user.

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import CASCADE


class Migration(migrations.Migration):
    dependencies = [("token_blacklist", "0006_auto_20171017_2113")]

    operations = [
        migrations.AlterField(
            model_name="outstandingtoken",
            name="created_at",
            field=models.DateTimeField(null=True, blank=True),
        ),
        migrations.AlterField(
            model_name="outstandingtoken",
            name="user",
            field=models.ForeignKey(
                on_delete=CASCADE, to=settings.AUTH_USER_MODEL, null=True, blank=True
            ),
        ),
    ]
