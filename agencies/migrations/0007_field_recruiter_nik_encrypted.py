"""A field recruiter's NIK encrypted at rest, with its keyed hash for exact matching.
Existing rows sealed in batches by plain SQL (core.encrypted_columns); reversible."""

from django.db import migrations, models

import core.fields
from core.crypto import keyed_hash
from core.encrypted_columns import not_sealed, reseal_table, unseal_table


def seal(apps, schema_editor):
    reseal_table(
        schema_editor.connection,
        table="agencies_fieldrecruiter",
        column="nik",
        companions=lambda nik: {"nik_hash": keyed_hash(nik)},
        needs=not_sealed,
    )


def unseal(apps, schema_editor):
    unseal_table(schema_editor.connection, table="agencies_fieldrecruiter", column="nik")


class Migration(migrations.Migration):
    dependencies = [("agencies", "0006_backfill_licence_events")]

    operations = [
        migrations.AlterField(
            model_name="fieldrecruiter",
            name="nik",
            field=core.fields.EncryptedCharField(blank=True, max_length=16, verbose_name="NIK"),
        ),
        migrations.AddField(
            model_name="fieldrecruiter",
            name="nik_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="NIK keyed hash"
            ),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
