"""The workers' and placements' counts become one row per area, counts by position, instead of one
row per area, metric and key (dashboard.services). Unlogged like the other tallies (0004); the
next refresh rebuilds in full, as the snapshots before this have no tally layout."""

import django.contrib.postgres.fields
from django.db import migrations, models

TABLES = ["dashboard_villagetally", "dashboard_areatally"]


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0006_figure_snapshot_without_foreign_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='AreaTally',
            fields=[
                ('area_code', models.CharField(max_length=13, primary_key=True, serialize=False, verbose_name='area')),
                ('level', models.PositiveSmallIntegerField(verbose_name='level')),
                ('counts', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), size=None, verbose_name='counts')),
            ],
            options={
                'verbose_name': 'dashboard area tally',
                'verbose_name_plural': 'dashboard area tallies',
            },
        ),
        migrations.CreateModel(
            name='VillageTally',
            fields=[
                ('area_code', models.CharField(max_length=13, primary_key=True, serialize=False, verbose_name='village')),
                ('counts', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), size=None, verbose_name='counts')),
            ],
            options={
                'verbose_name': 'dashboard village tally',
                'verbose_name_plural': 'dashboard village tallies',
            },
        ),
        migrations.AddField(
            model_name='snapshot',
            name='tally_keys',
            field=models.JSONField(default=list, verbose_name='tally layout'),
        ),
        migrations.RunSQL(
            [f"ALTER TABLE {table} SET UNLOGGED" for table in TABLES],
            reverse_sql=[f"ALTER TABLE {table} SET LOGGED" for table in TABLES],
        ),
    ]
