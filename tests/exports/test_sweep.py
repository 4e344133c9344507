"""The sweeper: exports whose worker was lost for good are sent once more, then failed with a reason."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from exports import services
from exports.choices import ExportStatus
from exports.models import ExportJob
from siskop2mi.celery import app
from siskop2mi.tasks import sweep_stuck_jobs

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(seconds=services.EXPORT_TIME_LIMIT) + services.STUCK_MARGIN + timedelta(minutes=1)


@pytest.fixture
def sent(monkeypatch):
    """Messages the sweeper sends, instead of a broker."""
    messages = []
    monkeypatch.setattr(
        "exports.tasks.run_export.apply_async", lambda args, task_id: messages.append((args[0], task_id))
    )
    return messages


def job(owner, **fields):
    return ExportJob.objects.create(owner=owner, kind="workers", format="csv", language="id", task_id="first", **fields)


def test_a_job_stuck_running_is_sent_again_once_under_a_new_task_then_failed_with_a_reason(
    ministry_official, client, sent, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stuck = job(ministry_official, status=ExportStatus.RUNNING, started_at=now - LONG_AGO, rows_done=40)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_sweep(now=now) == {"requeued": 1, "failed": 0}
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.QUEUED and stuck.requeues == 1 and stuck.rows_done == 0
    assert stuck.task_id != "first" and sent == [(stuck.pk, stuck.task_id)]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_sweep(now=now) == {"requeued": 0, "failed": 0}  # nothing more to do

    # Sent again and lost again: the owner reads why it failed, in their language.
    later = now + LONG_AGO * 2
    ExportJob.objects.filter(pk=stuck.pk).update(status=ExportStatus.RUNNING, started_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_sweep(now=later) == {"requeued": 0, "failed": 1}
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED and len(sent) == 1
    client.force_login(ministry_official)
    page = client.get(reverse("exports:detail", args=[stuck.pk])).content.decode()
    assert stuck.error in page and "pekerja" in stuck.error.lower()


def test_a_job_queued_too_long_is_sent_again(ministry_official, sent, django_capture_on_commit_callbacks):
    now = timezone.now()
    waiting = job(ministry_official, queued_at=now - services.QUEUED_TOO_LONG - timedelta(minutes=1))
    fresh = job(ministry_official, queued_at=now - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_sweep(now=now) == {"requeued": 1, "failed": 0}
    assert [pk for pk, _ in sent] == [waiting.pk]
    assert ExportJob.objects.get(pk=fresh.pk).task_id == "first"


def test_a_long_job_whose_worker_still_holds_it_is_left_alone(ministry_official, sent):
    now = timezone.now()
    busy = job(ministry_official, status=ExportStatus.RUNNING, started_at=now - LONG_AGO)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.EXPORT_LOCK, busy.pk])
        assert services.export_jobs_sweep(now=now) == {"requeued": 0, "failed": 0}
    finally:
        other.close()
    assert ExportJob.objects.get(pk=busy.pk).status == ExportStatus.RUNNING and not sent


def test_beat_runs_the_sweeper_every_five_minutes_over_exports_and_scans(
    ministry_official, sent, django_capture_on_commit_callbacks
):
    entry = next(entry for entry in app.conf.beat_schedule.values() if entry["task"] == sweep_stuck_jobs.name)
    assert entry["schedule"] == crontab(minute="*/5")
    job(ministry_official, status=ExportStatus.RUNNING, started_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stuck_jobs() == {"exports": {"requeued": 1, "failed": 0}, "scans_failed": 0}
    assert len(sent) == 1
