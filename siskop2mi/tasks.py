"""Project-wide tasks that belong to no single app."""

from celery import shared_task

from exports.services import export_jobs_sweep
from oversight.services import scan_runs_sweep
from siskop2mi import health
from siskop2mi.partitions import month_partitions_ensure


@shared_task(name="siskop2mi.tasks.beat_heartbeat", ignore_result=False)
def beat_heartbeat() -> str:
    """Record that beat scheduled and a worker ran a job; /healthz reads it."""
    return health.record_beat_heartbeat().isoformat()


@shared_task(name="siskop2mi.tasks.sweep_stuck_jobs", acks_late=True, soft_time_limit=120, time_limit=150)
def sweep_stuck_jobs() -> dict:
    """Exports and scans whose worker was lost for good: sent again once, or failed with a reason."""
    return {"exports": export_jobs_sweep(), "scans_failed": scan_runs_sweep()}


@shared_task(name="siskop2mi.tasks.create_month_partitions", acks_late=True, soft_time_limit=1800, time_limit=1860)
def create_month_partitions() -> dict:
    """This month's and the next two months' partitions of the tables partitioned by month, made ahead of
    time so no row of a new month lands in DEFAULT (idempotent: a rerun finds them made)."""
    created = month_partitions_ensure()
    return {"created": [partition.name for partition in created], "moved_rows": sum(p.moved_rows for p in created)}
