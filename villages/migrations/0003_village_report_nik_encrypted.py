"""The NIK of the person a village report names, encrypted at rest, with its keyed hash (matched
against workers' hashes by the rules). Existing rows sealed in batches by plain SQL
(core.encrypted_columns); reversible."""

from django.db import migrations, models

import core.fields
from core.crypto import keyed_hash
from core.encrypted_columns import not_sealed, reseal_table, unseal_table


def seal(apps, schema_editor):
    reseal_table(
        schema_editor.connection,
        table="villages_villagereport",
        column="person_nik",
        companions=lambda nik: {"person_nik_hash": keyed_hash(nik)},
        needs=not_sealed,
    )


def unseal(apps, schema_editor):
    unseal_table(schema_editor.connection, table="villages_villagereport", column="person_nik")


class Migration(migrations.Migration):
    dependencies = [("villages", "0002_village_offline")]

    operations = [
        migrations.RemoveConstraint(model_name="villagereport", name="village_report_nik_digits"),
        migrations.RemoveIndex(model_name="villagereport", name="village_report_nik_idx"),
        migrations.AlterField(
            model_name="villagereport",
            name="person_nik",
            field=core.fields.EncryptedCharField(blank=True, max_length=16, verbose_name="person's NIK"),
        ),
        migrations.AddField(
            model_name="villagereport",
            name="person_nik_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="NIK keyed hash"),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
        migrations.AddIndex(
            model_name="villagereport",
            index=models.Index(
                condition=models.Q(("person_nik_hash", ""), _negated=True),
                fields=["person_nik_hash"],
                name="village_report_nik_hash_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="villagereport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("person_nik", ""), ("person_nik_hash", "")),
                    ("person_nik_hash__regex", "^[0-9a-f]{64}$"),
                    _connector="OR",
                ),
                name="village_report_nik_hashed",
                violation_error_message="A NIK must be exactly 16 digits.",
            ),
        ),
    ]
