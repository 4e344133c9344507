"""Exports: resolve a list's filters for a user, stream small ones, run large ones as jobs."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core.errors import DomainError, InvalidInput
from core.locks import advisory_lock, advisory_lock_held
from core.personal_data import mask_number, may_see_full_nik
from core.replica import for_reporting

from . import writers
from .choices import AUDIT_PERSONAL_DATA_EXPORTED, ExportFormat, ExportStatus
from .columns import SPECS, ExportSpec
from .models import ExportJob

logger = logging.getLogger(__name__)

# Parameters of a list page that are not filters of the rows an export holds.
PAGE_PARAMS = ("page", "per_page")
# The export task's time limits (exports/tasks.py reads them): past the hard limit plus a
# margin, a job still "running" lost its worker and no redelivery came to restart it.
EXPORT_SOFT_TIME_LIMIT = 1800
EXPORT_TIME_LIMIT = 1900
STUCK_MARGIN = timedelta(minutes=5)
# A job queued this long was never picked up (its message was lost): the sweeper sends it again.
QUEUED_TOO_LONG = timedelta(hours=1)
# Advisory lock class of export jobs (object: the job id), held while a worker writes the file.
EXPORT_LOCK = 72_616_002
# A redelivery waits this long for the lock: the session of a worker killed a moment ago may
# still be ending.
LOCK_WAIT = 15


def export_spec(kind: str) -> ExportSpec | None:
    return SPECS.get(kind)


def export_queryset(*, spec: ExportSpec, user, query: str):
    """The rows ``user`` would see on the list filtered by ``query``, in the list's order.

    They are read from the read replica when one is configured (core/replica.py): an export only
    reports, and its rows are read later, chunk by chunk, by a stream or a job's file.

    Raises DomainError (code ``invalid_filters``, field errors) when a filter is not valid,
    rather than exporting something other than what the list would show.
    """
    params = QueryDict(query or "", mutable=True)
    for name in PAGE_PARAMS:
        params.pop(name, None)
    # FilterSets read the user from the request (e.g. "assigned to me"); a worker has none.
    request = SimpleNamespace(user=user, GET=params)
    filterset = spec.filterset_class(params or None, queryset=spec.queryset(user), request=request)
    if filterset.is_bound and not filterset.is_valid():
        fields = {
            (filterset.form.fields[name].label if name in filterset.form.fields else name): [str(e) for e in errors]
            for name, errors in filterset.form.errors.items()
        }
        raise InvalidInput("invalid_filters", _("Some filters are not valid."), fields=fields)
    sort = params.get("sort", "")
    if sort.lstrip("-") not in getattr(spec.filterset_class, "ordering_fields", ()):
        sort = "id"
    # A unique tiebreaker keeps the order stable, as on the list page.
    ordering = (sort,) if sort.lstrip("-") == "id" else (sort, "-id" if sort.startswith("-") else "id")
    return for_reporting(filterset.qs.order_by(*ordering))


def count_up_to(queryset, limit: int) -> int:
    """How many rows, counting no further than ``limit`` (a bounded query on large tables)."""
    return queryset.order_by()[:limit].count()


def reveals_full_numbers(spec: ExportSpec, user) -> bool:
    if spec.reveals is not None:
        return spec.has_personal and spec.reveals(user)
    return spec.has_personal and may_see_full_nik(user)


def _query_for_audit(query: str) -> str:
    """The filters for the audit trail, without a searched NIK in full."""
    params = QueryDict(query or "", mutable=True)
    if params.get("nik"):
        params["nik"] = mask_number(params["nik"])
    return params.urlencode()


def export_audit(
    *,
    actor,
    spec: ExportSpec,
    fmt: str,
    query: str,
    rows: int,
    job_id: int | None = None,
    ip_address: str | None = None,
) -> None:
    """Record that ``actor`` took personal numbers in full out of the portal (from ``ip_address`` when
    a request does it; a background job's file is recorded again, with the address, when downloaded)."""
    audit_record(
        action=AUDIT_PERSONAL_DATA_EXPORTED,
        actor=actor,
        ip_address=ip_address,
        kind=str(spec.kind),
        format=fmt,
        query=_query_for_audit(query),
        rows=rows,
        job_id=job_id,
    )


@transaction.atomic
def export_job_create(*, actor, kind: str, fmt: str, query: str, language: str) -> ExportJob:
    """Queue a large export; a worker writes the file once this transaction commits."""
    from .tasks import run_export

    spec = export_spec(kind)
    if spec is None or fmt not in ExportFormat.values:
        raise InvalidInput("unknown_export", _("This list cannot be exported in that format."))
    if not spec.allowed(actor):
        raise DomainError("forbidden", _("You may not export this list."))
    export_queryset(spec=spec, user=actor, query=query)  # refuse invalid filters before queueing
    # The task id is chosen here so only deliveries of this very task claim the job.
    job = ExportJob.objects.create(
        owner=actor, kind=spec.kind, format=fmt, query=query, language=language, task_id=str(uuid.uuid4())
    )
    transaction.on_commit(lambda: run_export.apply_async((job.pk,), task_id=job.task_id))
    return job


def export_dir() -> Path:
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _claim(job_id: int, task_id: str) -> bool:
    """Take the job for this delivery of its task with one conditional UPDATE.

    Called while holding the job's advisory lock, so nobody else is writing it. A queued
    job is taken by its own task id (or any, for a job queued without one); a job
    "running" under this same task id is restarted: Celery redelivers a message with the
    same id after the worker died mid-file. A finished job, or one another task id owns,
    is left alone.
    """
    claimable = (Q(status=ExportStatus.QUEUED) & (Q(task_id="") | Q(task_id=task_id))) | Q(
        status=ExportStatus.RUNNING, task_id=task_id
    )
    return bool(
        ExportJob.objects.filter(claimable, pk=job_id).update(
            status=ExportStatus.RUNNING,
            task_id=task_id,
            started_at=timezone.now(),
            rows_done=0,
            rows_total=None,
            error="",
        )  # fmt: skip
    )


def export_job_run(*, job_id: int, task_id: str = "") -> ExportJob | None:
    """Write a queued export's file, recording progress; None when the job was not ours to run.

    ``task_id`` is the Celery task's id: a redelivery of the same task (its worker died)
    writes the file again from the start.
    """
    with advisory_lock(EXPORT_LOCK, job_id, wait=LOCK_WAIT) as nobody_else:
        if not nobody_else or not _claim(job_id, task_id):
            return None
        return _write(job_id)


def _write(job_id: int) -> ExportJob:
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    spec = export_spec(job.kind)
    final = export_dir() / f"{job.pk}.{job.format}"
    partial = final.with_name(final.name + ".part")

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        with translation.override(job.language):
            queryset = export_queryset(spec=spec, user=job.owner, query=job.query)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=queryset.count())
            if job.format == ExportFormat.CSV:
                with open(partial, "w", encoding="utf-8", newline="") as handle:
                    rows = writers.write_csv(spec, queryset, job.owner, handle, progress=progress)
            else:
                rows = writers.write_xlsx(spec, queryset, job.owner, partial, progress=progress)
        # Only a complete file takes the name the download serves.
        os.replace(partial, final)
    except Exception as exc:  # noqa: BLE001 - any failure is shown to the owner, and logged
        logger.exception("export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        with translation.override(job.language):
            message = exc.message if isinstance(exc, DomainError) else _("The export could not be written.")
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportStatus.FAILED, finished_at=timezone.now(), error=str(message)
            )
        job.refresh_from_db()
        return job

    full_numbers = reveals_full_numbers(spec, job.owner)
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE,
            finished_at=timezone.now(),
            rows_done=rows,
            rows_total=rows,
            file_path=final.name,
            full_numbers=full_numbers,
        )
        if full_numbers:
            export_audit(actor=job.owner, spec=spec, fmt=job.format, query=job.query, rows=rows, job_id=job.pk)
    job.refresh_from_db()
    return job


def export_file(job: ExportJob) -> Path | None:
    """The finished file of a job, if it is still there."""
    if job.status != ExportStatus.DONE or not job.file_path:
        return None
    path = Path(settings.EXPORT_DIR) / Path(job.file_path).name
    return path if path.is_file() else None


def export_jobs_purge(*, now=None) -> int:
    """Delete exports (rows and files) older than settings.EXPORT_KEEP_DAYS; returns how many."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - timedelta(days=settings.EXPORT_KEEP_DAYS))
    directory = Path(settings.EXPORT_DIR)
    purged = 0
    for job in old.only("pk", "format", "file_path").iterator():
        for name in (job.file_path, f"{job.pk}.{job.format}", f"{job.pk}.{job.format}.part"):
            if name:
                (directory / Path(name).name).unlink(missing_ok=True)
        purged += 1
    old.delete()
    return purged


@transaction.atomic
def export_jobs_sweep(*, now=None) -> dict[str, int]:
    """Jobs whose worker was lost for good: sent once more under a new task id, then failed.

    Stuck means "running" past the task's hard time limit (plus a margin) with nobody
    holding its lock, or "queued" for longer than QUEUED_TOO_LONG. Each change is a
    conditional UPDATE on the state read, so a sweep running twice changes nothing more.
    """
    from .tasks import run_export

    now = now or timezone.now()
    run_deadline = now - timedelta(seconds=EXPORT_TIME_LIMIT) - STUCK_MARGIN
    stuck = Q(status=ExportStatus.RUNNING, started_at__lt=run_deadline) | Q(
        status=ExportStatus.QUEUED, queued_at__lt=now - QUEUED_TOO_LONG
    )
    counts = {"requeued": 0, "failed": 0}
    for job in ExportJob.objects.filter(stuck).only("pk", "status", "task_id", "requeues", "language", "format"):
        if job.status == ExportStatus.RUNNING and advisory_lock_held(EXPORT_LOCK, job.pk):
            continue  # a worker is still on it
        same = ExportJob.objects.filter(pk=job.pk, status=job.status, task_id=job.task_id)
        if job.requeues == 0:
            task_id = str(uuid.uuid4())
            if same.update(
                status=ExportStatus.QUEUED, task_id=task_id, queued_at=now, requeues=1, started_at=None, rows_done=0
            ):
                transaction.on_commit(lambda pk=job.pk, task_id=task_id: run_export.apply_async((pk,), task_id=task_id))
                counts["requeued"] += 1
            continue
        with translation.override(job.language):
            reason = _("The export stopped because no worker could finish it. Please start it again.")
        if same.update(status=ExportStatus.FAILED, finished_at=now, error=str(reason)):
            (export_dir() / f"{job.pk}.{job.format}.part").unlink(missing_ok=True)
            counts["failed"] += 1
    if any(counts.values()):
        logger.warning("export sweep: %s", counts)
    return counts
