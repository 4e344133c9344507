"""Writes for job orders, permits, workers, applications and training."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.services import audit_record
from agencies.choices import Sector
from agencies.models import Agency, Employer, FieldRecruiter
from core.errors import DomainError
from core.events import record_event
from core.permissions import may_act_for_company, may_issue_permits, may_maintain_reference_data, may_verify_job_orders
from core.recheck import request_recheck
from villages.models import Regency, Village
from villages.nik import check_nik_matches, parse_nik

from .choices import ApplicationStatus, JobOrderEventKind, JobOrderStatus, RegistrationChannel, TrainingResult
from .models import (
    Application,
    Country,
    Enrolment,
    JobOrder,
    JobOrderEvent,
    Moratorium,
    Occupation,
    RecruitmentPermit,
    Registration,
    TrainingProvider,
    Worker,
)
from .selectors import moratorium_applies


def _refuse(code: str, message: str, **kwargs):
    raise DomainError(code, message, **kwargs)


def _require_company(actor, agency_id: int | None) -> None:
    if not may_act_for_company(actor, agency_id):
        _refuse("forbidden", _("Only the company's own staff or the ministry may do this for the company."))


def _require_verifier(actor) -> None:
    if not may_verify_job_orders(actor):
        _refuse("forbidden", _("Only the ministry records the mission's verification of a job order."))


def _placements_on(job_order: JobOrder) -> list[int]:
    # Placement sits above recruitment: its rows are reached through the reverse relation, not an import.
    return list(job_order.placements.values_list("pk", flat=True))


def _job_order_event(job_order: JobOrder, *, actor, kind: str, from_status: str = "", reason: str = "", **data):
    """The job order's event row; its rules (and its company's, which count open job orders) re-check."""
    return record_event(
        JobOrderEvent,
        recheck={"job_order": job_order.pk, "agency": job_order.agency_id},
        job_order=job_order,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=job_order.status,
        reason=reason,
        data=data,
    )


def _require_active_licence(agency: Agency) -> None:
    if not agency.licence_is_active:
        _refuse(
            "licence_inactive",
            _("The company's licence is %(status)s.") % {"status": agency.get_licence_status_display().lower()},
        )


@transaction.atomic
def job_order_create(
    *,
    actor,
    agency: Agency,
    employer: Employer,
    occupation: Occupation,
    quota: int,
    salary: Decimal,
    currency: str,
    contract_months: int,
    valid_from: date,
    valid_until: date,
    worker_costs: Decimal = Decimal(0),
    quota_female: int | None = None,
    quota_male: int | None = None,
    reference: str = "",
) -> JobOrder:
    """A draft job order. The country and sector are the employer's."""
    _require_company(actor, agency.pk)
    _require_active_licence(agency)
    if employer.blacklisted:
        _refuse("employer_blacklisted", _("The employer is blacklisted."))
    if occupation.zero_cost and worker_costs > 0:
        _refuse(
            "zero_cost_occupation",
            _("%(occupation)s is a zero-cost occupation: the worker may not bear any cost.")
            % {"occupation": occupation.name},
            fields={"worker_costs": [_("Must be 0 for a zero-cost occupation.")]},
        )
    if moratorium_applies(employer.country_id, employer.sector, valid_from):
        _refuse(
            "moratorium",
            _("%(country)s is under a moratorium for the %(sector)s sector.")
            % {"country": employer.country.name, "sector": employer.get_sector_display().lower()},
        )
    job_order = JobOrder(
        agency=agency,
        employer=employer,
        country=employer.country,
        sector=employer.sector,
        occupation=occupation,
        quota=quota,
        quota_female=quota_female,
        quota_male=quota_male,
        salary=salary,
        currency=currency.upper(),
        contract_months=contract_months,
        worker_costs=worker_costs,
        valid_from=valid_from,
        valid_until=valid_until,
        reference=reference,
    )
    job_order.full_clean()
    job_order.save()
    _job_order_event(job_order, actor=actor, kind=JobOrderEventKind.CREATED)
    return job_order


def _transition(job_order_id: int, allowed_from: tuple[str, ...], to: str, *, company_actor=None) -> JobOrder:
    """Lock the job order and move it to ``to``; with ``company_actor``, only for the company's own people."""
    job_order = JobOrder.objects.select_for_update(of=("self",)).select_related("agency").get(pk=job_order_id)
    if company_actor is not None:
        _require_company(company_actor, job_order.agency_id)
    if job_order.status not in allowed_from:
        _refuse(
            "job_order_status",
            _("The job order is “%(status)s”; this action is not possible now.")
            % {"status": job_order.get_status_display()},
        )
    job_order.from_status, job_order.status = job_order.status, to
    return job_order


def _transitioned(job_order: JobOrder, *, actor, kind: str, reason: str = "", **data) -> JobOrder:
    _job_order_event(job_order, actor=actor, kind=kind, from_status=job_order.from_status, reason=reason, **data)
    return job_order


@transaction.atomic
def job_order_submit(*, actor, job_order_id: int) -> JobOrder:
    job_order = _transition(job_order_id, (JobOrderStatus.DRAFT,), JobOrderStatus.SUBMITTED, company_actor=actor)
    _require_active_licence(job_order.agency)
    job_order.save(update_fields=["status", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.SUBMITTED)


@transaction.atomic
def job_order_verify(*, actor, job_order_id: int, mission_reference: str, verified_on: date) -> JobOrder:
    """The Indonesian mission abroad verified the job order and the employer."""
    _require_verifier(actor)
    if not mission_reference.strip():
        _refuse("mission_reference_missing", _("The mission's verification reference is required."))
    job_order = _transition(job_order_id, (JobOrderStatus.SUBMITTED,), JobOrderStatus.VERIFIED)
    job_order.mission_reference, job_order.mission_verified_on = mission_reference.strip(), verified_on
    job_order.save(update_fields=["status", "mission_reference", "mission_verified_on", "updated_at"])
    return _transitioned(
        job_order,
        actor=actor,
        kind=JobOrderEventKind.VERIFIED,
        mission_reference=job_order.mission_reference,
        verified_on=verified_on.isoformat(),
    )


@transaction.atomic
def job_order_reject(*, actor, job_order_id: int, reason: str) -> JobOrder:
    _require_verifier(actor)
    if not reason.strip():
        _refuse("reason_required", _("A reason is required."))
    job_order = _transition(job_order_id, (JobOrderStatus.SUBMITTED,), JobOrderStatus.REJECTED)
    job_order.rejection_reason = reason.strip()
    job_order.save(update_fields=["status", "rejection_reason", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.REJECTED, reason=job_order.rejection_reason)


@transaction.atomic
def job_order_publish(*, actor, job_order_id: int) -> JobOrder:
    job_order = _transition(job_order_id, (JobOrderStatus.VERIFIED,), JobOrderStatus.PUBLISHED, company_actor=actor)
    _require_active_licence(job_order.agency)
    job_order.save(update_fields=["status", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.PUBLISHED)


@transaction.atomic
def job_order_close(*, actor, job_order_id: int) -> JobOrder:
    job_order = _transition(job_order_id, (JobOrderStatus.PUBLISHED,), JobOrderStatus.CLOSED, company_actor=actor)
    job_order.save(update_fields=["status", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.CLOSED)


@transaction.atomic
def job_order_cancel(*, actor, job_order_id: int) -> JobOrder:
    allowed = (JobOrderStatus.DRAFT, JobOrderStatus.SUBMITTED, JobOrderStatus.VERIFIED, JobOrderStatus.PUBLISHED)
    job_order = _transition(job_order_id, allowed, JobOrderStatus.CANCELLED, company_actor=actor)
    job_order.save(update_fields=["status", "updated_at"])
    # A cancelled job order is no longer verified: placements still on it are irregular now.
    request_recheck(placement=_placements_on(job_order))
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.CANCELLED)


@transaction.atomic
def permit_issue(
    *,
    actor,
    job_order: JobOrder,
    number: str,
    quota: int,
    valid_from: date,
    valid_until: date,
    regions: list[Regency],
) -> RecruitmentPermit:
    if not may_issue_permits(actor):
        _refuse("forbidden", _("Only the ministry or a province issues recruitment permits."))
    if not job_order.is_verified:
        _refuse("job_order_unverified", _("A permit can only be issued for a job order verified by the mission."))
    if not regions:
        _refuse("regions_missing", _("Name at least one recruitment region."))
    if quota > job_order.quota:
        _refuse("permit_quota", _("The permit's quota cannot exceed the job order's positions."))
    permit = RecruitmentPermit(
        job_order=job_order,
        number=number.strip(),
        quota=quota,
        valid_from=valid_from,
        valid_until=valid_until,
        status="issued",
        decided_by=actor,
        decided_at=timezone.now(),
    )
    permit.full_clean()
    permit.save()
    permit.regions.set(regions)
    # The permit's regions decide where the placements on this job order may recruit.
    request_recheck(placement=_placements_on(job_order))
    _job_order_event(
        job_order,
        actor=actor,
        kind=JobOrderEventKind.PERMIT_ISSUED,
        from_status=job_order.status,
        permit_id=permit.pk,
        number=permit.number,
        quota=permit.quota,
        regions=sorted(region.code for region in regions),
    )
    return permit


@transaction.atomic
def worker_register(
    *,
    actor,
    nik: str,
    full_name: str,
    sex: str,
    birth_date: date,
    birth_place: str,
    village: Village,
    education: str,
    marital_status: str,
    next_of_kin_name: str,
    next_of_kin_phone: str = "",
    next_of_kin_relation: str = "",
    phone: str = "",
    family_consent_on: date | None = None,
    agency: Agency | None = None,
) -> Worker:
    """Register a candidate. The NIK must be valid and agree with the birth date and sex entered."""
    facts = parse_nik(nik)
    check_nik_matches(facts, birth_date=birth_date, sex=sex)
    worker = Worker(
        nik=facts.nik,
        full_name=full_name.strip(),
        sex=sex,
        birth_date=birth_date,
        birth_place=birth_place.strip(),
        village=village,
        phone=phone,
        education=education,
        marital_status=marital_status,
        next_of_kin_name=next_of_kin_name.strip(),
        next_of_kin_phone=next_of_kin_phone,
        next_of_kin_relation=next_of_kin_relation,
        family_consent_on=family_consent_on,
        agency=agency,
    )
    worker.full_clean(exclude=["nik"])
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        message = _("A worker with this NIK is already registered.")
        _refuse("nik_taken", message, fields={"nik": [message]})
    Registration.objects.create(
        worker=worker,
        channel=RegistrationChannel.COMPANY if agency else RegistrationChannel.REGENCY,
        agency=agency,
        consent_on=(family_consent_on or timezone.localdate()) if agency else None,
        registered_by=actor,
    )
    request_recheck(worker=worker.pk)
    return worker


@transaction.atomic
def application_create(
    *, actor, worker: Worker, job_order: JobOrder, applied_on: date, recruiter: FieldRecruiter | None = None
) -> Application:
    _require_company(actor, job_order.agency_id)
    if job_order.status != JobOrderStatus.PUBLISHED:
        _refuse("job_order_not_published", _("Applications are taken only for published job orders."))
    if recruiter is not None and recruiter.agency_id not in (None, job_order.agency_id):
        _refuse("recruiter_other_company", _("The recruiter is registered to another company."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                worker=worker, job_order=job_order, recruiter=recruiter, applied_on=applied_on
            )
    except IntegrityError:
        _refuse("application_exists", _("The worker has already applied to this job order."))
    request_recheck(worker=worker.pk, recruiter=recruiter.pk if recruiter else None)
    return application


@transaction.atomic
def application_decide(*, actor, application_id: int, selected: bool, notes: str = "") -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("job_order").get(pk=application_id)
    _require_company(actor, application.job_order.agency_id)
    if application.status != ApplicationStatus.APPLIED:
        _refuse("application_decided", _("This application has already been decided."))
    application.status = ApplicationStatus.SELECTED if selected else ApplicationStatus.REJECTED
    application.selection_notes, application.decided_on = notes, timezone.localdate()
    application.save(update_fields=["status", "selection_notes", "decided_on", "updated_at"])
    placed = list(application.worker.placements.filter(application_id=application.pk).values_list("pk", flat=True))
    request_recheck(worker=application.worker_id, placement=placed)
    return application


@transaction.atomic
def enrolment_record(
    *,
    actor,
    worker: Worker,
    provider: TrainingProvider,
    programme: str,
    kind: str,
    hours: int,
    starts_on: date,
    completed_on: date | None = None,
    result: str = TrainingResult.IN_PROGRESS,
    certificate_number: str = "",
) -> Enrolment:
    enrolment = Enrolment(
        worker=worker,
        provider=provider,
        programme=programme,
        kind=kind,
        hours=hours,
        starts_on=starts_on,
        completed_on=completed_on,
        result=result,
        certificate_number=certificate_number,
        recorded_by=actor,
    )
    enrolment.full_clean()
    enrolment.save()
    request_recheck(worker=worker.pk, placement=list(worker.placements.values_list("pk", flat=True)))
    return enrolment


# --- Reference data the rules read: zero-cost occupations and moratoria (changed in the admin) ---


def _require_reference_data_authority(actor) -> None:
    if not may_maintain_reference_data(actor):
        _refuse("forbidden", _("Only a system administrator can change zero-cost occupations and moratoria."))


@transaction.atomic
def occupation_set_zero_cost(*, actor, occupation_id: str, zero_cost: bool) -> Occupation:
    """Mark an occupation zero-cost (the employer pays everything) or not. The placements on its
    job orders are re-checked, since whether the worker may be charged changes with it."""
    _require_reference_data_authority(actor)
    occupation = Occupation.objects.select_for_update().filter(pk=occupation_id).first()
    if occupation is None:
        _refuse("not_found", _("No such occupation."))
    if occupation.zero_cost == zero_cost:
        return occupation  # nothing changes: nothing to record
    occupation.zero_cost = zero_cost
    occupation.save(update_fields=["zero_cost"])
    audit_record(
        action=AuditAction.OCCUPATION_ZERO_COST_SET, actor=actor, occupation=occupation.pk, zero_cost=zero_cost
    )
    # Placements sit above recruitment: reached through the job orders' reverse relation, not imported.
    placements = (
        JobOrder.objects.filter(occupation_id=occupation.pk, placements__isnull=False)
        .values_list("placements__id", flat=True)
        .distinct()
    )
    request_recheck(placement=list(placements))
    return occupation


def _recheck_job_orders_of(country_id: str, sector: str) -> None:
    request_recheck(
        job_order=list(JobOrder.objects.filter(country_id=country_id, sector=sector).values_list("pk", flat=True))
    )


@transaction.atomic
def moratorium_create(
    *,
    actor,
    country: Country | str,
    sector: str,
    starts_on: date,
    ends_on: date | None = None,
    legal_basis: str,
) -> Moratorium:
    """Stop placements to a country in a sector from ``starts_on`` (until ``ends_on``, or until ended)."""
    _require_reference_data_authority(actor)
    country_id = country.pk if isinstance(country, Country) else country
    legal_basis = legal_basis.strip()
    errors = {}
    if not Country.objects.filter(pk=country_id).exists():
        errors["country"] = [_("No such country.")]
    if sector not in Sector.values:
        errors["sector"] = [_("No such sector.")]
    if not legal_basis:
        errors["legal_basis"] = [_("Name the decree that stops the placements.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("A moratorium cannot end before it starts.")]
    if errors:
        _refuse("invalid", _("The moratorium could not be declared."), fields=errors)
    overlapping = (
        Moratorium.objects.select_for_update()
        .filter(country_id=country_id, sector=sector)
        .exclude(ends_on__lt=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        message = _("A moratorium for this country and sector already covers part of that period.")
        _refuse("moratorium_overlaps", message)
    moratorium = Moratorium.objects.create(
        country_id=country_id, sector=sector, starts_on=starts_on, ends_on=ends_on, legal_basis=legal_basis
    )
    audit_record(
        action=AuditAction.MORATORIUM_CREATED,
        actor=actor,
        moratorium_id=moratorium.pk,
        country=country_id,
        sector=sector,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat() if ends_on else None,
        legal_basis=legal_basis,
    )
    _recheck_job_orders_of(country_id, sector)
    return moratorium


@transaction.atomic
def moratorium_end(*, actor, moratorium_id: int, ends_on: date) -> Moratorium:
    """Lift a moratorium: its last day becomes ``ends_on`` (earlier than any end it had)."""
    _require_reference_data_authority(actor)
    moratorium = Moratorium.objects.select_for_update().filter(pk=moratorium_id).first()
    if moratorium is None:
        _refuse("not_found", _("No such moratorium."))
    if ends_on < moratorium.starts_on:
        message = _("A moratorium cannot end before it starts.")
        _refuse("invalid", message, fields={"ends_on": [message]})
    if moratorium.ends_on is not None and moratorium.ends_on <= ends_on:
        _refuse(
            "moratorium_already_ends",
            _("The moratorium already ends on %(date)s.") % {"date": moratorium.ends_on.isoformat()},
        )
    previous = moratorium.ends_on
    moratorium.ends_on = ends_on
    moratorium.save(update_fields=["ends_on"])
    audit_record(
        action=AuditAction.MORATORIUM_ENDED,
        actor=actor,
        moratorium_id=moratorium.pk,
        country=moratorium.country_id,
        sector=moratorium.sector,
        ends_on=ends_on.isoformat(),
        previous_ends_on=previous.isoformat() if previous else None,
    )
    _recheck_job_orders_of(moratorium.country_id, moratorium.sector)
    return moratorium
