"""What each exportable list holds: its scoped model, its shared FilterSet and its columns.

A column names its header (translated when the file is written, so headers follow the
language of the person who asked) and how to read its value from a row. Choices are
written as their labels, dates as ISO dates. Columns marked ``personal`` hold a NIK or a
passport number and are masked unless ``core.personal_data.may_see_full_nik`` allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agencies.filtersets import AgencyFilterSet
from agencies.models import Agency
from complaints.filtersets import NEXT_DUE, ComplaintFilterSet
from complaints.models import Complaint
from core.permissions import may_handle_complaints, may_see_complainants, may_see_village_reports
from core.personal_data import OWN_RECORDS, mask_number, shown_document_number, shown_nik
from oversight.filtersets import FlagFilterSet
from oversight.models import Flag
from oversight.rules import RULES_BY_CODE
from placement.choices import DocumentKind, Stage
from placement.filtersets import PlacementFilterSet
from placement.models import Document, Placement
from recruitment.filtersets import JobOrderFilterSet, WorkerFilterSet
from recruitment.models import JobOrder, Worker
from recruitment.selectors import registering_companies
from villages.filtersets import VillageReportFilterSet
from villages.models import ReturnNeed, VillageReport

from .choices import ExportKind


@dataclass(frozen=True)
class Column:
    header: Promise
    value: Callable[[Any], Any]
    # "nik" or "document": a personal number, shown in full only to those who may see it;
    # "identity": who someone is (a complainant), for a list whose spec says who may see it.
    personal: str | None = None


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    model: type
    filterset_class: type
    columns: tuple[Column, ...]
    # select_related / annotations the columns read, so a chunk costs one query.
    prepare: Callable[[QuerySet], QuerySet]
    # The company that owns a row (its own company may see the row's personal numbers).
    record_agency: Callable[[Any], int | None] = lambda row: None
    # What the columns read that depends on who asks (e.g. only the registrations they may see).
    prepare_for: Callable[[QuerySet, Any], QuerySet] | None = None
    # Who may export the list at all (others get 403); everyone whose list it is, unless said.
    allowed: Callable[[Any], bool] = lambda user: True
    # Who gets this list's personal columns in full, when not whoever may see a full NIK
    # (complaints: complaint officers only); decides the masking and the audit record.
    reveals: Callable[[Any], bool] | None = None

    @property
    def title(self) -> str:
        return ExportKind(self.kind).label

    @property
    def has_personal(self) -> bool:
        return any(column.personal for column in self.columns)

    def queryset(self, user) -> QuerySet:
        queryset = self.prepare(self.model.objects.visible_to(user))
        return self.prepare_for(queryset, user) if self.prepare_for else queryset

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def row(self, obj, user) -> list:
        """One row's values as ``user`` may see them."""
        values = []
        for column in self.columns:
            value = column.value(obj)
            if self.reveals is not None and column.personal:
                if not self.reveals(user):
                    value = mask_number(value) if column.personal == "nik" else (HIDDEN if value else "")
            elif column.personal == "nik":
                value = shown_nik(user, value, agency_id=self.record_agency(obj))
            elif column.personal == "document":
                value = shown_document_number(user, value, agency_id=self.record_agency(obj))
            values.append(value)
        return values


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def _placements_per_job_order() -> Subquery:
    """Placements on the job order (cancelled ones free their position): the quota used."""
    counted = (
        Placement.objects.filter(job_order=OuterRef("pk"))
        .exclude(stage=Stage.CANCELLED)
        .order_by()
        .values("job_order")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _latest_passport() -> Subquery:
    passports = Document.objects.filter(placement=OuterRef("pk"), kind=DocumentKind.PASSPORT).order_by(
        "-issued_on", "-id"
    )
    return Subquery(passports.values("number")[:1])


def _rule_title(flag) -> str:
    rule = RULES_BY_CODE.get(flag.rule_code)
    return str(rule.title) if rule else ""


def _registering_companies(queryset: QuerySet, user) -> QuerySet:
    return queryset.annotate(registering_companies=registering_companies(user))


WORKERS = ExportSpec(
    kind=ExportKind.WORKERS,
    model=Worker,
    filterset_class=WorkerFilterSet,
    prepare=lambda qs: qs.select_related("village__district__regency"),
    prepare_for=_registering_companies,
    # A company's rows are the people it registered: their numbers are its own records'.
    record_agency=lambda w: OWN_RECORDS,
    columns=(
        Column(_("ID"), lambda w: w.pk),
        Column(_("NIK"), lambda w: w.nik, personal="nik"),
        Column(_("Full name"), lambda w: w.full_name),
        Column(_("Sex"), lambda w: w.get_sex_display()),
        Column(_("Birth date"), lambda w: w.birth_date),
        Column(_("Birth place"), lambda w: w.birth_place),
        Column(_("Village code"), lambda w: w.village_id),
        Column(_("Village"), lambda w: w.village.name),
        Column(_("District"), lambda w: w.village.district.name),
        Column(_("Regency/city"), lambda w: w.village.district.regency.name),
        Column(_("Education"), lambda w: w.get_education_display()),
        Column(_("Marital status"), lambda w: w.get_marital_status_display()),
        Column(_("Family consent acknowledged on"), lambda w: w.family_consent_on),
        Column(_("Registered by company"), lambda w: w.registering_companies or ""),
        Column(_("Registered at"), lambda w: w.created_at),
        Column(_("Updated at"), lambda w: w.updated_at),
    ),
)

PLACEMENTS = ExportSpec(
    kind=ExportKind.PLACEMENTS,
    model=Placement,
    filterset_class=PlacementFilterSet,
    prepare=lambda qs: qs.select_related(
        "worker__village", "agency", "job_order__country", "job_order__occupation", "embarkation_point"
    ).annotate(passport_number=_latest_passport()),
    record_agency=lambda p: p.agency_id,
    columns=(
        Column(_("ID"), lambda p: p.pk),
        Column(_("Worker's NIK"), lambda p: p.worker.nik, personal="nik"),
        Column(_("Worker"), lambda p: p.worker.full_name),
        Column(_("Sex"), lambda p: p.worker.get_sex_display()),
        Column(_("Village code"), lambda p: p.worker.village_id),
        Column(_("Village"), lambda p: p.worker.village.name),
        Column(_("Passport number"), lambda p: p.passport_number, personal="document"),
        Column(_("Company"), lambda p: p.agency.name),
        Column(_("Job order"), lambda p: p.job_order_id),
        Column(_("Destination country"), lambda p: p.job_order.country.name),
        Column(_("Sector"), lambda p: p.job_order.get_sector_display()),
        Column(_("Occupation"), lambda p: p.job_order.occupation.name),
        Column(_("Stage"), lambda p: p.get_stage_display()),
        Column(_("Stage reached at"), lambda p: p.stage_changed_at),
        Column(_("Planned departure"), lambda p: p.planned_departure_on),
        Column(_("Departed on"), lambda p: p.departed_on),
        Column(_("Embarkation point"), lambda p: _name(p.embarkation_point)),
        Column(_("Arrived on"), lambda p: p.arrived_on),
        Column(_("Returned on"), lambda p: p.returned_on),
        Column(_("Reason for return"), lambda p: p.get_return_reason_display()),
        Column(_("Registered at"), lambda p: p.created_at),
        Column(_("Updated at"), lambda p: p.updated_at),
    ),
)

JOB_ORDERS = ExportSpec(
    kind=ExportKind.JOB_ORDERS,
    model=JobOrder,
    filterset_class=JobOrderFilterSet,
    prepare=lambda qs: qs.select_related("agency", "employer", "country", "occupation").annotate(
        placed=_placements_per_job_order()
    ),
    record_agency=lambda j: j.agency_id,
    columns=(
        Column(_("ID"), lambda j: j.pk),
        Column(_("Company"), lambda j: j.agency.name),
        Column(_("Employer"), lambda j: j.employer.name),
        Column(_("Destination country"), lambda j: j.country.name),
        Column(_("Sector"), lambda j: j.get_sector_display()),
        Column(_("Occupation"), lambda j: j.occupation.name),
        Column(_("Demand letter reference"), lambda j: j.reference),
        Column(_("Status"), lambda j: j.get_status_display()),
        Column(_("Positions"), lambda j: j.quota),
        Column(_("Placements"), lambda j: j.placed),
        Column(_("Monthly salary"), lambda j: j.salary),
        Column(_("Currency"), lambda j: j.currency),
        Column(_("Contract length (months)"), lambda j: j.contract_months),
        Column(_("Costs borne by the worker (IDR)"), lambda j: j.worker_costs),
        Column(_("Valid from"), lambda j: j.valid_from),
        Column(_("Valid until"), lambda j: j.valid_until),
        Column(_("Mission verification reference"), lambda j: j.mission_reference),
        Column(_("Verified by the mission on"), lambda j: j.mission_verified_on),
        Column(_("Created at"), lambda j: j.created_at),
    ),
)

COMPANIES = ExportSpec(
    kind=ExportKind.COMPANIES,
    model=Agency,
    filterset_class=AgencyFilterSet,
    prepare=lambda qs: qs.select_related("head_office_regency"),
    record_agency=lambda a: a.pk,
    columns=(
        Column(_("ID"), lambda a: a.pk),
        Column(_("Name"), lambda a: a.name),
        Column(_("SIP3MI number"), lambda a: a.licence_number),
        Column(_("Licence status"), lambda a: a.get_licence_status_display()),
        Column(_("Licence issued on"), lambda a: a.licence_issued_on),
        Column(_("Licence expires on"), lambda a: a.licence_expires_on),
        Column(_("Head office code"), lambda a: a.head_office_regency_id),
        Column(_("Head office"), lambda a: _name(a.head_office_regency)),
        Column(_("Address"), lambda a: a.address),
        Column(_("Phone"), lambda a: a.phone),
        Column(_("E-mail"), lambda a: a.email),
    ),
)

FLAGS = ExportSpec(
    kind=ExportKind.FLAGS,
    model=Flag,
    filterset_class=FlagFilterSet,
    prepare=lambda qs: qs.select_related("assigned_to"),
    columns=(
        Column(_("ID"), lambda f: f.pk),
        Column(_("Rule"), lambda f: f.rule_code),
        Column(_("What was found"), _rule_title),
        Column(_("Severity"), lambda f: f.get_severity_display()),
        Column(_("Status"), lambda f: f.get_status_display()),
        Column(_("Subject type"), lambda f: f.get_subject_type_display()),
        Column(_("Subject"), lambda f: f.subject_id),
        Column(_("Area code"), lambda f: f.area_code),
        Column(_("First seen"), lambda f: f.first_seen),
        Column(_("Last seen"), lambda f: f.last_seen),
        Column(_("Assigned to"), lambda f: _name(f.assigned_to)),
        Column(_("Resolved at"), lambda f: f.resolved_at),
        Column(_("Reason for the decision"), lambda f: f.decision_reason),
    ),
)


def _needs(report) -> str:
    return ", ".join(str(ReturnNeed(need).label) if need in ReturnNeed.values else need for need in report.needs)


# Every report, each source of an event its own row ("Same event as" names the first report), so a
# count of rows is a count of what the officers sent; the portal's list shows one row per event.
VILLAGE_REPORTS = ExportSpec(
    kind=ExportKind.VILLAGE_REPORTS,
    model=VillageReport,
    filterset_class=VillageReportFilterSet,
    prepare=lambda qs: qs.select_related("village__district__regency", "reported_by"),
    allowed=may_see_village_reports,
    columns=(
        Column(_("ID"), lambda r: r.pk),
        Column(_("Same event as"), lambda r: r.same_event_as_id or ""),
        Column(_("Kind"), lambda r: r.get_kind_display()),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Date"), lambda r: r.occurred_on),
        Column(_("Village code"), lambda r: r.village_id),
        Column(_("Village"), lambda r: r.village.name),
        Column(_("District"), lambda r: r.village.district.name),
        Column(_("Regency/city"), lambda r: r.village.district.regency.name),
        Column(_("Person's NIK"), lambda r: r.person_nik, personal="nik"),
        Column(_("Person's name"), lambda r: r.person_name),
        Column(_("Details"), lambda r: r.details),
        Column(_("Destination hoped for"), lambda r: r.destination_country),
        Column(_("Work hoped for"), lambda r: r.hoped_work),
        Column(_("Needs"), _needs),
        Column(_("Family contact"), lambda r: r.contact_name),
        Column(_("Family contact's phone"), lambda r: r.contact_phone),
        Column(_("Broker's name"), lambda r: r.broker_name),
        Column(_("Nickname"), lambda r: r.broker_nickname),
        Column(_("Phone numbers"), lambda r: ", ".join(r.broker_phones)),
        Column(_("Vehicle"), lambda r: r.broker_vehicle),
        Column(_("Where seen"), lambda r: r.seen_at_place),
        Column(_("Whom they approached"), lambda r: r.approached),
        Column(_("Company they claim"), lambda r: r.claimed_company),
        Column(_("Closing note"), lambda r: r.closing_note),
        Column(_("Reported by"), lambda r: _name(r.reported_by)),
        Column(_("Written down at"), lambda r: r.recorded_at),
        Column(_("Received at"), lambda r: r.created_at),
        Column(_("Updated at"), lambda r: r.updated_at),
    ),
)

# What a masked personal column holds for someone who may not see it (a complainant's name, say).
HIDDEN = _("(hidden)")

# Complaints: the complainant's identity and the worker's NIK only for complaint officers
# (core.permissions.may_see_complainants); everyone else gets them masked.
COMPLAINTS = ExportSpec(
    kind=ExportKind.COMPLAINTS,
    model=Complaint,
    filterset_class=ComplaintFilterSet,
    prepare=lambda qs: qs.select_related("country", "agency", "employer", "assigned_to").annotate(next_due=NEXT_DUE),
    allowed=may_handle_complaints,
    reveals=may_see_complainants,
    columns=(
        Column(_("ID"), lambda c: c.pk),
        Column(_("Tracking code"), lambda c: c.tracking_code),
        Column(_("Channel"), lambda c: c.get_channel_display()),
        Column(_("Category"), lambda c: c.get_category_display()),
        Column(_("Priority"), lambda c: c.get_priority_display()),
        Column(_("Status"), lambda c: c.get_status_display()),
        Column(_("Handled at"), lambda c: c.get_level_display()),
        Column(_("Area code"), lambda c: c.area_code),
        Column(_("Country where it happened"), lambda c: _name(c.country)),
        Column(_("Child involved"), lambda c: c.involves_minor),
        Column(_("When it happened"), lambda c: c.occurred_on),
        Column(_("What happened"), lambda c: c.description),
        Column(_("Anonymous"), lambda c: c.anonymous),
        Column(_("Complainant's name"), lambda c: c.complainant_name, personal="identity"),
        Column(_("Complainant's phone"), lambda c: c.complainant_phone, personal="identity"),
        Column(_("Complainant's e-mail"), lambda c: c.complainant_email, personal="identity"),
        Column(_("Complainant is"), lambda c: c.get_complainant_relation_display()),
        Column(_("Worker's name"), lambda c: c.worker_name),
        Column(_("Worker's NIK"), lambda c: c.worker_nik, personal="nik"),
        Column(_("Placement"), lambda c: c.placement_id or ""),
        Column(_("Company"), lambda c: _name(c.agency)),
        Column(_("Employer"), lambda c: _name(c.employer)),
        Column(_("Assigned to"), lambda c: _name(c.assigned_to)),
        Column(_("Filed at"), lambda c: c.filed_at),
        Column(_("Acknowledge by"), lambda c: c.acknowledge_due_at),
        Column(_("Acknowledged at"), lambda c: c.acknowledged_at),
        Column(_("Resolve by"), lambda c: c.resolve_due_at),
        Column(_("Resolved at"), lambda c: c.resolved_at),
        Column(_("Closed at"), lambda c: c.closed_at),
        Column(_("Last escalated at"), lambda c: c.escalated_at),
        Column(_("Outcome"), lambda c: c.outcome),
        Column(_("Reason for rejection"), lambda c: c.rejection_reason),
    ),
)

SPECS: dict[str, ExportSpec] = {
    spec.kind: spec for spec in (WORKERS, PLACEMENTS, JOB_ORDERS, COMPANIES, FLAGS, VILLAGE_REPORTS, COMPLAINTS)
}
