"""`make bench-recheck-profile`: where one re-check's time goes, statement by statement.

BENCH_RECHECKS (default 40) random placements of the data set of `make bench-data` are re-checked
the way a write enqueues it (the placement, its worker, job order, company and employer), each
twice, rolled back: once with every statement also run under EXPLAIN (ANALYZE, SUMMARY) first (its
planning and execution time, in a savepoint rolled back), once plain and timed whole. Prints a
table of the statements by mean wall time to stderr and one line of JSON.
"""

import json
import os
import statistics
import time
from collections import defaultdict

from bench.common import emit, ensure_generated_data, log, percentile, use_bench_database
from bench.redflags import random_recheck_subjects


def statement_name(sql: str, params) -> str:
    if "hits_0 AS" in sql:
        return "the rules, one statement"
    if "jsonb_agg(facts)" in sql:
        return "placement facts"
    return " ".join(sql.split())[:60]


def main() -> None:
    database = use_bench_database()
    ensure_generated_data(database)
    from django.db import connection, transaction

    from oversight.engine import recheck

    samples = int(os.environ.get("BENCH_RECHECKS", 40))
    statements = defaultdict(lambda: {"wall": [], "planning": [], "execution": []})

    def explained(execute, sql, params, many, context):
        name = statement_name(sql, params)
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            with connection.cursor() as cursor:
                cursor.execute("SAVEPOINT profiled")
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                cursor.execute("ROLLBACK TO SAVEPOINT profiled")
            statements[name]["planning"].append(plan[0]["Planning Time"])
            statements[name]["execution"].append(plan[0]["Execution Time"])
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements[name]["wall"].append((time.perf_counter() - started) * 1000)

    def mean(values: list[float]) -> float:
        return round(statistics.mean(values), 2) if values else 0.0

    totals = []
    for subjects in random_recheck_subjects(samples):
        with transaction.atomic():
            with connection.execute_wrapper(explained):
                recheck(subjects)
            transaction.set_rollback(True)
        with transaction.atomic():
            started = time.perf_counter()
            recheck(subjects)
            totals.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    profiled = {
        name: {"wall_ms": mean(s["wall"]), "planning_ms": mean(s["planning"]), "execution_ms": mean(s["execution"])}
        for name, s in statements.items()
        if "SAVEPOINT" not in name and s["planning"]
    }
    ordered = sorted(profiled.items(), key=lambda item: -item[1]["wall_ms"])
    for name, figures in ordered:
        log(f"{figures['wall_ms']:7.2f} ms wall {figures['planning_ms']:6.2f} planning "
            f"{figures['execution_ms']:6.2f} execution  {name}")  # fmt: skip
    emit(
        {
            "benchmark": "recheck_profile",
            "samples": len(totals),
            "recheck_ms": {"p50": round(percentile(totals, 0.5), 1), "p95": round(percentile(totals, 0.95), 1)},
            "statements": len(profiled),
            "statements_ms": dict(ordered),
        }
    )


if __name__ == "__main__":
    main()
