"""Tables partitioned by month: PostgreSQL's declarative RANGE partitioning on a time column.

The two biggest tables (placement events, audit entries) grow by millions of rows a year and are
only ever appended to. Partitioned by month, each month is a table of its own: an index stays the
size of a month, a query bounded in time reads only its months, and an old year can be archived or
dropped as whole tables instead of by a DELETE over millions of rows.

- One partition per calendar month in UTC, ``<table>_pYYYY_MM``, holding ``[first day, first day of
  the next month)``; UTC, so the bounds never depend on the portal's or a session's time zone.
- A DEFAULT partition, ``<table>_default``, takes any row outside the months that exist (an import
  of old records, a date typed a century off), so a write never fails for want of a partition.
- Django keeps ``id`` as the model's primary key; in the database the primary key is ``(id, <key>)``,
  as PostgreSQL requires the partition key in every unique constraint. The id is still unique: it
  comes from the table's one identity sequence.
- :func:`month_partition_create` makes a month's partition, moving the DEFAULT partition's rows of that
  month into it in the same transaction (PostgreSQL refuses a partition whose rows sit in DEFAULT).
  The job ``siskop2mi.tasks.create_month_partitions`` runs it daily for this month and the next
  ``MONTHS_AHEAD``, so rows of a new month never land in DEFAULT.

Every function takes a DB-API cursor and runs in the caller's transaction, so a migration,
``generate_data``'s raw connection and the job share them. Table and column names are ours (model
tables), checked against a plain-identifier pattern rather than escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

MONTHS_AHEAD = 2  # the job keeps this month and the next two ready
# A conversion makes partitions back to the earliest row, but not more than ten years: rows older than
# that (or a mistyped year) stay in DEFAULT rather than make a table for every month since.
MONTHS_BACK_AT_MOST = 120
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _name(identifier: str) -> str:
    if not _IDENTIFIER.match(identifier):
        raise ValueError(f"Not a plain table or column name: {identifier!r}")
    return identifier


def month_of(moment: date | datetime) -> date:
    """The first day of the (UTC) month a moment or day falls in."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("A naive datetime has no month in UTC.")
        moment = moment.astimezone(UTC).date()
    return moment.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, through: date) -> list[date]:
    """Every month from ``first``'s through ``through``'s, both included."""
    months, month = [], month_of(first)
    while month <= month_of(through):
        months.append(month)
        month = add_months(month, 1)
    return months


def partition_name(table: str, month: date) -> str:
    return f"{_name(table)}_p{month:%Y_%m}"


def default_partition_name(table: str) -> str:
    return f"{_name(table)}_default"


def _bound(month: date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        [table],
    )
    return [_name(name) for (name,) in cursor.fetchall()]


def _exists(cursor, relation: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [relation])
    return cursor.fetchone()[0]


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))", [table])
    return cursor.fetchone()[0]


@dataclass(frozen=True)
class CreatedPartition:
    name: str
    moved_rows: int  # rows of its month that had been in the DEFAULT partition


def month_partition_create(cursor, *, table: str, key: str, month: date) -> CreatedPartition | None:
    """Create ``table``'s partition for ``month`` unless it exists (then None). Run it in a transaction.

    The partition is made as a plain table shaped like the parent and attached, which locks the
    parent only against other schema changes (SHARE UPDATE EXCLUSIVE: reads and writes go on),
    where CREATE TABLE ... PARTITION OF would lock out every reader. The DEFAULT partition is locked
    throughout, so rows of that month already in it are moved into the new table first and none can
    slip in before it is attached. Locks are taken parent first, then DEFAULT, in the order every
    query takes them, so the job never deadlocks with a reader."""
    month = month_of(month)
    name, default = partition_name(table, month), default_partition_name(table)
    if _exists(cursor, name):
        return None
    low, high = _bound(month), _bound(add_months(month, 1))
    key, table = _name(key), _name(table)
    cursor.execute(f"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE")
    cursor.execute(f"LOCK TABLE {default} IN ACCESS EXCLUSIVE MODE")
    if _exists(cursor, name):  # made by a run that held the locks before us
        return None
    columns = ", ".join(_columns(cursor, table))
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {key} >= {low} AND {key} < {high} RETURNING {columns}) "
        f"INSERT INTO {name} ({columns}) SELECT {columns} FROM moved"
    )
    moved = cursor.rowcount
    # Builds the parent's indexes and foreign keys on the new table, and checks its rows once.
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})")
    return CreatedPartition(name, moved)


def month_partitions_ensure(cursor, *, table: str, key: str, first: date, through: date) -> list[CreatedPartition]:
    """Create every missing month partition from ``first``'s month through ``through``'s (idempotent)."""
    created = []
    for month in months_between(first, through):
        partition = month_partition_create(cursor, table=table, key=key, month=month)
        if partition:
            created.append(partition)
    return created


def _indexes_and_sequence(cursor, table: str) -> tuple[list[str], str | None]:
    """The definitions of a table's indexes but its primary key, and its id column's sequence: what
    a conversion rebuilds on the new table."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY i.indexrelid::regclass::text",
        [table],
    )
    indexes = [definition for (definition,) in cursor.fetchall()]
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    return indexes, sequence


def convert_to_month_partitions(cursor, *, table: str, key: str, today: date, months_ahead: int = MONTHS_AHEAD):
    """Turn a plain table into one partitioned by month on ``key``, keeping its rows, ids, sequence
    position, indexes, constraints and their names. For a migration; runs in its transaction.

    Fast on a big table: one INSERT ... SELECT into the new partitioned table, then the indexes and
    foreign keys are built once over the loaded rows (not row by row), and the new table takes the
    old one's name. Partitions cover every month from the earliest row's (this month's when the
    table is empty) through ``months_ahead`` after ``today``'s, plus the DEFAULT partition. The
    table is locked for the whole conversion: it is append-only, and no write may be lost."""
    table, key = _name(table), _name(key)
    staging = f"{table}_partitioned"
    if is_partitioned(cursor, table):
        return
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a table with deferred checks pending cannot be dropped
    cursor.execute("SELECT conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass", [table])
    referencing = [name for (name,) in cursor.fetchall()]
    if referencing:
        raise RuntimeError(f"{table} is referenced by {', '.join(referencing)}: move those foreign keys first.")
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u', 'f', 'x') ORDER BY c.conname",
        [table],
    )
    constraints = cursor.fetchall()
    primary = [name for name, _definition, kind in constraints if kind == "p"]
    if any(kind in ("u", "x") for _name_, _definition, kind in constraints):
        raise RuntimeError(f"{table} has a unique or exclusion constraint, which would need {key} in it.")
    foreign_keys = [(name, definition) for name, definition, kind in constraints if kind == "f"]
    indexes, sequence = _indexes_and_sequence(cursor, table)

    # A new sequence comes with the copied identity; it takes over the old one's position and name.
    cursor.execute(
        f"CREATE TABLE {staging} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({key})"
    )
    cursor.execute(f"SELECT min({key}) FROM {table}")
    (earliest,) = cursor.fetchone()
    first = month_of(today)
    if earliest:
        first = min(first, max(month_of(earliest), add_months(first, -MONTHS_BACK_AT_MOST)))
    for month in months_between(first, add_months(month_of(today), months_ahead)):
        low, high = _bound(month), _bound(add_months(month, 1))
        cursor.execute(
            f"CREATE TABLE {partition_name(table, month)} PARTITION OF {staging} FOR VALUES FROM ({low}) TO ({high})"
        )
    cursor.execute(f"CREATE TABLE {default_partition_name(table)} PARTITION OF {staging} DEFAULT")
    columns = ", ".join(_columns(cursor, table))
    cursor.execute(f"INSERT INTO {staging} ({columns}) SELECT {columns} FROM {table}")
    if sequence:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), last_value, is_called) FROM {sequence}", [staging]
        )

    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {staging} RENAME TO {table}")
    if sequence:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (new_sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {_name(sequence.split('.')[-1])}")
    # Built over the loaded rows, on the parent (each partition gets its own, attached to it).
    for name in primary:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_name(name)} PRIMARY KEY (id, {key})")
    for definition in indexes:
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_name(name)} {definition}")
    cursor.execute(f"ANALYZE {table}")


def convert_from_month_partitions(cursor, *, table: str):
    """The way back: the same table unpartitioned, ``id`` alone its primary key again."""
    table = _name(table)
    staging = f"{table}_unpartitioned"
    if not is_partitioned(cursor, table):
        return
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'f') AND c.conparentid = 0 ORDER BY c.conname",
        [table],
    )
    constraints = cursor.fetchall()
    indexes, sequence = _indexes_and_sequence(cursor, table)
    cursor.execute(
        f"CREATE TABLE {staging} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS "
        "INCLUDING STORAGE INCLUDING COMMENTS)"
    )
    columns = ", ".join(_columns(cursor, table))
    cursor.execute(f"INSERT INTO {staging} ({columns}) SELECT {columns} FROM {table}")
    if sequence:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), last_value, is_called) FROM {sequence}", [staging]
        )
    cursor.execute(f"DROP TABLE {table}")  # its partitions with it
    cursor.execute(f"ALTER TABLE {staging} RENAME TO {table}")
    if sequence:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (new_sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {_name(sequence.split('.')[-1])}")
    for name, definition, kind in constraints:
        if kind == "p":
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_name(name)} PRIMARY KEY (id)")
        else:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_name(name)} {definition}")
    for definition in indexes:
        cursor.execute(definition)
    cursor.execute(f"ANALYZE {table}")
