"""A worker's child killed with SIGKILL mid-export and mid-scan: the work still ends, complete.

A real Celery worker (prefork pool, one child) runs against the real Redis and this test's
database. With acks_late and reject_on_worker_lost the worker's main process, seeing its
child die, puts the message back at once (no visibility timeout to wait for) and a new
child receives it again under the same task id: the export writes its file again from the
start, the scan runs every rule again, and both end as if nothing had happened.
"""

import csv
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, connections
from django.utils import timezone

from agencies.models import Agency
from exports import services as export_services
from exports.choices import ExportStatus
from exports.models import ExportJob
from oversight.engine import full_scan
from oversight.models import Flag, ScanRun
from oversight.tasks import scan_all
from siskop2mi import health, queues
from villages.models import Village
from villages.services import village_report_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

COMPANIES = 40_000  # enough rows that the export is still being written when its worker is killed
BROKER_KEYS = [*{q for group in queues.WORKER_GROUPS.values() for q in group}, "unacked", "unacked_index"]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def this_database_url() -> str:
    """DATABASE_URL naming the test database, so the worker sees what this test committed."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def worker(tmp_path, settings):
    """One worker on every queue, prefork pool with a single child; its log on failure."""
    health.redis_client().delete(*BROKER_KEYS)  # nothing left over from an earlier run
    settings.EXPORT_DIR = str(tmp_path / "exports")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.test",
        "DATABASE_URL": this_database_url(),
        "EXPORT_DIR": settings.EXPORT_DIR,
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115
    all_queues = ",".join(q for group in queues.WORKER_GROUPS.values() for q in group)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")), "-A", "siskop2mi", "worker", "--pool", "prefork",
            "--concurrency", "1", "-Q", all_queues, "-n", "resilience@%h", "-l", "INFO",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    process.log_path = log_path
    yield process
    process.terminate()
    process.wait(timeout=60)
    log.close()
    health.redis_client().delete(*BROKER_KEYS)


def pool_child(worker) -> int:
    """The pid of the worker's (only) pool process, a child of the worker's main process."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    pids = wait_for(lambda: children.read_text().split(), 60, "the worker's pool process")
    assert len(pids) == 1, pids
    return int(pids[0])


def kill_child(worker) -> int:
    child = pool_child(worker)
    os.kill(child, signal.SIGKILL)
    return child


def test_an_export_whose_worker_is_killed_mid_file_ends_with_the_complete_file(worker, ministry_official):
    Agency.objects.bulk_create(Agency(name=f"PT Uji Ketahanan {n:05d}") for n in range(COMPANIES))
    job = export_services.export_job_create(
        actor=ministry_official, kind="companies", fmt="csv", query="sort=name", language="id"
    )

    running = wait_for(
        lambda: ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING, rows_done__gt=0).first(),
        120,
        "the export to be half-written",
    )
    killed = kill_child(worker)
    assert running.rows_done < COMPANIES

    finished = wait_for(
        lambda: ExportJob.objects.filter(pk=job.pk, status__in=[ExportStatus.DONE, ExportStatus.FAILED]).first(),
        240,
        "the export to finish",
    )
    log = worker.log_path.read_text(errors="replace")
    assert finished.status == ExportStatus.DONE, (finished.error, log[-3000:])
    assert f"pid:{killed} exited with 'signal 9 (SIGKILL)'" in log
    assert finished.task_id == job.task_id and finished.started_at > running.started_at  # its own job, again
    assert (finished.rows_done, finished.rows_total) == (COMPANIES, COMPANIES)
    with export_services.export_file(finished).open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    names = [row[header.index("Nama")] for row in rows]
    assert names == [f"PT Uji Ketahanan {n:05d}" for n in range(COMPANIES)]
    assert not list(Path(export_services.export_dir()).glob("*.part"))


@pytest.fixture
def flagged_data(reference_data, village_officer):
    """A departure seen by a village officer that no placement matches (a flag), and a few more reports."""
    village = Village.objects.get(code="52.03.01.2001")
    for n, nik in enumerate(["5203015204990003", "5203015204990011"]):
        village_report_create(
            actor=village_officer, village=village, kind="departure_seen",
            occurred_on=timezone.localdate() - timedelta(days=30 + n), person_nik=nik, person_name=f"Orang {n}",
        )  # fmt: skip


def flags():
    return sorted(Flag.objects.values_list("rule_code", "subject_type", "subject_id", "status"))


def test_a_scan_whose_worker_is_killed_mid_scan_ends_with_the_flags_of_an_uninterrupted_scan(worker, flagged_data):
    full_scan()
    uninterrupted = flags()
    assert uninterrupted
    Flag.objects.all().delete()
    ScanRun.objects.all().delete()

    # The rules that read village reports wait behind this lock: the scan is caught half-way.
    blocker = connections.create_connection("default")
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE villages_villagereport IN ACCESS EXCLUSIVE MODE")
        result = scan_all.apply_async()
        wait_for(lambda: _waits_for_the_lock(), 120, "the scan to reach the locked table")
        half_way = ScanRun.objects.get()
        assert half_way.status == "running" and half_way.results and half_way.task_id == result.id
        killed = kill_child(worker)
    finally:
        blocker.rollback()
        blocker.close()

    finished = wait_for(
        lambda: ScanRun.objects.filter(status__in=["completed", "failed"]).first(), 240, "the scan to finish"
    )
    log = worker.log_path.read_text(errors="replace")
    assert finished.status == "completed", (finished.error, log[-3000:])
    assert f"pid:{killed} exited with 'signal 9 (SIGKILL)'" in log
    assert finished.pk == half_way.pk and ScanRun.objects.count() == 1  # the same run, restarted
    assert flags() == uninterrupted


def _waits_for_the_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'villages_villagereport'::regclass AND NOT granted)"
        )
        return cursor.fetchone()[0]
