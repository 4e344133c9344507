"""Placement events partitioned by month on `at` (core.partitions): the biggest table (about 20
events per worker) becomes one table per month, with a DEFAULT partition for anything outside the
months made. One INSERT ... SELECT into the partitioned table, indexes and foreign keys built once,
then the new table takes the old name; ids, the sequence and every index name are kept. The
database's primary key becomes (id, at); Django keeps `id` as the model's. Reversible."""

from datetime import UTC, datetime

from django.db import migrations

from core.partitions import convert_from_month_partitions, convert_to_month_partitions

TABLE = "placement_placementevent"


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        convert_to_month_partitions(cursor, table=TABLE, key="at", today=datetime.now(UTC).date())


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        convert_from_month_partitions(cursor, table=TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0003_document_number_encrypted"),
    ]

    operations = [migrations.RunPython(partition, unpartition)]
