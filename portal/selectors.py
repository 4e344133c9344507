"""Reads for the portal's pages that combine apps: a village's people and reports, a job order's
quota use, a worker's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
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


def village_report_flags(report_ids: list[int]) -> Q:
    """Flags about these village reports: raised on one of them, or naming one among the reports
    that make their case (a broker reported in several villages is one flag naming every report)."""
    named = RawSQL(
        "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(evidence->'reports') = 'array' "
        "THEN evidence->'reports' ELSE '[]'::jsonb END) named WHERE named->>'id' = ANY(%s))",
        ([str(pk) for pk in report_ids],),
        output_field=BooleanField(),
    )
    from oversight.choices import SubjectType

    return Q(subject_type=SubjectType.VILLAGE_REPORT) & (Q(subject_id__in=report_ids) | Q(named))


def _reports_named(evidence) -> set[int]:
    named = (evidence or {}).get("reports") if isinstance(evidence, dict) else None
    return {int(item["id"]) for item in named or [] if isinstance(item, dict) and str(item.get("id", "")).isdigit()}


def village_report_outcomes(user, reports, *, registered: dict | None = None) -> None:
    """What became of each village report (each event), set on it as ``outcome``, ``outcome_tone``,
    ``outcome_url`` and ``outcome_detail``: closed by the officials (with their note), a seen
    departure matched to a procedural one, an intending person on the registry, flagged to the
    officials, checked by them, or only recorded. A fixed number of queries whatever the number of
    reports. ``registered``: NIK keyed hash -> worker id of the people already loaded, if the caller has them."""
    from django.db.models.functions import Lower
    from django.urls import reverse

    from oversight.choices import OPEN_FLAG_STATUSES, FlagStatus
    from oversight.models import Flag
    from recruitment.models import Worker
    from villages.models import VillageReportKind, VillageReportStatus

    reports = list(reports)
    if not reports:
        return
    ids = [report.pk for report in reports]
    # A flag on another officer's report of the same event is a flag on the event.
    event_of = {pk: pk for pk in ids}
    event_of.update(VillageReport.objects.filter(same_event_as_id__in=ids).values_list("pk", "same_event_as_id"))
    flags: dict[int, list] = {}
    for subject_id, status, evidence in (
        Flag.objects.filter(village_report_flags(list(event_of)))
        .order_by("first_seen", "id")
        .values_list("subject_id", "status", "evidence")
    ):
        for report_id in {subject_id, *_reports_named(evidence)} & event_of.keys():
            flags.setdefault(event_of[report_id], []).append(status)

    departures = [r for r in reports if r.kind == VillageReportKind.DEPARTURE_SEEN]
    matches: dict[int, int] = {}
    if departures:
        window = timedelta(days=_departure_window_days())
        # People are matched by the NIK's keyed hash: nothing decrypted.
        niks = {r.person_nik_hash for r in departures if r.person_nik_hash}
        names = {(r.village_id, r.person_name.lower()) for r in departures if not r.person_nik_hash}
        candidates = list(
            Placement.objects.visible_to(user)
            .filter(
                departed_on__gte=min(r.occurred_on for r in departures) - window,
                departed_on__lte=max(r.occurred_on for r in departures) + window,
            )
            .annotate(name_lower=Lower("worker__full_name"))
            .filter(
                Q(worker__nik_hash__in=niks)
                | Q(worker__village_id__in={village for village, _name in names}, name_lower__in={n for _v, n in names})
            )
            .order_by("departed_on", "id")
            .values_list("pk", "worker__nik_hash", "worker__village_id", "name_lower", "departed_on")
        )
        for report in departures:
            for pk, nik, village_id, name, departed_on in candidates:
                same_person = (
                    nik == report.person_nik_hash
                    if report.person_nik_hash
                    else (village_id == report.village_id and name == report.person_name.lower())
                )
                if same_person and abs((departed_on - report.occurred_on).days) <= window.days:
                    matches[report.pk] = pk
                    break

    intent_niks = {r.person_nik_hash for r in reports if r.kind == VillageReportKind.INTENT and r.person_nik_hash}
    if registered is None:
        registered = (
            dict(Worker.objects.visible_to(user).filter(nik_hash__in=intent_niks).values_list("nik_hash", "pk"))
            if intent_niks
            else {}
        )

    for report in reports:
        report.outcome, report.outcome_tone = _("Recorded"), "secondary"
        report.outcome_url = report.outcome_detail = ""
        statuses = flags.get(report.pk, [])
        if report.status == VillageReportStatus.CLOSED:
            report.outcome, report.outcome_detail = _("Closed by the officials"), report.closing_note
        elif report.pk in matches:
            report.outcome, report.outcome_tone = _("Matched to a procedural departure"), "success"
            report.outcome_url = reverse("portal:placement_detail", args=[matches[report.pk]])
        elif report.kind == VillageReportKind.INTENT and report.person_nik_hash in registered:
            report.outcome, report.outcome_tone = _("In the national registry"), "success"
            report.outcome_url = reverse("portal:worker_detail", args=[registered[report.person_nik_hash]])
        elif any(status in OPEN_FLAG_STATUSES for status in statuses):
            report.outcome, report.outcome_tone = _("Flagged to the officials"), "danger"
        elif any(status in (FlagStatus.RESOLVED, FlagStatus.DISMISSED) for status in statuses):
            report.outcome = _("Checked by the officials and closed")


def village_at_glance(user, village_code: str) -> dict:
    """A village officer's village: its people by stage and its reports with what became of each.

    Everything goes through ``visible_to(user)``, so an officer only ever counts their own village.
    Two officers' reports of one event are one entry, "also reported by another officer". A fixed
    number of queries whatever the village's size."""
    from recruitment.models import Worker
    from villages.models import VillageReportKind
    from villages.selectors import report_events

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
        .only("id", "full_name", "nik_hash", "nik_last4", "village_id")
        .order_by("full_name", "id")
    )
    stages = {key: [] for key in ("intending", "in_process", "abroad", "returned")}
    for person in people:
        person.stage_label = Stage(person.latest_stage).label if person.latest_stage else ""
        stages[_village_stage(person)].append(person)

    in_village = VillageReport.objects.visible_to(user).filter(village_id=village_code)
    # Intent reports about someone not in the registry yet count as intending people too.
    known_niks = {p.nik_hash for p in people}
    known_names = {p.full_name.lower() for p in people}
    reported_intending = set()
    for nik, name in in_village.filter(kind=VillageReportKind.INTENT).values_list("person_nik_hash", "person_name"):
        if nik in known_niks or (not nik and name.lower() in known_names):
            continue
        reported_intending.add(nik or name.lower())

    events = report_events(user, in_village).order_by("-occurred_on", "-id")
    shown = list(events[:VILLAGE_REPORTS_LISTED])
    village_report_outcomes(user, shown, registered={p.nik_hash: p.pk for p in people})
    for report in shown:
        report.masked_nik = mask_number(report.person_nik)  # a page never shows a full NIK
        report.also_reported = report.source_count - 1  # by other officers: the same event, not another
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
        "report_count": len(shown) if len(shown) < VILLAGE_REPORTS_LISTED else events.count(),
    }
