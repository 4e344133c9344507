"""Thin tasks: ids in, the engine does the work; safe to rerun."""

from celery import shared_task

from accounts.models import User

from .engine import ScanAlreadyRunning, full_scan, recheck


@shared_task(name="oversight.full_scan", soft_time_limit=1800, time_limit=2000)
def scan_all(requested_by_id: int | None = None) -> int | None:

    try:
        scan = full_scan(requested_by=User.objects.filter(pk=requested_by_id).first())
    except ScanAlreadyRunning:
        return None
    return scan.pk


@shared_task(name="oversight.recheck")
def recheck_subjects(subjects: dict) -> dict:
    return recheck({kind: [int(i) for i in ids] for kind, ids in subjects.items()})
