"""`make bench-redflags`: a full red-flag scan over the benchmark data set, rule by rule,
against the floor of reading the same tables once, and the p50/p95 of one subject's re-check.

1. Uses the data set of `make bench-data` in BENCH_DATABASE (generated first if missing).
2. Floor, in the same run: a plain sequential `count(*)` over every table the rules read
   (index scans switched off), i.e. what reading those tables once costs.
3. A full scan (oversight.engine.full_scan) with each rule's own time from its ScanRun; run
   twice, the second one is reported (the first settles the flags, as the nightly scan would).
   The placement facts' build (oversight/facts.py), which reads the big tables once for every
   placement rule, is timed on its own; the rules then run OVERSIGHT_SCAN_CONNECTIONS at a time, so
   their own seconds overlap and the rest of the scan is reported as one wall-clock figure.
   Goal: the scan within 10x the floor.
4. Re-check latency: BENCH_RECHECKS (default 200) random placements re-checked one at a time
   the way a write enqueues it (the placement, its worker, job order, company and employer).
5. One line of JSON.
"""

import os
import random
import statistics
import time

from bench.common import (
    bench_seed,
    emit,
    ensure_generated_data,
    log,
    percentile,
    use_bench_database,
)

RULE_TABLES = [
    "placement_placement", "recruitment_worker", "placement_document", "placement_placementevent",
    "recruitment_joborder", "recruitment_application", "placement_fee", "villages_villagereport",
    "agencies_agency", "agencies_employer", "agencies_fieldrecruiter", "recruitment_recruitmentpermit",
    "recruitment_recruitmentpermit_regions",
]  # fmt: skip


def floor_seconds() -> float:
    from django.db import connection, transaction

    total = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off; "
                       "SET LOCAL enable_bitmapscan = off")  # fmt: skip
        for table in RULE_TABLES:
            started = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM {table}")
            cursor.fetchone()
            total += time.perf_counter() - started
    return total


def timing_the_facts_build() -> list[float]:
    """Seconds of each placement facts' build from here on (the engine's own call, wrapped)."""
    from oversight import engine

    build, seconds = engine.placement_facts_rebuild, []

    def timed() -> int:
        started = time.perf_counter()
        try:
            return build()
        finally:
            seconds.append(time.perf_counter() - started)

    engine.placement_facts_rebuild = timed
    return seconds


def random_recheck_subjects(samples: int) -> list[dict]:
    """What a write to each of ``samples`` random placements asks to re-check: the placement, its
    worker, job order, company and employer (placement.services)."""
    from placement.models import Placement

    rows = Placement.objects.order_by("?")[:samples].values_list(
        "pk", "worker_id", "job_order_id", "agency_id", "job_order__employer_id"
    )
    return [
        {
            "placement": [placement],
            "worker": [worker],
            "job_order": [job_order],
            "agency": [agency],
            "employer": [employer],
        }
        for placement, worker, job_order, agency, employer in rows
    ]


def recheck_latencies(samples: int) -> list[float]:
    from oversight.engine import recheck

    timings = []
    for subjects in random_recheck_subjects(samples):
        started = time.perf_counter()
        recheck(subjects)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    database = use_bench_database()
    workers = ensure_generated_data(database)
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        # As autovacuum leaves a database some time after its rows were written: statistics, and the
        # pages marked all-visible, which the facts' index-only scans rely on. Quick once it is done.
        cursor.execute("VACUUM (ANALYZE)")
    from oversight.engine import full_scan

    floor = statistics.median(floor_seconds() for _ in range(3))
    log(f"floor (sequential count of {len(RULE_TABLES)} tables): {floor:.2f}s")
    facts_seconds = timing_the_facts_build()
    started = time.perf_counter()
    full_scan()
    log(f"first full scan (settles the flags): {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    scan = full_scan()
    seconds = time.perf_counter() - started
    log(f"second full scan: {seconds:.1f}s")
    random.seed(bench_seed())
    timings = recheck_latencies(int(os.environ.get("BENCH_RECHECKS", 200)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rule_code, count(*) FROM oversight_flag WHERE status <> 'resolved' GROUP BY 1")
        open_flags = dict(cursor.fetchall())
    emit(
        {
            "benchmark": "redflags",
            "workers": workers,
            "full_scan_seconds": round(seconds, 2),
            "floor_seconds": round(floor, 3),
            "ratio": round(seconds / floor, 1) if floor else None,
            "goal_full_scan_under_60s": seconds < 60,
            "goal_full_scan_within_10x_floor": seconds <= 10 * floor,
            # Each rule's own seconds; OVERSIGHT_SCAN_CONNECTIONS of them ran at once.
            "rules_seconds": {code: result["seconds"] for code, result in scan.results.items()},
            "scan_connections": settings.OVERSIGHT_SCAN_CONNECTIONS,
            "facts_seconds": round(facts_seconds[-1], 2),
            # The rules, the scan's bookkeeping and notices: the scan less its facts' build.
            "rules_and_bookkeeping_seconds": round(seconds - facts_seconds[-1], 2),
            "recheck_ms": {
                "p50": round(percentile(timings, 0.5), 1),
                "p95": round(percentile(timings, 0.95), 1),
                "samples": len(timings),
            },  # fmt: skip
            "goal_recheck_p95_under_50ms": percentile(timings, 0.95) < 50,
            "open_flags": open_flags,
        }
    )


if __name__ == "__main__":
    main()
