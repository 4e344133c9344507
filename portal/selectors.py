"""Reads for the portal's pages that combine apps: a village's people and reports, a job order's
quota use, a worker's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.personal_data import mask_number
from placement.choices import ACTIVE_STAGES, Stage
from placement.models import Placement
from placement.selectors import describe_event
from recruitment.choices import ApplicationStatus, JobOrderDocumentKind, JobOrderEventKind, TrainingResult
from recruitment.models import Application
from villages.models import VillageReport

ROWS_PER_SECTION = 20


def _section(request, queryset, param: str) -> dict:
    """One paginated section of a page; its page number lives in its own URL parameter so
    paging one section keeps the other's place."""
    page = Paginator(queryset, ROWS_PER_SECTION).get_page(request.GET.get(param))

    def link(number: int) -> str:
        params = request.GET.copy()
        params[param] = number
        return "?" + params.urlencode()

    return {
        "page": page,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def village_sections(request, code: str) -> dict:
    """Workers of the village in an active placement, and the village's reports, each scoped to the user."""
    user = request.user
    people = (
        Placement.objects.visible_to(user)
        .filter(worker__village_id=code, stage__in=ACTIVE_STAGES)
        .select_related("worker", "agency", "job_order__country", "job_order__occupation")
        .order_by("-stage_changed_at", "-id")
    )
    reports = VillageReport.objects.visible_to(user).filter(village_id=code).select_related("reported_by")
    sections = {
        "people": _section(request, people, "people_page"),
        "reports": _section(request, reports.order_by("-occurred_on", "-id"), "reports_page"),
    }
    for report in sections["reports"]["page"].object_list:
        report.masked_nik = mask_number(report.person_nik)  # a page never shows a full NIK
    return sections


def _count_per_job_order(queryset):
    """A correlated COUNT per job order, as a subquery (no GROUP BY over the outer list)."""
    counted = queryset.filter(job_order=OuterRef("pk")).order_by().values("job_order").annotate(n=Count("id"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def with_quota_use(job_orders):
    """Annotate ``placements_used`` (placements not cancelled: what placement_create counts against the
    quota) and ``applications_count``."""
    return job_orders.annotate(
        placements_used=_count_per_job_order(Placement.objects.exclude(stage=Stage.CANCELLED)),
        applications_count=_count_per_job_order(Application.objects.all()),
    )


def quota_by_sex(job_order) -> list[dict]:
    """Positions and placements (not cancelled) in total and, where the job order splits them, by sex."""
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


def _job_order_event_detail(event) -> str:
    parts = []
    if event.from_status and event.from_status != event.to_status:
        parts.append(
            _("%(from)s → %(to)s") % {"from": event.get_from_status_display(), "to": event.get_to_status_display()}
        )
    data = event.data or {}
    if data.get("mission_reference"):
        parts.append(_("reference %(reference)s") % {"reference": data["mission_reference"]})
    if event.kind == JobOrderEventKind.VERIFIED and data.get("verified_on"):
        parts.append(_("verified on %(day)s") % {"day": data["verified_on"]})
        if data.get("employer_checked"):
            parts.append(_("employer %(employer)s checked") % {"employer": data.get("employer", "")})
    elif event.kind == JobOrderEventKind.DOCUMENT_ADDED and data.get("document_kind") in JobOrderDocumentKind.values:
        parts.append(
            " ".join(filter(None, [str(JobOrderDocumentKind(data["document_kind"]).label), data.get("number", "")]))
        )
    if event.kind == JobOrderEventKind.PERMIT_ISSUED:
        parts.append(
            _("permit %(number)s, quota %(quota)s, regions %(regions)s")
            % {
                "number": data.get("number", ""),
                "quota": data.get("quota", ""),
                "regions": ", ".join(data.get("regions", [])),
            }
        )
    elif event.kind == JobOrderEventKind.PERMIT_REVOKED:
        parts.append(_("permit %(number)s") % {"number": data.get("number", "")})
    elif event.kind == JobOrderEventKind.PERMIT_APPLIED:  # no number yet
        parts.append(
            _("quota %(quota)s, regions %(regions)s, valid %(start)s – %(end)s")
            % {
                "quota": data.get("quota", ""),
                "regions": ", ".join(data.get("regions", [])),
                "start": data.get("valid_from", ""),
                "end": data.get("valid_until", ""),
            }
        )
    if event.reason:
        parts.append(event.reason)
    return " · ".join(parts)


def job_order_timeline(events) -> list[TimelineEntry]:
    """A job order's events, oldest first, as timeline entries."""
    return [
        TimelineEntry(
            at=event.at, title=event.get_kind_display(), detail=_job_order_event_detail(event), actor=event.actor
        )
        for event in events
    ]


def worker_timeline(
    worker, *, applications, enrolments, placement_events, village_reports, registrations=None
) -> list[TimelineEntry]:
    """Everything that happened to a person, oldest first, across all their placements the user
    may see: each registration (the regency counter's, each company's), applications, training,
    each placement's events and what the village reported about them."""
    if registrations is None:
        entries = [TimelineEntry(at=worker.created_at, title=_("Registered as a candidate"))]
    else:
        entries = [
            TimelineEntry(
                at=registration.created_at,
                title=_("Registered as a candidate"),
                detail=" · ".join(
                    filter(
                        None,
                        [
                            registration.agency.name if registration.agency_id else registration.get_channel_display(),
                            _("consent given on %(day)s") % {"day": registration.consent_on.strftime("%d-%m-%Y")}
                            if registration.consent_on
                            else "",
                        ],
                    )
                ),
                actor=registration.registered_by,
            )
            for registration in registrations
        ]
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


# --- The village officer's home: the village at a glance (issue 13) ---

VILLAGE_PEOPLE_LISTED = 30  # per stage; the counts are exact
VILLAGE_REPORTS_LISTED = 20


def _village_stage(person) -> str:
    """Where a person of the village stands, from their latest placement that was not cancelled:
    before departure "in_process", departed or working "abroad", back home "returned"; without one,
    an application already sent counts as "in_process", otherwise the person only intends to go."""
    stage = person.latest_stage
    if stage is None:
        return "in_process" if person.has_application else "intending"
    if stage == Stage.RETURNED:
        return "returned"
    if stage in (Stage.DEPARTED, Stage.WORKING):
        return "abroad"
    return "in_process"


def _departure_window_days() -> int:
    """The window VILLAGE_DEPARTURE_UNMATCHED matches a reported departure in, as the administrator set it."""
    from oversight.engine import rule_parameters
    from oversight.models import RuleSetting
    from oversight.rules import RULES

    rule = next(rule for rule in RULES if rule.code == "VILLAGE_DEPARTURE_UNMATCHED")
    return int(rule_parameters(rule, {s.code: s for s in RuleSetting.objects.filter(code=rule.code)})["window_days"])


def village_at_glance(user, village_code: str) -> dict:
    """A village officer's village: its people by stage and its reports with what became of each.

    Everything goes through ``visible_to(user)``, so an officer only ever counts their own village."""
    from django.db.models import Exists, Q
    from django.urls import reverse

    from oversight.choices import OPEN_FLAG_STATUSES, FlagStatus, SubjectType
    from oversight.models import Flag
    from recruitment.models import Worker
    from villages.models import VillageReportKind

    latest = (
        Placement.objects.filter(worker=OuterRef("pk")).exclude(stage=Stage.CANCELLED).order_by("-created_at", "-id")
    )
    people = list(
        Worker.objects.visible_to(user)
        .filter(village_id=village_code)
        .annotate(
            latest_stage=Subquery(latest.values("stage")[:1]),
            has_application=Exists(Application.objects.filter(worker=OuterRef("pk"))),
        )
        .only("id", "full_name", "nik", "village_id")
        .order_by("full_name", "id")
    )
    stages = {key: [] for key in ("intending", "in_process", "abroad", "returned")}
    for person in people:
        person.stage_label = Stage(person.latest_stage).label if person.latest_stage else ""
        stages[_village_stage(person)].append(person)

    reports = list(
        VillageReport.objects.visible_to(user).filter(village_id=village_code).order_by("-occurred_on", "-id")
    )
    # Intent reports about someone not in the registry yet count as intending people too.
    known_niks = {p.nik for p in people}
    known_names = {p.full_name.lower() for p in people}
    reported_intending = set()
    for report in reports:
        if report.kind != VillageReportKind.INTENT:
            continue
        key = report.person_nik or report.person_name.lower()
        if report.person_nik in known_niks or (not report.person_nik and report.person_name.lower() in known_names):
            continue
        reported_intending.add(key)

    shown = reports[:VILLAGE_REPORTS_LISTED]
    flags = {}
    for flag in Flag.objects.filter(
        subject_type=SubjectType.VILLAGE_REPORT, subject_id__in=[r.pk for r in shown]
    ).order_by("first_seen"):
        flags[flag.subject_id] = flag  # the latest flag of each report wins
    window = _departure_window_days()
    departed = Placement.objects.visible_to(user).filter(departed_on__isnull=False)
    by_nik = {p.nik: p for p in people}
    for report in shown:
        report.masked_nik = mask_number(report.person_nik)  # a page never shows a full NIK
        report.outcome, report.outcome_tone, report.outcome_url = _("Recorded"), "secondary", ""
        if report.kind == VillageReportKind.DEPARTURE_SEEN:
            person_match = (
                Q(worker__nik=report.person_nik)
                if report.person_nik
                else Q(worker__village_id=report.village_id, worker__full_name__iexact=report.person_name)
            )
            placement = (
                departed.filter(person_match)
                .filter(
                    departed_on__gte=report.occurred_on - timedelta(days=window),
                    departed_on__lte=report.occurred_on + timedelta(days=window),
                )
                .first()
            )
            if placement is not None:
                report.outcome, report.outcome_tone = _("Matched to a procedural departure"), "success"
                report.outcome_url = reverse("portal:placement_detail", args=[placement.pk])
                continue
        elif report.kind == VillageReportKind.INTENT and report.person_nik in by_nik:
            report.outcome, report.outcome_tone = _("In the national registry"), "success"
            report.outcome_url = reverse("portal:worker_detail", args=[by_nik[report.person_nik].pk])
            continue
        flag = flags.get(report.pk)
        if flag is not None and flag.status in OPEN_FLAG_STATUSES:
            report.outcome, report.outcome_tone = _("Flagged to the officials"), "danger"
        elif flag is not None and flag.status in (FlagStatus.RESOLVED, FlagStatus.DISMISSED):
            report.outcome, report.outcome_tone = _("Checked by the officials and closed"), "secondary"
    return {
        "stage_counts": [
            ("intending", _("Intend to go"), len(stages["intending"]) + len(reported_intending)),
            ("in_process", _("In process"), len(stages["in_process"])),
            ("abroad", _("Abroad"), len(stages["abroad"])),
            ("returned", _("Returned"), len(stages["returned"])),
        ],
        "people_by_stage": [
            (key, label, stages[key][:VILLAGE_PEOPLE_LISTED], len(stages[key]))
            for key, label in (
                ("intending", _("Intend to go")),
                ("in_process", _("In process")),
                ("abroad", _("Abroad")),
                ("returned", _("Returned")),
            )
        ],
        "reported_intending": len(reported_intending),
        "reports": shown,
        "report_count": len(reports),
    }
