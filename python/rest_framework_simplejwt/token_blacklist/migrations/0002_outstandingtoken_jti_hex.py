# First step of turning ``jti`` from a UUID into free-form text: a nullable
# text column that 0003 fills in.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("token_blacklist", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outstandingtoken",
            name="jti_hex",
            field=models.CharField(max_length=255, null=True, blank=True),
        ),
    ]
