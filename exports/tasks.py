"""Thin tasks: an export job's id in, the service does the work; safe to rerun."""

from celery import shared_task

from . import services


# acks_late: a worker lost mid-file leaves the message to be redelivered; the service's
# conditional claim makes a redelivery of a job that finished (or is running) do nothing.
@shared_task(name="exports.run", acks_late=True, soft_time_limit=1800, time_limit=1900)
def run_export(job_id: int) -> str | None:
    job = services.export_job_run(job_id=int(job_id))
    return job.status if job else None


@shared_task(name="exports.purge", soft_time_limit=600, time_limit=660)
def purge_exports() -> int:
    return services.export_jobs_purge()
