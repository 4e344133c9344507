"""`make bench-rebuild-steps`: where the dashboard's full rebuild spends its time, statement by statement.

Over the data set of `make bench-data` (generated first if missing), BENCH_STEP_RUNS (default 2)
full rebuilds (dashboard.services.dashboard_refresh(full=True)), each in a REPEATABLE READ
transaction rolled back at the end, so the summary in the database is left as it was. Every
statement the rebuild sends is timed by the wall clock around the cursor's execute; statements of
at least BENCH_STEP_MIN_SECONDS (default 0.03) are printed with their first words. One line of JSON:
each run's total and its steps.
"""

import os
import time

from bench.common import emit, ensure_generated_data, log, use_bench_database


class RolledBack(Exception):
    """Raised to leave the rebuild's transaction without committing it."""


def timed_rebuild(min_seconds: float) -> dict:
    from django.db import connection, transaction
    from django.db.backends.utils import CursorWrapper

    from dashboard.services import dashboard_refresh

    steps = []
    execute = CursorWrapper.execute

    def timed_execute(cursor, sql, params=None):
        started = time.perf_counter()
        try:
            return execute(cursor, sql, params)
        finally:
            steps.append((time.perf_counter() - started, " ".join(str(sql).split())[:80]))

    started = time.perf_counter()
    CursorWrapper.execute = timed_execute
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            dashboard_refresh(full=True)
            total = time.perf_counter() - started
            raise RolledBack
    except RolledBack:
        pass
    finally:
        CursorWrapper.execute = execute
    return {
        "seconds": round(total, 2),
        "steps": [{"seconds": round(seconds, 3), "sql": sql} for seconds, sql in steps if seconds >= min_seconds],
    }


def main() -> None:
    database = use_bench_database()
    workers = ensure_generated_data(database)
    runs = int(os.environ.get("BENCH_STEP_RUNS", 2))
    min_seconds = float(os.environ.get("BENCH_STEP_MIN_SECONDS", 0.03))
    results = []
    for run in range(runs):
        result = timed_rebuild(min_seconds)
        log(f"run {run + 1}: {result['seconds']:.2f}s")
        for step in result["steps"]:
            log(f"  {step['seconds']:6.3f}  {step['sql']}")
        results.append(result)
    emit({"benchmark": "rebuild_steps", "workers": workers, "runs": results})


if __name__ == "__main__":
    main()
