# Now that every row has a value, the new column becomes required and unique.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("token_blacklist", "0003_auto_20171017_2007")]

    operations = [
        migrations.AlterField(
            model_name="outstandingtoken",
            name="jti_hex",
            field=models.CharField(max_length=255, unique=True),
        ),
    ]
