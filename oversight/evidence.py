"""A flag's subject and evidence in words an official understands.

The engine stores evidence as JSON facts (``{"departed_on": "2026-03-02", "missing":
["work_visa"]}``); this module turns each fact into a translated label and a
readable value (dates in words, documents and stages by name, money with its
currency), with a link where the fact names another record.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Case, CharField, Expression, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencies.choices import LicenceStatus, Sector
from agencies.models import Agency, Employer, FieldRecruiter
from complaints.choices import Category as ComplaintCategory
from placement.choices import DocumentKind, Stage
from placement.models import Placement
from recruitment.choices import JobOrderStatus, Sex
from recruitment.models import Country, JobOrder, Worker
from villages.models import AREA_MODELS_BY_DEPTH, VillageReport, VillageReportKind, area_for_code

from .choices import SubjectType


@dataclass(frozen=True)
class SubjectKind:
    """What a flag's subject is: its table, the path to the name lists show, and its page."""

    model: type
    label_path: str | Expression  # a field path, or an expression over the subject's row
    url_name: str | None = None


# The one registry of subject types: labels, links and descriptions all read it.
SUBJECTS = {
    SubjectType.WORKER: SubjectKind(Worker, "full_name", "portal:worker_detail"),
    SubjectType.PLACEMENT: SubjectKind(Placement, "worker__full_name", "portal:placement_detail"),
    SubjectType.JOB_ORDER: SubjectKind(JobOrder, "employer__name", "portal:job_order_detail"),
    SubjectType.AGENCY: SubjectKind(Agency, "name", "portal:agency_detail"),
    SubjectType.RECRUITER: SubjectKind(FieldRecruiter, "full_name"),
    # The person seen, or the broker reported (by name, else nickname).
    SubjectType.VILLAGE_REPORT: SubjectKind(
        VillageReport,
        Coalesce(NullIf(F("person_name"), Value("")), NullIf(F("broker_name"), Value("")), F("broker_nickname")),
    ),
    SubjectType.EMPLOYER: SubjectKind(Employer, "name"),
}
SUBJECT_URLS = {kind: subject.url_name for kind, subject in SUBJECTS.items() if subject.url_name}


def safe_reverse(name: str, pk) -> str | None:
    """The URL of a record's page, or None when no such page is installed."""
    for kwargs in ({"pk": pk}, None):
        try:
            return reverse(name, kwargs=kwargs) if kwargs else reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return None


def subject_url(subject_type: str, subject_id: int) -> str | None:
    name = SUBJECT_URLS.get(subject_type)
    return safe_reverse(name, subject_id) if name else None


def subject_label_expression():
    """One SQL expression naming each flag's subject (a person, company or employer):
    the queue shows names without a query per row."""

    def name_of(subject: SubjectKind):
        rows = subject.model.objects.filter(pk=OuterRef("subject_id"))
        if not isinstance(subject.label_path, str):
            return Subquery(rows.annotate(subject_label=subject.label_path).values("subject_label")[:1])
        return Subquery(rows.values(subject.label_path)[:1])

    return Case(
        *(When(subject_type=kind, then=name_of(subject)) for kind, subject in SUBJECTS.items()),
        default=Value(""),
        output_field=CharField(),
    )


def area_name_expression(field: str = "area_code"):
    """The name of the area a code names, whatever its level, in the same query."""
    return Coalesce(
        *(
            Subquery(model.objects.filter(code=OuterRef(field)).values("name")[:1])
            for model in AREA_MODELS_BY_DEPTH.values()
        ),
        Value(""),
        output_field=CharField(),
    )


@dataclass
class Subject:
    type_label: str
    label: str
    url: str | None


def describe_subject(flag) -> Subject:
    """The flag's subject by name, with a link to its page where there is one."""
    kind, pk = flag.subject_type, flag.subject_id
    label = ""
    url = subject_url(kind, pk)
    if kind == SubjectType.WORKER:
        worker = Worker.objects.filter(pk=pk).only("full_name").first()
        label = worker.full_name if worker else ""
    elif kind == SubjectType.PLACEMENT:
        placement = (
            Placement.objects.filter(pk=pk)
            .select_related("worker", "job_order__employer", "job_order__country")
            .only("worker__full_name", "job_order__employer__name", "job_order__country__name")
            .first()
        )
        if placement:
            label = _("%(worker)s at %(employer)s, %(country)s") % {
                "worker": placement.worker.full_name,
                "employer": placement.job_order.employer.name,
                "country": placement.job_order.country.name,
            }
    elif kind == SubjectType.JOB_ORDER:
        order = JobOrder.objects.filter(pk=pk).select_related("employer", "country", "agency").first()
        if order:
            label = _("%(employer)s, %(country)s (company: %(company)s)") % {
                "employer": order.employer.name,
                "country": order.country.name,
                "company": order.agency.name,
            }
    elif kind == SubjectType.AGENCY:
        agency = Agency.objects.filter(pk=pk).only("name").first()
        label = agency.name if agency else ""
    elif kind == SubjectType.RECRUITER:
        recruiter = FieldRecruiter.objects.filter(pk=pk).select_related("agency").first()
        if recruiter:
            label = recruiter.full_name
            if recruiter.agency:
                label = _("%(name)s (company: %(company)s)") % {"name": label, "company": recruiter.agency.name}
    elif kind == SubjectType.VILLAGE_REPORT:
        report = VillageReport.objects.filter(pk=pk).select_related("village").first()
        if report and report.kind == VillageReportKind.SUSPECTED_RECRUITER:
            label = _("Suspected broker %(broker)s, reported by the village of %(village)s") % {
                "broker": report.broker_name or report.broker_nickname or _("(no name given)"),
                "village": report.village.name,
            }
        elif report:
            label = _("%(person)s, reported by the village of %(village)s") % {
                "person": report.person_name or _("(no name given)"),
                "village": report.village.name,
            }
        if report:
            # The report's own page where the portal has one, else its village's.
            url = safe_reverse("portal:village_report_detail", pk) or safe_reverse_area(report.village_id)
    elif kind == SubjectType.EMPLOYER:
        employer = Employer.objects.filter(pk=pk).select_related("country").first()
        if employer:
            label = f"{employer.name} ({employer.country.name})"
    type_label = SubjectType(kind).label if kind in SubjectType.values else kind
    return Subject(type_label=str(type_label), label=label or _("record #%(id)s") % {"id": pk}, url=url)


def safe_reverse_area(code: str) -> str | None:
    try:
        return reverse("portal:area_detail", kwargs={"code": code})
    except NoReverseMatch:
        return None


# --- Evidence ----------------------------------------------------------------------------

# key -> (label, kind of value). Labels are lazy: the page's language applies.
FACTS = {
    "departed_on": (gettext_lazy("Departed on"), "date"),
    "missing": (gettext_lazy("Missing or not valid on the day of departure"), "documents"),
    "stage": (gettext_lazy("Stage reached"), "stage"),
    "missing_stages": (gettext_lazy("Stages with no record"), "stages"),
    "licence_status": (gettext_lazy("Licence status"), "licence_status"),
    "licence_expires_on": (gettext_lazy("Licence expires on"), "date"),
    "moving_placements": (gettext_lazy("Placements still moving"), "number"),
    "open_job_orders": (gettext_lazy("Job orders still open"), "number"),
    "status": (gettext_lazy("Job order status"), "job_order_status"),
    "placements": (gettext_lazy("Placements on it"), "number"),
    "quota": (gettext_lazy("Quota"), "number"),
    "selected_or_later": (gettext_lazy("Workers selected or further along"), "number"),
    "worker_regency": (gettext_lazy("Worker's regency/city"), "area"),
    "job_order": (gettext_lazy("Job order"), "job_order"),
    "birth_date": (gettext_lazy("Recorded birth date"), "date"),
    "nik_birth_date": (gettext_lazy("Birth date encoded in the NIK"), "date"),
    "placement": (gettext_lazy("Placement"), "placement"),
    "registered_on": (gettext_lazy("Registered on"), "date"),
    "recorded_birth_date": (gettext_lazy("Recorded birth date"), "date"),
    "recorded_sex": (gettext_lazy("Recorded sex"), "sex"),
    "nik_sex": (gettext_lazy("Sex encoded in the NIK"), "sex"),
    "other_worker": (gettext_lazy("The other record"), "worker"),
    "name": (gettext_lazy("Name"), "text"),
    "other_name": (gettext_lazy("Name on the other record"), "text"),
    "similarity": (gettext_lazy("How alike the names are"), "percent"),
    "country": (gettext_lazy("Country"), "country"),
    "sector": (gettext_lazy("Sector"), "sector"),
    "legal_basis": (gettext_lazy("Legal basis"), "text"),
    "occupation": (gettext_lazy("Occupation"), "text"),
    "agreement_costs": (gettext_lazy("Costs to the worker in the placement agreement"), "idr"),
    "fees_paid": (gettext_lazy("Fees the worker paid"), "idr"),
    "cap": (gettext_lazy("Cap for the country"), "idr"),
    "borne_by_worker": (gettext_lazy("Borne by the worker"), "idr"),
    "contract_salary": (gettext_lazy("Monthly salary in the employment contract"), "money"),
    "job_order_salary": (gettext_lazy("Monthly salary in the job order"), "money"),
    "visa": (gettext_lazy("Visa used"), "document"),
    "point": (gettext_lazy("Departure point"), "text"),
    "company": (gettext_lazy("Company"), "text"),
    "workers": (gettext_lazy("Workers linked"), "number"),
    "women": (gettext_lazy("Of whom women"), "number"),
    "villages": (gettext_lazy("Villages they come from"), "number"),
    "companies": (gettext_lazy("Companies they went to"), "number"),
    "window_days": (gettext_lazy("Period looked at"), "days"),
    "person": (gettext_lazy("Person"), "text"),
    "seen_on": (gettext_lazy("Seen leaving on"), "date"),
    "since": (gettext_lazy("Since"), "date"),
    "days": (gettext_lazy("Days"), "days"),
    "employer": (gettext_lazy("Employer"), "text"),
    "early_terminations": (gettext_lazy("Early terminations"), "number"),
    "deportations": (gettext_lazy("Deportations"), "number"),
    "deaths": (gettext_lazy("Deaths"), "number"),
    "sources": (gettext_lazy("Officers who reported it"), "number"),
    "report_count": (gettext_lazy("Times reported"), "number"),
    "reports": (gettext_lazy("Reports"), "village_reports"),
    "names": (gettext_lazy("Names given"), "list"),
    "nicknames": (gettext_lazy("Nicknames given"), "list"),
    "phones": (gettext_lazy("Phone numbers"), "list"),
    "claimed_companies": (gettext_lazy("Company they claim to work for"), "list"),
    "recruiter": (gettext_lazy("Registered recruiter with this phone number or name"), "recruiter"),
    "complaints": (gettext_lazy("Complaints (not rejected)"), "number"),
    "rate": (gettext_lazy("Complaints per 100 placements"), "rate"),
    "categories": (gettext_lazy("What the complaints are about"), "complaint_categories"),
}

# Where one rule means something more precise by a fact.
RULE_FACTS = {
    ("STALLED", "since"): gettext_lazy("In this stage since"),
    ("STALLED", "days"): gettext_lazy("Days in this stage"),
    ("STALLED", "stage"): gettext_lazy("Current stage"),
    ("NO_ARRIVAL_REPORT", "days"): gettext_lazy("Days since departure"),
    ("EMPLOYER_EARLY_RETURNS", "since"): gettext_lazy("Counted since"),
    ("DUPLICATE_IDENTITY", "name"): gettext_lazy("Name on this record"),
    ("DUPLICATE_IDENTITY", "birth_date"): gettext_lazy("Birth date (on both records)"),
    ("MORATORIUM", "country"): gettext_lazy("Destination country"),
    ("EXCESSIVE_FEES", "country"): gettext_lazy("Destination country"),
    ("RECRUITER_UNREGISTERED", "company"): gettext_lazy("Company they are registered to"),
    ("RECRUITER_UNREGISTERED", "licence_status"): gettext_lazy("That company's licence"),
    ("BROKER_REPORTED", "villages"): gettext_lazy("Villages that reported them"),
    ("COMPLAINT_HOTSPOT", "placements"): gettext_lazy("Placements under way in the period"),
    ("COMPLAINT_HOTSPOT", "since"): gettext_lazy("Counted since"),
}

# What an empty fact means, where "not recorded" would say less.
ABSENT = {
    "recruiter": gettext_lazy("none: no recruiter of a company has this phone number or name"),
    "rate": gettext_lazy("no placement under way in the period"),
}

# Shown with another fact rather than on their own.
HIDDEN_FACTS = {"currency"}


@dataclass
class Fact:
    label: str
    value: str
    url: str | None = None


def _date(value) -> str:
    day = parse_date(str(value)) if value else None
    return formats.date_format(day, "j F Y") if day else str(value)


def _number(value) -> str:
    try:
        return formats.number_format(Decimal(str(value)), decimal_pos=0, use_l10n=True, force_grouping=True)
    except (InvalidOperation, ValueError):
        return str(value)


def _choice(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _fmt(kind: str, value, evidence: dict) -> tuple[str, str | None]:
    """A readable value and, where the fact names a record, the URL of its page."""
    if kind == "date":
        return _date(value), None
    if kind == "number":
        return _number(value), None
    if kind == "days":
        count = int(value)
        return ngettext("%(count)s day", "%(count)s days", count) % {"count": _number(count)}, None
    if kind == "idr":
        return f"Rp {_number(value)}", None
    if kind == "money":
        return f"{evidence.get('currency', '')} {_number(value)}".strip(), None
    if kind == "percent":
        try:
            return f"{round(float(value) * 100)} %", None
        except (TypeError, ValueError):
            return str(value), None
    if kind == "documents":
        names = [_choice(DocumentKind, item) for item in value or []]
        return (", ".join(names) if names else _("none")), None
    if kind == "document":
        return _choice(DocumentKind, value), None
    if kind == "stage":
        return _stage(value), None
    if kind == "stages":
        return (", ".join(_stage(item) for item in value or []) or _("none")), None
    if kind == "licence_status":
        return _choice(LicenceStatus, value), None
    if kind == "job_order_status":
        return _choice(JobOrderStatus, value), None
    if kind == "sex":
        return _choice(Sex, value), None
    if kind == "sector":
        return _choice(Sector, value), None
    if kind == "country":
        country = Country.objects.filter(pk=value).only("name").first()
        return (country.name if country else str(value)), None
    if kind == "area":
        area = area_for_code(str(value))
        return (f"{area.name} ({value})" if area else str(value)), safe_reverse_area(str(value)) if area else None
    if kind == "rate":
        return formats.number_format(Decimal(str(value)), decimal_pos=1, use_l10n=True), None
    if kind == "complaint_categories":
        counts = sorted(value.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{_choice(ComplaintCategory, code)}: {_number(n)}" for code, n in counts), None
    if kind == "list":
        return (", ".join(str(item) for item in value) or _("none")), None
    if kind == "village_reports":
        return "; ".join(
            _("%(date)s, %(village)s") % {"date": _date(item.get("date")), "village": item.get("village_name", "")}
            for item in value
        ), None
    if kind == "recruiter":
        return _("%(name)s (company: %(company)s, licence: %(licence)s)") % {
            "name": value.get("name", ""),
            "company": value.get("company", ""),
            "licence": _choice(LicenceStatus, value.get("licence_status")),
        }, None
    if kind == "job_order":
        return _("job order #%(id)s") % {"id": value}, safe_reverse(SUBJECT_URLS[SubjectType.JOB_ORDER], value)
    if kind == "placement":
        return _("placement #%(id)s") % {"id": value}, safe_reverse(SUBJECT_URLS[SubjectType.PLACEMENT], value)
    if kind == "worker":
        return _("worker #%(id)s") % {"id": value}, safe_reverse(SUBJECT_URLS[SubjectType.WORKER], value)
    return str(value), None


def _stage(value) -> str:
    try:
        stage = Stage(int(value))
    except (TypeError, ValueError):
        return str(value)
    return f"{stage.value}. {stage.label}"


def describe_evidence(rule_code: str, evidence: dict) -> list[Fact]:
    """The evidence as labelled facts. jsonb does not keep the order the rule wrote its keys
    in, so facts come in the order of FACTS (dates and the main finding first)."""
    order = {key: position for position, key in enumerate(FACTS)}
    facts = []
    for key, value in sorted((evidence or {}).items(), key=lambda item: order.get(item[0], len(order))):
        if key in HIDDEN_FACTS:
            continue
        label, kind = FACTS.get(key, (key.replace("_", " ").capitalize(), "text"))
        label = RULE_FACTS.get((rule_code, key), label)
        if value is None or value == "":
            facts.append(Fact(label=str(label), value=str(ABSENT.get(key, _("not recorded")))))
            continue
        try:
            text, url = _fmt(kind, value, evidence)
        except (TypeError, ValueError):
            text, url = str(value), None
        facts.append(Fact(label=str(label), value=text, url=url))
    return facts
