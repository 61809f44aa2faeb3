# Declares the primary keys explicitly (no longer auto-created), so that the
# project's DEFAULT_AUTO_FIELD cannot make Django want to change them again.
# There has never been a 0009 in this app.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("token_blacklist", "0008_migrate_to_bigautofield")]

    operations = [
        migrations.AlterField(
            model_name=model_name,
            name="id",
            field=models.BigAutoField(primary_key=True, serialize=False),
        )
        for model_name in ("blacklistedtoken", "outstandingtoken")
    ]
