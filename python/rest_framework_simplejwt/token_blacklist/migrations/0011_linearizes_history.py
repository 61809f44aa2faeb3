# A no-op kept so the migration graph has the same nodes as upstream's.

from django.db import migrations


class Migration(migrations.Migration):
    # Static: upstream adds a dependency only when a 9th 000*.py file sits in this directory, and ours ships exactly eight (0001-0008).
    dependencies = [("token_blacklist", "0010_fix_migrate_to_bigautofield")]

    operations = []
