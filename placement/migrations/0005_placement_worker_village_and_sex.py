"""The worker's village and sex copied onto each placement (neither ever changes), so the dashboard
counts placements by village and sex without joining a million of them to their workers. Added
empty, filled from the workers in one UPDATE, then required. Reversible."""

import django.db.models.deletion
from django.db import migrations, models

FILL_FROM_WORKERS = """
UPDATE placement_placement p SET village_id = w.village_id, worker_sex = w.sex
FROM recruitment_worker w WHERE w.id = p.worker_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0004_events_partitioned_by_month"),
        ("recruitment", "0006_worker_nik_encrypted"),
        ("villages", "0003_village_report_nik_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="placement",
            name="village",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.village",
                verbose_name="worker's village",
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="worker_sex",
            field=models.CharField(
                choices=[("F", "Female"), ("M", "Male")], max_length=1, null=True, verbose_name="worker's sex"
            ),
        ),
        migrations.RunSQL(FILL_FROM_WORKERS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="placement",
            name="village",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.village",
                verbose_name="worker's village",
            ),
        ),
        migrations.AlterField(
            model_name="placement",
            name="worker_sex",
            field=models.CharField(choices=[("F", "Female"), ("M", "Male")], max_length=1, verbose_name="worker's sex"),
        ),
    ]
