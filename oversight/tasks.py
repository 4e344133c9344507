"""Thin tasks: ids in, the engine does the work; safe to rerun."""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from .engine import ScanAlreadyRunning, full_scan, recheck


@shared_task(name="oversight.full_scan", soft_time_limit=1800, time_limit=2000)
def scan_all(requested_by_id: int | None = None) -> int | None:
    from accounts.models import User

    try:
        scan = full_scan(requested_by=User.objects.filter(pk=requested_by_id).first())
    except ScanAlreadyRunning:
        return None
    return scan.pk


@shared_task(name="oversight.recheck")
def recheck_subjects(subjects: dict) -> dict:
    return recheck({kind: [int(i) for i in ids] for kind, ids in subjects.items()})


def enqueue_recheck(**subjects: list[int] | int | None) -> None:
    """After the current transaction commits, re-check these subjects' rules (within seconds)."""
    if not settings.OVERSIGHT_RECHECK_ON_WRITE:
        return
    payload = {
        kind: [ids] if isinstance(ids, int) else list(ids) for kind, ids in subjects.items() if ids not in (None, [])
    }
    if payload:
        transaction.on_commit(lambda: recheck_subjects.delay(payload))
