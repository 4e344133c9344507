"""Thin tasks: ids in, the engine does the work; safe to rerun."""

from celery import shared_task

from accounts.models import User

from .engine import SCAN_SOFT_TIME_LIMIT, SCAN_TIME_LIMIT, ScanAlreadyRunning, full_scan, recheck

# A scan that finds another one at work tries again this much later, a few times.
SCAN_RETRY_SECONDS = 300
SCAN_RETRIES = 6


@shared_task(
    bind=True,
    name="oversight.full_scan",
    acks_late=True,
    soft_time_limit=SCAN_SOFT_TIME_LIMIT,
    time_limit=SCAN_TIME_LIMIT,
    max_retries=SCAN_RETRIES,
)
def scan_all(self, requested_by_id: int | None = None) -> int:
    try:
        scan = full_scan(requested_by=User.objects.filter(pk=requested_by_id).first(), task_id=self.request.id or "")
    except ScanAlreadyRunning as busy:
        # The other scan is alive (it holds the lock; a dead worker's lock is gone with its
        # connection), so this request waits its turn rather than vanishing.
        raise self.retry(countdown=SCAN_RETRY_SECONDS, exc=busy) from busy
    return scan.pk


@shared_task(name="oversight.recheck")
def recheck_subjects(subjects: dict) -> dict:
    return recheck({kind: [int(i) for i in ids] for kind, ids in subjects.items()})
