"""Project-wide tasks that belong to no single app."""

from celery import shared_task

from exports.services import export_jobs_sweep
from oversight.services import scan_runs_sweep
from siskop2mi import health


@shared_task(name="siskop2mi.tasks.beat_heartbeat", ignore_result=False)
def beat_heartbeat() -> str:
    """Record that beat scheduled and a worker ran a job; /healthz reads it."""
    return health.record_beat_heartbeat().isoformat()


@shared_task(name="siskop2mi.tasks.sweep_stuck_jobs", acks_late=True, soft_time_limit=120, time_limit=150)
def sweep_stuck_jobs() -> dict:
    """Exports and scans whose worker was lost for good: sent again once, or failed with a reason."""
    return {"exports": export_jobs_sweep(), "scans_failed": scan_runs_sweep()}
