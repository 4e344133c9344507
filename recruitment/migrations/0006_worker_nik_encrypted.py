"""The NIK encrypted at rest (core.crypto), with its keyed hash (now the unique key) and the
columns set-based rules read instead of the number: district, birth date and sex it encodes,
its last four digits for masking.

Existing rows are sealed in batches by plain SQL (core.encrypted_columns): the historical
model carries today's encrypted field, which cannot read the plain numbers. Reversible: going
back decrypts every NIK into the column before the old unique constraint returns.
"""

from django.db import migrations, models

import core.fields
from core.encrypted_columns import not_sealed, reseal_table, unseal_table
from core.nik import personal_number_columns


def seal(apps, schema_editor):
    reseal_table(
        schema_editor.connection,
        table="recruitment_worker",
        column="nik",
        companions=personal_number_columns,
        needs=not_sealed,
    )


def unseal(apps, schema_editor):
    unseal_table(schema_editor.connection, table="recruitment_worker", column="nik")


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0005_village_offline")]

    operations = [
        migrations.RemoveConstraint(model_name="worker", name="worker_nik_sixteen_digits"),
        migrations.AlterField(
            model_name="worker", name="nik", field=core.fields.EncryptedCharField(max_length=16, verbose_name="NIK")
        ),
        migrations.AddField(
            model_name="worker",
            name="nik_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="NIK keyed hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="worker",
            name="nik_district",
            field=models.CharField(
                default="", editable=False, max_length=6, verbose_name="district of issue in the NIK"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="worker",
            name="nik_birth_date",
            field=models.DateField(editable=False, null=True, verbose_name="birth date in the NIK"),
        ),
        migrations.AddField(
            model_name="worker",
            name="nik_sex",
            field=models.CharField(default="", editable=False, max_length=1, verbose_name="sex in the NIK"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="worker",
            name="nik_last4",
            field=models.CharField(
                default="", editable=False, max_length=4, verbose_name="last four digits of the NIK"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal, unseal, elidable=False),
        migrations.AddConstraint(
            model_name="worker",
            constraint=models.UniqueConstraint(
                fields=("nik_hash",),
                name="worker_nik_unique",
                violation_error_message="A person with this NIK is already registered.",
            ),
        ),
        migrations.AddConstraint(
            model_name="worker",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("nik_hash__regex", "^[0-9a-f]{64}$"),
                    ("nik_district__regex", "^[0-9]{6}$"),
                    ("nik_last4__regex", "^[0-9]{4}$"),
                    ("nik_sex__in", ["F", "M"]),
                ),
                name="worker_nik_columns_filled",
                violation_error_message="A NIK must be exactly 16 digits.",
            ),
        ),
    ]
