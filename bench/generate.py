"""`make bench-generate`: how long `generate_data` takes, against what a bare COPY of its rows takes.

1. Regenerates the benchmark data set: `generate_data --workers BENCH_WORKERS --replace`
   into BENCH_DATABASE (timed, wall clock, ANALYZE included).
2. The floor, in the same run on the same server: every generated table is copied
   out (COPY TO, not timed) and loaded back (COPY FROM, timed) into a copy made with
   `CREATE TABLE ... (LIKE table INCLUDING ALL)`: the same rows, column types,
   defaults, CHECK constraints and indexes, but no foreign keys and no Python drawing
   the rows. The copies are dropped (rolled back) at once. A table partitioned by month
   (placement events) is copied into one plain table: the floor routes no rows.
3. Prints one line of JSON: seconds, the ratio generate / floor, and rows and bytes
   (table, indexes and TOAST) of every generated table.
"""

import sys
import tempfile
import time

from bench.common import bench_seed, bench_workers, emit, log, use_bench_database


def floor_copy_seconds(tables: list[str]) -> float:
    """Sum of COPY FROM times of the tables' own rows into indexed copies without foreign keys."""
    import psycopg2
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    raw = psycopg2.connect(**params)
    total = 0.0
    try:
        with raw.cursor() as cursor:
            for table in tables:
                with tempfile.TemporaryFile() as rows:
                    # COPY TO reads a plain table only; the query form reads a partitioned one too.
                    cursor.copy_expert(f"COPY (SELECT * FROM {table}) TO STDOUT", rows)
                    if rows.tell() == 0:
                        continue
                    rows.seek(0)
                    cursor.execute(f"CREATE TABLE bench_floor_{table} (LIKE {table} INCLUDING ALL)")
                    started = time.monotonic()
                    cursor.copy_expert(f"COPY bench_floor_{table} FROM STDIN", rows, size=1 << 20)
                    seconds = time.monotonic() - started
                    total += seconds
                    log(f"floor: {table} {seconds:.1f}s")
                raw.rollback()  # drops the copy
    finally:
        raw.rollback()
        raw.close()
    return total


def table_sizes(tables: list[str]) -> dict:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            # A partitioned table's rows and indexes are its partitions': pg_partition_tree lists them
            # (and a plain table alone).
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {table}), "
                f"(SELECT sum(pg_total_relation_size(relid))::bigint FROM pg_partition_tree('{table}'))"
            )
            rows, size = cursor.fetchone()
            sizes[table] = {"rows": rows, "bytes": size}
    return sizes


def main() -> None:
    database = use_bench_database()
    from django.core.management import call_command

    from siskop2mi.synthetic.generator import GENERATED_TABLES

    workers, seed = bench_workers(), bench_seed()
    log(f"generate_data --workers {workers:,} --seed {seed} --replace into {database}")
    started = time.monotonic()
    call_command("generate_data", workers=workers, seed=seed, replace=True, stdout=sys.stderr)
    generate_seconds = time.monotonic() - started
    log(f"generate_data took {generate_seconds:.1f}s; measuring the floor (plain COPY into indexed copies)")
    floor = floor_copy_seconds(GENERATED_TABLES)
    emit(
        {
            "benchmark": "generate",
            "workers": workers,
            "seed": seed,
            "database": database,
            "generate_seconds": round(generate_seconds, 1),
            "floor_copy_seconds": round(floor, 1),
            "ratio": round(generate_seconds / floor, 2) if floor else None,
            "table_sizes": table_sizes(GENERATED_TABLES),
        }
    )


if __name__ == "__main__":
    main()
