"""Reads of workers and job orders the portal reuses: who may see a full NIK, quota use, a worker's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from siskop2mi.personal_data import may_see_full_nik

from .choices import ApplicationStatus, TrainingResult

# The audit trail's action for showing a full personal number (see accounts.AuditEntry).
PERSONAL_NUMBER_VIEWED = AuditAction.PERSONAL_DATA_VIEWED


def can_see_full_nik(user, worker) -> bool:
    """The house rule (siskop2mi.personal_data) applied to a worker: officials of the ministry, a
    province or a regency, and the company that registered the worker. The caller has already
    checked the worker is visible to the user."""
    return may_see_full_nik(user, agency_id=worker.agency_id)


def _count_per_job_order(queryset):
    """A correlated COUNT per job order, as a subquery (no GROUP BY over the outer list)."""
    counted = queryset.filter(job_order=OuterRef("pk")).order_by().values("job_order").annotate(n=Count("id"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def with_quota_use(job_orders):
    """Annotate ``placements_used`` (placements not cancelled: what placement_create counts against the
    quota) and ``applications_count``."""
    from placement.choices import Stage
    from placement.models import Placement

    from .models import Application

    return job_orders.annotate(
        placements_used=_count_per_job_order(Placement.objects.exclude(stage=Stage.CANCELLED)),
        applications_count=_count_per_job_order(Application.objects.all()),
    )


def quota_by_sex(job_order) -> list[dict]:
    """Positions and placements (not cancelled) in total and, where the job order splits them, by sex."""
    from placement.choices import Stage

    counts = job_order.placements.exclude(stage=Stage.CANCELLED).aggregate(
        total=Count("id"),
        female=Count("id", filter=Q(worker__sex="F")),
        male=Count("id", filter=Q(worker__sex="M")),
    )
    rows = [{"label": _("All positions"), "quota": job_order.quota, "used": counts["total"]}]
    if job_order.quota_female is not None:
        rows.append({"label": _("Positions for women"), "quota": job_order.quota_female, "used": counts["female"]})
    if job_order.quota_male is not None:
        rows.append({"label": _("Positions for men"), "quota": job_order.quota_male, "used": counts["male"]})
    for row in rows:
        row["percent"] = min(100, round(100 * row["used"] / row["quota"])) if row["quota"] else 0
        row["over"] = row["used"] > row["quota"]
    return rows


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""
    actor: object = None
    url: str = ""
    all_day: bool = False  # only a date is known, not the time


def _moment(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


def worker_timeline(worker, *, applications, enrolments, placement_events, village_reports) -> list[TimelineEntry]:
    """Everything that happened to a worker, oldest first: registration, applications, training,
    each placement's events and what the village reported about them."""
    from placement.selectors import describe_event

    entries = [TimelineEntry(at=worker.created_at, title=_("Registered as a candidate"))]
    for application in applications:
        job = str(application.job_order.occupation)
        entries.append(
            TimelineEntry(
                at=_moment(application.applied_on),
                title=_("Applied for a job order"),
                detail=_("%(job)s in %(country)s") % {"job": job, "country": application.job_order.country.name},
                all_day=True,
            )
        )
        if application.decided_on and application.status != ApplicationStatus.APPLIED:
            entries.append(
                TimelineEntry(
                    at=_moment(application.decided_on),
                    title=_("Selection decided: %(status)s") % {"status": application.get_status_display()},
                    detail=job,
                    all_day=True,
                )
            )
    for enrolment in enrolments:
        entries.append(
            TimelineEntry(
                at=_moment(enrolment.starts_on),
                title=_("Training started"),
                detail=f"{enrolment.programme} · {enrolment.provider}",
                all_day=True,
            )
        )
        if enrolment.completed_on and enrolment.result != TrainingResult.IN_PROGRESS:
            entries.append(
                TimelineEntry(
                    at=_moment(enrolment.completed_on),
                    title=_("Training finished: %(result)s") % {"result": enrolment.get_result_display()},
                    detail=enrolment.programme,
                    all_day=True,
                )
            )
    for event in placement_events:
        entries.append(
            TimelineEntry(
                at=event.at,
                title=_("Placement #%(id)s: %(event)s") % {"id": event.placement_id, "event": event.get_kind_display()},
                detail=" · ".join(filter(None, [describe_event(event), event.reason])),
                actor=event.actor,
            )
        )
    for report in village_reports:
        entries.append(
            TimelineEntry(
                at=_moment(report.occurred_on),
                title=_("Village report: %(kind)s") % {"kind": report.get_kind_display()},
                detail=report.village.name,
                actor=report.reported_by,
                all_day=True,
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries
