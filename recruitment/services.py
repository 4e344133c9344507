"""Writes for job orders, permits, workers, applications and training."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.services import audit_record
from agencies.choices import Sector
from agencies.models import Agency, Employer, FieldRecruiter
from core import clock
from core.errors import DomainError
from core.events import record_event
from core.files import sniff_upload
from core.nik import personal_number_columns
from core.permissions import (
    may_act_for_company,
    may_issue_permits,
    may_maintain_reference_data,
    may_register_person,
    may_report_for_village,
    may_verify_job_order,
)
from core.recheck import request_recheck
from villages.models import Regency, Village, VillageReport, VillageReportKind
from villages.nik import parse_nik
from villages.services import parse_client_id, village_report_already_sent, village_report_create

from .choices import (
    ApplicationStatus,
    ConsentRelation,
    JobOrderDocumentKind,
    JobOrderEventKind,
    JobOrderStatus,
    PermitStatus,
    RegistrationChannel,
    TrainingResult,
)
from .models import (
    Application,
    Country,
    Enrolment,
    FamilyConsent,
    JobOrder,
    JobOrderDocument,
    JobOrderEvent,
    Moratorium,
    Occupation,
    RecruitmentPermit,
    Registration,
    TrainingProvider,
    Worker,
)
from .selectors import may_decide_permit, moratorium_applies


def _refuse(code: str, message: str, **kwargs):
    raise DomainError(code, message, **kwargs)


def _require_company(actor, agency_id: int | None) -> None:
    if not may_act_for_company(actor, agency_id):
        _refuse("forbidden", _("Only the company's own staff or the ministry may do this for the company."))


def _require_verifier(actor, job_order: JobOrder) -> None:
    if not may_verify_job_order(actor, job_order.country_id):
        _refuse(
            "forbidden",
            _("Only the mission answering for %(country)s, or the ministry, verifies or rejects this job order.")
            % {"country": job_order.country.name},
        )


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


def _transition(
    job_order_id: int, allowed_from: tuple[str, ...], to: str, *, company_actor=None, verifier=None
) -> JobOrder:
    """Lock the job order and move it to ``to``; with ``company_actor``, only for the company's own people;
    with ``verifier``, only for the mission answering for its country (or the ministry)."""
    job_order = (
        JobOrder.objects.select_for_update(of=("self",))
        .select_related("agency", "country", "employer")
        .get(pk=job_order_id)
    )
    if company_actor is not None:
        _require_company(company_actor, job_order.agency_id)
    if verifier is not None:
        _require_verifier(verifier, job_order)
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


# The papers the mission cannot verify a job order without; the company attaches them before submitting.
DOCUMENTS_FOR_SUBMISSION = (JobOrderDocumentKind.DEMAND_LETTER,)
# A job order takes documents until the mission has decided on it (and again after a rejection).
DOCUMENT_STATUSES = (JobOrderStatus.DRAFT, JobOrderStatus.SUBMITTED, JobOrderStatus.REJECTED)


@transaction.atomic
def job_order_document_add(*, actor, job_order_id: int, kind: str, number: str = "", file) -> JobOrderDocument:
    """Attach a paper (the demand letter, the employer's licence...) for the mission's check."""
    job_order = JobOrder.objects.select_for_update(of=("self",)).get(pk=job_order_id)
    _require_company(actor, job_order.agency_id)
    if job_order.status not in DOCUMENT_STATUSES:
        _refuse(
            "job_order_status",
            _("The job order is “%(status)s”; documents can no longer be attached.")
            % {"status": job_order.get_status_display()},
        )
    if kind not in JobOrderDocumentKind.values:
        message = _("Choose a document kind from the list.")
        _refuse("document_kind", message, fields={"kind": [message]}, invalid_input=True)
    if not file:
        message = _("Attach the document's file.")
        _refuse("file_missing", message, fields={"file": [message]}, invalid_input=True)
    content_type, size = sniff_upload(file)
    document = JobOrderDocument.objects.create(
        job_order=job_order,
        kind=kind,
        number=(number or "").strip(),
        file=file,
        content_type=content_type,
        size=size,
        uploaded_by=actor,
    )
    _job_order_event(
        job_order,
        actor=actor,
        kind=JobOrderEventKind.DOCUMENT_ADDED,
        from_status=job_order.status,
        document_id=document.pk,
        document_kind=kind,
        number=document.number,
    )
    return document


def documents_missing_for_submission(job_order: JobOrder) -> list[str]:
    """The names of the papers the job order still lacks before it can be submitted."""
    present = set(job_order.documents.values_list("kind", flat=True))
    return [str(JobOrderDocumentKind(kind).label) for kind in DOCUMENTS_FOR_SUBMISSION if kind not in present]


@transaction.atomic
def job_order_submit(*, actor, job_order_id: int) -> JobOrder:
    """Send the job order to the mission (again, after a rejection), its demand letter attached."""
    job_order = _transition(
        job_order_id, (JobOrderStatus.DRAFT, JobOrderStatus.REJECTED), JobOrderStatus.SUBMITTED, company_actor=actor
    )
    _require_active_licence(job_order.agency)
    missing = documents_missing_for_submission(job_order)
    if missing:
        _refuse(
            "documents_missing",
            _("The job order cannot be submitted to the mission without: %(missing)s.")
            % {"missing": "; ".join(missing)},
            missing=missing,
        )
    job_order.save(update_fields=["status", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.SUBMITTED)


@transaction.atomic
def job_order_verify(*, actor, job_order_id: int, mission_reference: str, verified_on: date) -> JobOrder:
    """The Indonesian mission abroad verified the job order and the employer (for its own countries)."""
    job_order = _transition(job_order_id, (JobOrderStatus.SUBMITTED,), JobOrderStatus.VERIFIED, verifier=actor)
    errors = {}
    if not (mission_reference or "").strip():
        errors["mission_reference"] = [_("The mission's verification reference is required.")]
    if verified_on is None:
        errors["verified_on"] = [_("The date of the mission's verification is required.")]
    elif verified_on > clock.today():
        errors["verified_on"] = [_("The verification cannot be dated in the future.")]
    if errors:
        code = "mission_reference_missing" if "mission_reference" in errors else "verified_on_invalid"
        _refuse(code, next(iter(errors.values()))[0], fields=errors, invalid_input=True)
    job_order.mission_reference, job_order.mission_verified_on = mission_reference.strip(), verified_on
    job_order.save(update_fields=["status", "mission_reference", "mission_verified_on", "updated_at"])
    return _transitioned(
        job_order,
        actor=actor,
        kind=JobOrderEventKind.VERIFIED,
        mission_reference=job_order.mission_reference,
        verified_on=verified_on.isoformat(),
        employer_checked=True,
        employer_id=job_order.employer_id,
        employer=job_order.employer.name,
        documents=sorted(job_order.documents.values_list("kind", flat=True)),
    )


@transaction.atomic
def job_order_reject(*, actor, job_order_id: int, reason: str) -> JobOrder:
    """The mission refuses the job order or its employer, saying why; the company may correct and resubmit."""
    job_order = _transition(job_order_id, (JobOrderStatus.SUBMITTED,), JobOrderStatus.REJECTED, verifier=actor)
    if not (reason or "").strip():
        message = _("A reason is required.")
        _refuse("reason_required", message, fields={"reason": [message]}, invalid_input=True)
    job_order.rejection_reason = reason.strip()
    job_order.save(update_fields=["status", "rejection_reason", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.REJECTED, reason=job_order.rejection_reason)


@transaction.atomic
def job_order_publish(*, actor, job_order_id: int) -> JobOrder:
    """Open the job order to applications: only with a recruitment permit issued and valid today."""
    job_order = _transition(job_order_id, (JobOrderStatus.VERIFIED,), JobOrderStatus.PUBLISHED, company_actor=actor)
    _require_active_licence(job_order.agency)
    today = clock.today()
    if not job_order.permits.filter(status=PermitStatus.ISSUED, valid_from__lte=today, valid_until__gte=today).exists():
        _refuse(
            "permit_missing",
            _("The job order can be published only with a recruitment permit (SIP2MI) issued and valid today."),
        )
    job_order.save(update_fields=["status", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.PUBLISHED)


@transaction.atomic
def job_order_close(*, actor, job_order_id: int) -> JobOrder:
    job_order = _transition(job_order_id, (JobOrderStatus.PUBLISHED,), JobOrderStatus.CLOSED, company_actor=actor)
    job_order.save(update_fields=["status", "updated_at"])
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.CLOSED)


@transaction.atomic
def job_order_cancel(*, actor, job_order_id: int, reason: str = "") -> JobOrder:
    allowed = (JobOrderStatus.DRAFT, JobOrderStatus.SUBMITTED, JobOrderStatus.VERIFIED, JobOrderStatus.PUBLISHED)
    if not reason.strip():
        message = _("A reason is required.")
        _refuse("reason_required", message, fields={"reason": [message]}, invalid_input=True)
    job_order = _transition(job_order_id, allowed, JobOrderStatus.CANCELLED, company_actor=actor)
    job_order.save(update_fields=["status", "updated_at"])
    # A cancelled job order is no longer verified: placements still on it are irregular now.
    request_recheck(placement=_placements_on(job_order))
    return _transitioned(job_order, actor=actor, kind=JobOrderEventKind.CANCELLED, reason=reason.strip())


# --- Recruitment permits (SIP2MI): the company applies, the ministry or a province decides ---

PERMIT_OPEN_JOB_ORDER = (JobOrderStatus.VERIFIED, JobOrderStatus.PUBLISHED)


def _regencies(regions) -> list[Regency]:
    """The regencies named by code (or given as rows); an unknown code is refused on the field."""
    codes = sorted({region.pk if isinstance(region, Regency) else str(region).strip() for region in regions or ()})
    codes = [code for code in codes if code]
    if not codes:
        message = _("Name at least one recruitment region.")
        _refuse("regions_missing", message, fields={"regions": [message]}, invalid_input=True)
    found = list(Regency.objects.filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {regency.code for regency in found})
    if unknown:
        message = _("No such regency: %(codes)s.") % {"codes": ", ".join(unknown)}
        _refuse("regions_unknown", message, fields={"regions": [message]}, invalid_input=True)
    return found


def _permit_for_decision(actor, permit_id: int, *, allowed_from: str) -> RecruitmentPermit:
    """Lock the permit for an issuer who may decide on it: the ministry anywhere, a province only
    when every region of the permit lies in the province."""
    if not may_issue_permits(actor):
        _refuse("forbidden", _("Only the ministry or a province issues recruitment permits."))
    permit = (
        RecruitmentPermit.objects.select_for_update(of=("self",))
        .select_related("job_order")
        .filter(pk=permit_id)
        .first()
    )
    if permit is None:
        _refuse("not_found", _("No such recruitment permit."))
    if not may_decide_permit(actor, permit.regions.values_list("code", flat=True)):
        _refuse("forbidden", _("This permit names regions outside your province: the ministry decides on it."))
    if permit.status != allowed_from:
        _refuse(
            "permit_status",
            _("The permit is “%(status)s”; this action is not possible now.") % {"status": permit.get_status_display()},
        )
    return permit


def _permit_decided(permit: RecruitmentPermit, *, actor, kind: str, reason: str = "", **data) -> RecruitmentPermit:
    """The decision's event on the job order's timeline; the placements on it are re-checked,
    since the permit decides where they may recruit and how many."""
    job_order = permit.job_order
    request_recheck(placement=_placements_on(job_order))
    _job_order_event(
        job_order, actor=actor, kind=kind, from_status=job_order.status, reason=reason, permit_id=permit.pk, **data
    )
    return permit


@transaction.atomic
def permit_apply(
    *, actor, job_order_id: int, quota: int, valid_from: date, valid_until: date, regions
) -> RecruitmentPermit:
    """The company applies for a recruitment permit (SIP2MI) on its verified job order."""
    job_order = JobOrder.objects.select_for_update(of=("self",)).select_related("agency").get(pk=job_order_id)
    _require_company(actor, job_order.agency_id)
    if job_order.status not in PERMIT_OPEN_JOB_ORDER:
        _refuse("job_order_unverified", _("A permit can only be applied for on a job order verified by the mission."))
    _require_active_licence(job_order.agency)
    errors = {}
    if quota < 1:
        errors["quota"] = [_("The quota must be at least 1.")]
    if valid_until < valid_from:
        errors["valid_until"] = [_("A permit cannot end before it starts.")]
    if errors:
        _refuse("invalid", _("The permit application could not be made."), fields=errors, invalid_input=True)
    found = _regencies(regions)
    if quota > job_order.quota:
        _refuse("permit_quota", _("The permit's quota cannot exceed the job order's positions."))
    if valid_from < job_order.valid_from or valid_until > job_order.valid_until:
        _refuse(
            "permit_validity",
            _("The permit must lie within the job order's validity (%(start)s – %(end)s).")
            % {"start": job_order.valid_from.isoformat(), "end": job_order.valid_until.isoformat()},
        )
    if job_order.permits.filter(status=PermitStatus.APPLIED).exists():
        _refuse("permit_pending", _("An application for a permit on this job order is already awaiting a decision."))
    permit = RecruitmentPermit.objects.create(
        job_order=job_order,
        status=PermitStatus.APPLIED,
        quota=quota,
        valid_from=valid_from,
        valid_until=valid_until,
        applied_by=actor,
        applied_at=clock.now(),
    )
    permit.regions.set(found)
    _job_order_event(
        job_order,
        actor=actor,
        kind=JobOrderEventKind.PERMIT_APPLIED,
        from_status=job_order.status,
        permit_id=permit.pk,
        quota=quota,
        valid_from=valid_from.isoformat(),
        valid_until=valid_until.isoformat(),
        regions=[regency.code for regency in found],
    )
    return permit


@transaction.atomic
def permit_issue(*, actor, permit_id: int, number: str) -> RecruitmentPermit:
    """Issue an applied-for permit under its SIP2MI number: from now on its quota and regions bind."""
    permit = _permit_for_decision(actor, permit_id, allowed_from=PermitStatus.APPLIED)
    if permit.job_order.status not in PERMIT_OPEN_JOB_ORDER:
        _refuse("job_order_unverified", _("A permit can only be issued for a job order verified by the mission."))
    number = (number or "").strip()
    if not number:
        message = _("The SIP2MI number is required.")
        _refuse("number_missing", message, fields={"number": [message]}, invalid_input=True)
    taken = _("Another permit already has the number %(number)s.") % {"number": number}
    if RecruitmentPermit.objects.filter(number=number).exists():
        _refuse("permit_number_taken", taken, fields={"number": [taken]})
    permit.status, permit.number = PermitStatus.ISSUED, number
    permit.decided_by, permit.decided_at = actor, clock.now()
    try:
        with transaction.atomic():
            permit.save(update_fields=["status", "number", "decided_by", "decided_at"])
    except IntegrityError:  # the same number issued at the same moment elsewhere
        _refuse("permit_number_taken", taken, fields={"number": [taken]})
    return _permit_decided(
        permit,
        actor=actor,
        kind=JobOrderEventKind.PERMIT_ISSUED,
        number=permit.number,
        quota=permit.quota,
        regions=sorted(permit.regions.values_list("code", flat=True)),
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        message = _("A reason is required.")
        _refuse("reason_required", message, fields={"reason": [message]}, invalid_input=True)
    return reason


@transaction.atomic
def permit_refuse(*, actor, permit_id: int, reason: str) -> RecruitmentPermit:
    """Refuse an application for a permit; the job order stays where it was."""
    permit = _permit_for_decision(actor, permit_id, allowed_from=PermitStatus.APPLIED)
    permit.status, permit.reason = PermitStatus.REFUSED, _reason(reason)
    permit.decided_by, permit.decided_at = actor, clock.now()
    permit.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return _permit_decided(permit, actor=actor, kind=JobOrderEventKind.PERMIT_REFUSED, reason=permit.reason)


@transaction.atomic
def permit_revoke(*, actor, permit_id: int, reason: str) -> RecruitmentPermit:
    """Revoke an issued permit: its quota and regions no longer cover anyone."""
    permit = _permit_for_decision(actor, permit_id, allowed_from=PermitStatus.ISSUED)
    permit.status, permit.reason = PermitStatus.REVOKED, _reason(reason)
    permit.decided_by, permit.decided_at = actor, clock.now()
    permit.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return _permit_decided(
        permit, actor=actor, kind=JobOrderEventKind.PERMIT_REVOKED, reason=permit.reason, number=permit.number
    )


def _normalised_name(name: str) -> str:
    """A name as the registry compares it: case and runs of spaces do not count."""
    return " ".join((name or "").split()).casefold()


def _identity_disagrees():
    """The one refusal for an NIK that does not agree with the name, birth date and sex entered,
    whether or not the NIK is already on the registry: it tells nobody that a person exists."""
    message = _(
        "The NIK does not agree with the full name, birth date and sex entered. Check them against the "
        "identity card (KTP)."
    )
    _refuse("identity_mismatch", message, fields={"nik": [message]}, invalid_input=True)


# Optional facts a later registration may fill in when the registry has none; nothing else changes.
FILLABLE_WORKER_FIELDS = ("phone", "next_of_kin_phone", "next_of_kin_relation", "family_consent_on")


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
    consent_on: date | None = None,
) -> Worker:
    """Put a person on the national registry (keyed by NIK), or reach them again.

    A company registers for itself with the candidate's consent (``agency``, ``consent_on``); a
    regency official (the LTSA/Disnaker counter) registers a person living in the regency; the
    ministry either. The NIK must be valid and encode the birth date and sex entered. When the NIK
    is already registered and the name and birth date agree, the answer is the same as for a new
    person: the existing record (only its empty optional facts filled in) and this company's
    registration of them. When they do not agree, the refusal is the one for an NIK that
    contradicts the birth date or sex, so it reveals nothing about the registry.

    Everything that depends on the input alone is checked before the registry is looked up.
    """
    agency_id = agency.pk if agency is not None else None
    if not may_register_person(actor, agency_id=agency_id, village_code=getattr(village, "pk", None)):
        if agency_id is None and getattr(actor, "regency_id", None):  # a regency official, outside the regency
            message = _("A regency office registers people who live in its regency.")
            _refuse("village_outside_jurisdiction", message, fields={"village": [message]})
        _refuse("forbidden", _("You may not register people for this company."))
    if agency_id is not None:
        if consent_on is None:
            message = _("The date the candidate gave the company their consent is required.")
            _refuse("consent_missing", message, fields={"consent_on": [message]}, invalid_input=True)
        if consent_on > clock.today():
            message = _("The date of the candidate's consent cannot be in the future.")
            _refuse("consent_in_future", message, fields={"consent_on": [message]}, invalid_input=True)
    facts = parse_nik(nik)
    candidate = Worker(
        nik=facts.nik,
        **personal_number_columns(facts.nik),
        full_name=" ".join(full_name.split()),
        sex=sex,
        birth_date=birth_date,
        birth_place=birth_place.strip(),
        village=village,
        phone=phone.strip(),
        education=education,
        marital_status=marital_status,
        next_of_kin_name=next_of_kin_name.strip(),
        next_of_kin_phone=next_of_kin_phone.strip(),
        next_of_kin_relation=next_of_kin_relation.strip(),
        family_consent_on=family_consent_on,
        agency=agency,
    )
    candidate.full_clean(exclude=["nik", "nik_hash"], validate_unique=False)
    if birth_date != facts.birth_date or sex != facts.sex:
        _identity_disagrees()
    worker = Worker.objects.select_for_update().filter(nik_hash=candidate.nik_hash).first()
    if worker is None:
        try:
            with transaction.atomic():
                candidate.save()
            worker = candidate
        except IntegrityError:  # registered a moment ago by someone else: the same person, or not
            worker = Worker.objects.select_for_update().get(nik_hash=candidate.nik_hash)
    if worker is not candidate:
        if (
            _normalised_name(worker.full_name) != _normalised_name(candidate.full_name)
            or worker.birth_date != birth_date
        ):
            _identity_disagrees()
        filled = [name for name in FILLABLE_WORKER_FIELDS if not getattr(worker, name) and getattr(candidate, name)]
        for name in filled:
            setattr(worker, name, getattr(candidate, name))
        if filled:
            worker.save(update_fields=[*filled, "updated_at"])
    _add_registration(worker, actor=actor, agency=agency, consent_on=consent_on)
    request_recheck(worker=worker.pk)
    return worker


def _add_registration(worker: Worker, *, actor, agency: Agency | None, consent_on: date | None) -> None:
    """This company's (or this office's) registration of the person, unless it already has one."""
    if agency is not None:
        if not Registration.objects.filter(worker=worker, agency=agency).exists():
            try:
                with transaction.atomic():
                    Registration.objects.create(
                        worker=worker,
                        channel=RegistrationChannel.COMPANY,
                        agency=agency,
                        consent_on=consent_on,
                        registered_by=actor,
                    )
            except IntegrityError:  # the same company registering twice at once: once is enough
                pass
        return
    if getattr(actor, "village_id", None):  # a village officer, for a person of the village
        already = Registration.objects.filter(
            worker=worker, channel=RegistrationChannel.VILLAGE, registered_by__village_id=actor.village_id
        )
        if not already.exists():
            Registration.objects.create(worker=worker, channel=RegistrationChannel.VILLAGE, registered_by=actor)
        return
    office = getattr(actor, "regency_id", None)
    already = Registration.objects.filter(
        worker=worker, channel=RegistrationChannel.REGENCY, agency__isnull=True, registered_by__regency_id=office
    )
    if not already.exists():
        Registration.objects.create(worker=worker, channel=RegistrationChannel.REGENCY, registered_by=actor)


# Letters are photos shrunk on the phone: a few tens of kilobytes; this leaves room for a scan.
CONSENT_LETTER_MAX_BYTES = 1024 * 1024


def _family_consent_problems(*, consenter_name: str, relation: str, given_on: date | None, letter) -> dict:
    """Field errors of the family's consent, all at once (the form shows them together)."""
    errors: dict[str, list] = {}
    if not consenter_name.strip():
        errors["consenter_name"] = [_("Who in the family gave consent is required.")]
    if relation not in ConsentRelation.values:
        errors["consent_relation"] = [_("Choose husband or wife, father or mother, or guardian.")]
    if given_on is None:
        errors["consent_given_on"] = [_("The date of the consent is required.")]
    elif given_on > clock.today():
        errors["consent_given_on"] = [_("The date of the consent cannot be in the future.")]
    if letter is not None:
        if letter.size > CONSENT_LETTER_MAX_BYTES:
            errors["consent_letter"] = [_("The photo is too large (at most 1 MB); take it again.")]
        else:
            try:
                content_type, _size = sniff_upload(letter)
            except DomainError as error:
                errors["consent_letter"] = [error.message]
            else:
                if content_type not in ("image/jpeg", "image/png"):
                    errors["consent_letter"] = [_("The letter must be a photo (JPEG or PNG).")]
    return errors


@transaction.atomic
def village_intent_record(
    *,
    actor,
    village: Village,
    occurred_on: date | None,
    nik: str,
    full_name: str,
    sex: str,
    birth_date: date | None,
    birth_place: str,
    education: str,
    marital_status: str,
    consenter_name: str,
    consent_relation: str,
    consent_given_on: date | None,
    phone: str = "",
    destination_country: str = "",
    hoped_work: str = "",
    details: str = "",
    consent_letter=None,
    client_id=None,
    recorded_at=None,
) -> VillageReport:
    """A village officer records a person of the village who intends to work abroad, with the
    family's consent known to the village head: the person goes on the national registry (or is
    reached again there), the consent is kept (it meets the registration requirement for any
    company or office that later registers them) and the village's intent report is made.

    Idempotent by ``client_id`` like every village entry: a resend returns the first report
    (``report.replayed``) and changes nothing."""
    client_id = parse_client_id(client_id)
    existing = village_report_already_sent(client_id, actor)
    if existing is not None:
        existing.replayed = True
        return existing
    if not may_report_for_village(actor, getattr(village, "pk", None)):
        _refuse("forbidden", _("Only the village's own officers record its reports."))
    errors = _family_consent_problems(
        consenter_name=consenter_name, relation=consent_relation, given_on=consent_given_on, letter=consent_letter
    )
    destination_country = (destination_country or "").strip().upper()
    if destination_country and not Country.objects.filter(pk=destination_country).exists():
        errors["destination_country"] = [_("Choose a country from the list.")]
    if birth_date is None:
        errors["birth_date"] = [_("The birth date is required.")]
    if errors:
        first = next(iter(errors.values()))[0]
        _refuse("invalid_intent", first, fields=errors, invalid_input=True)
    worker = worker_register(
        actor=actor,
        nik=nik,
        full_name=full_name,
        sex=sex,
        birth_date=birth_date,
        birth_place=birth_place,
        village=village,
        education=education,
        marital_status=marital_status,
        next_of_kin_name=consenter_name,
        next_of_kin_relation=ConsentRelation(consent_relation).label,
        phone=phone,
        family_consent_on=consent_given_on,
    )
    report = village_report_create(
        actor=actor,
        village=village,
        kind=VillageReportKind.INTENT,
        occurred_on=occurred_on,
        client_id=client_id,
        recorded_at=recorded_at,
        person_nik=worker.nik,
        person_name=worker.full_name,
        destination_country=destination_country,
        hoped_work=hoped_work,
        details=details,
    )
    if report.replayed:  # the same entry sent twice at once: the first send keeps the consent
        return report
    consent = FamilyConsent(
        worker=worker,
        consenter_name=" ".join(consenter_name.split()),
        relation=consent_relation,
        given_on=consent_given_on,
        village=village,
        village_report=report,
        recorded_by=actor,
    )
    if consent_letter is not None:
        consent.letter.save(
            f"consent-{worker.pk}.{'png' if sniff_upload(consent_letter)[0] == 'image/png' else 'jpg'}",
            consent_letter,
            save=False,
        )
    consent.save()
    return report


@transaction.atomic
def application_create(
    *, actor, worker: Worker, job_order: JobOrder, applied_on: date, recruiter: FieldRecruiter | None = None
) -> Application:
    _require_company(actor, job_order.agency_id)
    if job_order.status != JobOrderStatus.PUBLISHED:
        _refuse("job_order_not_published", _("Applications are taken only for published job orders."))
    if recruiter is not None and recruiter.agency_id not in (None, job_order.agency_id):
        _refuse("recruiter_other_company", _("The recruiter is registered to another company."))
    if not Registration.objects.filter(worker=worker, agency_id=job_order.agency_id).exists():
        message = _(
            "The company has not registered this person: register them for the company, with their consent, "
            "before they apply."
        )
        _refuse("worker_not_registered", message, fields={"worker": [message]})
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
    application.selection_notes, application.decided_on = notes, clock.today()
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
        _refuse("invalid", _("The moratorium could not be declared."), fields=errors, invalid_input=True)
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
        _refuse("invalid", message, fields={"ends_on": [message]}, invalid_input=True)
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
