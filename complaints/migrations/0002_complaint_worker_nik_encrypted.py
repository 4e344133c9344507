"""The worker's NIK a complaint gives, encrypted at rest, with its keyed hash (finds the worker).
Existing rows sealed in batches by plain SQL (core.encrypted_columns); reversible."""

from django.db import migrations, models

import core.fields
from core.crypto import keyed_hash
from core.encrypted_columns import not_sealed, reseal_table, unseal_table


def seal(apps, schema_editor):
    reseal_table(
        schema_editor.connection,
        table="complaints_complaint",
        column="worker_nik",
        companions=lambda nik: {"worker_nik_hash": keyed_hash(nik)},
        needs=not_sealed,
    )


def unseal(apps, schema_editor):
    unseal_table(schema_editor.connection, table="complaints_complaint", column="worker_nik")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints")]

    operations = [
        migrations.RemoveConstraint(model_name="complaint", name="complaint_worker_nik_digits"),
        migrations.AlterField(
            model_name="complaint",
            name="worker_nik",
            field=core.fields.EncryptedCharField(blank=True, max_length=16, verbose_name="worker's NIK"),
        ),
        migrations.AddField(
            model_name="complaint",
            name="worker_nik_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="NIK keyed hash"),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
        migrations.AddConstraint(
            model_name="complaint",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("worker_nik", ""), ("worker_nik_hash", "")),
                    ("worker_nik_hash__regex", "^[0-9a-f]{64}$"),
                    _connector="OR",
                ),
                name="complaint_worker_nik_hashed",
                violation_error_message="A NIK must be exactly 16 digits.",
            ),
        ),
    ]
