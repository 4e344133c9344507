"""Thin tasks: an export job's id in, the service does the work; safe to rerun."""

from celery import shared_task

from . import services


# acks_late + reject_on_worker_lost (settings): a worker lost mid-file puts the message back,
# and its redelivery (same task id) writes the file again; any other delivery does nothing.
@shared_task(
    bind=True,
    name="exports.run",
    acks_late=True,
    soft_time_limit=services.EXPORT_SOFT_TIME_LIMIT,
    time_limit=services.EXPORT_TIME_LIMIT,
)
def run_export(self, job_id: int) -> str | None:
    job = services.export_job_run(job_id=int(job_id), task_id=self.request.id or "")
    return job.status if job else None


@shared_task(name="exports.purge", soft_time_limit=600, time_limit=660)
def purge_exports() -> int:
    return services.export_jobs_purge()
