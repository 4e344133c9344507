"""The tallies are rewritten whole by every full rebuild and can be rebuilt from the live tables at
any time, so they skip the write-ahead log (about half the rebuild's writing). After a crash
PostgreSQL empties an unlogged table; the refresh then finds no tallies under a snapshot that has
figures and rebuilds in full. They are not copied to a replica either, where no refresh runs."""

from django.db import migrations

TABLES = ["dashboard_basecount", "dashboard_areacount", "dashboard_jobordershare"]


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_small_statistics_samples")]

    operations = [
        migrations.RunSQL(
            [f"ALTER TABLE {table} SET UNLOGGED" for table in TABLES],
            reverse_sql=[f"ALTER TABLE {table} SET LOGGED" for table in TABLES],
        )
    ]
