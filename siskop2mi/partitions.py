"""The tables partitioned by month, and the job that makes their coming months' partitions
(core.partitions has the mechanics; docs/operations.md, "Monthly partitions")."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection, transaction

from accounts.models import AuditEntry
from core.partitions import MONTHS_AHEAD, CreatedPartition, add_months, month_of, month_partition_create, months_between
from placement.models import PlacementEvent

# The models whose tables the migrations partitioned, and the field each is partitioned on.
MONTHLY_PARTITIONED = ((PlacementEvent, "at"), (AuditEntry, "at"))


def month_partitions_ensure(*, first: date | None = None, through: date | None = None) -> list[CreatedPartition]:
    """Make every missing month partition of every partitioned table, from ``first``'s month (default:
    this month, UTC) through ``through``'s (default: ``MONTHS_AHEAD`` months later). Idempotent: a
    partition that exists is left alone. Each partition is made in its own transaction, together
    with the move of its month's rows out of the DEFAULT partition, so a long move of one month
    holds no lock on the others."""
    this_month = month_of(datetime.now(UTC))
    first = month_of(first or this_month)
    through = month_of(through or add_months(this_month, MONTHS_AHEAD))
    created = []
    for model, field in MONTHLY_PARTITIONED:
        table, key = model._meta.db_table, model._meta.get_field(field).column
        for month in months_between(first, through):
            with transaction.atomic(), connection.cursor() as cursor:
                partition = month_partition_create(cursor, table=table, key=key, month=month)
            if partition:
                created.append(partition)
    return created
