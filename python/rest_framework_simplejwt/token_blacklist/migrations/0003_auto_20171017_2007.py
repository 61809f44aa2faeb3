# Copies every UUID ``jti`` into ``jti_hex`` as 32 lowercase hex digits, the
# form the token's ``jti`` claim has. Reversing parses the hex back into the
# UUID column.

from uuid import UUID

from django.db import migrations


def _tokens(apps, schema_editor):
    model = apps.get_model("token_blacklist", "OutstandingToken")
    return model.objects.using(schema_editor.connection.alias)


def copy_uuid_to_hex(apps, schema_editor):
    tokens = _tokens(apps, schema_editor)
    for pk, jti in tokens.values_list("pk", "jti"):
        tokens.filter(pk=pk).update(jti_hex=jti.hex)


def copy_hex_to_uuid(apps, schema_editor):
    tokens = _tokens(apps, schema_editor)
    for pk, jti_hex in tokens.values_list("pk", "jti_hex"):
        if jti_hex:
            tokens.filter(pk=pk).update(jti=UUID(hex=jti_hex))


class Migration(migrations.Migration):
    dependencies = [("token_blacklist", "0002_outstandingtoken_jti_hex")]

    operations = [migrations.RunPython(copy_uuid_to_hex, copy_hex_to_uuid)]
