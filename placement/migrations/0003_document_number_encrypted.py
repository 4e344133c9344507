"""Document numbers (passports above all) encrypted at rest, with a keyed hash (duplicates) and
their last three characters (masking without decrypting). Existing rows sealed in batches by
plain SQL (core.encrypted_columns); reversible."""

from django.db import migrations, models

import core.fields
from core.encrypted_columns import document_number_columns, not_sealed, reseal_table, unseal_table


def seal(apps, schema_editor):
    reseal_table(
        schema_editor.connection,
        table="placement_document",
        column="number",
        companions=document_number_columns,
        needs=not_sealed,
    )


def unseal(apps, schema_editor):
    unseal_table(schema_editor.connection, table="placement_document", column="number")


class Migration(migrations.Migration):
    dependencies = [("placement", "0002_arrival_confirmation")]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="number",
            field=core.fields.EncryptedCharField(max_length=60, verbose_name="number"),
        ),
        migrations.AddField(
            model_name="document",
            name="number_hash",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=64, verbose_name="number keyed hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="document",
            name="number_last3",
            field=models.CharField(
                default="", editable=False, max_length=3, verbose_name="last characters of the number"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
