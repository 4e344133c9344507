"""Project-wide tasks that belong to no single app."""

from celery import shared_task

from siskop2mi import health


@shared_task(name="siskop2mi.tasks.beat_heartbeat", ignore_result=False)
def beat_heartbeat() -> str:
    """Record that beat scheduled and a worker ran a job; /healthz reads it."""
    return health.record_beat_heartbeat().isoformat()
