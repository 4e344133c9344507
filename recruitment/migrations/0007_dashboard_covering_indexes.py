"""The workers by village, sex and registration time as an index, which the dashboard's rebuild reads
instead of the table; the village's foreign key is served by the indexes starting with it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0007_field_recruiter_nik_encrypted'),
        ('recruitment', '0006_worker_nik_encrypted'),
        ('villages', '0003_village_report_nik_encrypted'),
    ]

    operations = [
        migrations.AlterField(
            model_name='worker',
            name='village',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='villages.village', verbose_name='village of domicile'),
        ),
        migrations.AddIndex(
            model_name='worker',
            index=models.Index(fields=['village', 'sex', 'created_at'], name='worker_village_sex_created_idx'),
        ),
    ]
