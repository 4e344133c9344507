"""The worker's village and sex and the job order's country and sector copied onto each placement
(none of them ever changes), so the dashboard counts placements by them without joining a million
of them to their workers and job orders. Added empty, filled in one UPDATE, then required; with
the two indexes the dashboard's rebuild reads instead of the table (the first also serves the
village's foreign key). Reversible."""

import django.db.models.deletion
from django.db import migrations, models

FILL_FROM_WORKERS_AND_JOB_ORDERS = """
UPDATE placement_placement p
SET village_id = w.village_id, worker_sex = w.sex, country_id = j.country_id, sector = j.sector
FROM recruitment_worker w, recruitment_joborder j WHERE w.id = p.worker_id AND j.id = p.job_order_id
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
                db_index=False,
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
        migrations.AddField(
            model_name="placement",
            name="country",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="recruitment.country",
                verbose_name="destination country",
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="sector",
            field=models.CharField(
                choices=[("formal", "Formal (company employer)"), ("informal", "Informal (individual employer)")],
                max_length=16,
                null=True,
                verbose_name="sector",
            ),
        ),
        migrations.RunSQL(FILL_FROM_WORKERS_AND_JOB_ORDERS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="placement",
            name="village",
            field=models.ForeignKey(
                db_index=False,
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
        migrations.AlterField(
            model_name="placement",
            name="country",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="recruitment.country",
                verbose_name="destination country",
            ),
        ),
        migrations.AlterField(
            model_name="placement",
            name="sector",
            field=models.CharField(
                choices=[("formal", "Formal (company employer)"), ("informal", "Informal (individual employer)")],
                max_length=16,
                verbose_name="sector",
            ),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(fields=["village", "stage"], name="placement_village_stage_idx"),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                fields=["departed_on"],
                include=("stage", "village", "worker_sex", "country", "sector"),
                name="placement_departures_idx",
            ),
        ),
    ]
