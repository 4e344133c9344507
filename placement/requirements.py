"""What each stage requires, as lists of translated 'missing' items.

Pure reads: the services call them under a row lock and refuse with the list;
the portal shows the same list as "what is missing for the next stage".
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recruitment.choices import (
    VERIFIED_STATUSES,
    ApplicationStatus,
    JobOrderStatus,
    PermitStatus,
    TrainingKind,
    TrainingResult,
)
from recruitment.models import RecruitmentPermit
from recruitment.selectors import moratorium_applies

from .choices import DocumentKind, Stage, departure_document_kinds, stage_documents
from .models import Placement

ADULT_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def departure_documents(placement: Placement) -> list[str]:
    """Documents that must all be valid on the day of departure (stage 9 and 10)."""
    return departure_document_kinds(language_test=placement.job_order.country.requires_language_test)


def missing_documents(placement: Placement, kinds, on: date) -> list[str]:
    """For each kind, nothing if a document valid on `on` exists with its file, else why not.

    A document recorded without its file (the scan) does not count yet: it is "awaiting file"."""
    by_kind: dict[str, list] = {}
    for document in placement.documents.all():
        by_kind.setdefault(document.kind, []).append(document)
    missing = []
    for kind in kinds:
        documents = by_kind.get(kind, [])
        label = DocumentKind(kind).label
        valid = [document for document in documents if document.is_valid_on(on)]
        if not documents:
            missing.append(_("%(document)s is missing") % {"document": label})
        elif valid and not any(document.file for document in valid):
            missing.append(_("%(document)s (awaiting file)") % {"document": label})
        elif not valid:
            latest = max(documents, key=lambda d: d.expires_on or on)
            if latest.issued_on > on:
                missing.append(_("%(document)s is not yet valid on %(day)s") % {"document": label, "day": _day(on)})
            else:
                missing.append(
                    _("%(document)s expired on %(expiry)s, before %(day)s")
                    % {"document": label, "expiry": _day(latest.expires_on), "day": _day(on)}
                )
    return missing


def job_order_problems(job_order, *, on: date) -> list[str]:
    """Why no placement may be recorded on this job order now (licence, verification, moratorium)."""
    problems = []
    if not job_order.agency.licence_is_active:
        problems.append(
            _("the company's licence is %(status)s") % {"status": job_order.agency.get_licence_status_display().lower()}
        )
    if job_order.status not in VERIFIED_STATUSES:
        problems.append(_("the job order is not verified by the Indonesian mission"))
    if job_order.employer.blacklisted:
        problems.append(_("the employer is blacklisted"))
    if moratorium_applies(job_order.country_id, job_order.sector, on):
        problems.append(
            _("%(country)s is under a moratorium for the %(sector)s sector")
            % {"country": job_order.country.name, "sector": job_order.get_sector_display().lower()}
        )
    return problems


def permit_covers(placement: Placement, on: date) -> bool:
    regency_code = placement.worker.village_id.rsplit(".", 2)[0]
    # Only an issued permit binds: one applied for, refused or revoked covers nobody.
    return RecruitmentPermit.objects.filter(
        job_order_id=placement.job_order_id,
        status=PermitStatus.ISSUED,
        valid_from__lte=on,
        valid_until__gte=on,
        regions__code=regency_code,
    ).exists()


def missing_for(placement: Placement, stage: int, *, on: date | None = None) -> list[str]:
    """Everything that stops `placement` from entering `stage` now. Empty means allowed."""
    today = on or timezone.localdate()
    job_order = placement.job_order
    worker = placement.worker
    missing: list[str] = []
    if stage == Stage.SELECTED:
        application = placement.application
        if application is None or application.status != ApplicationStatus.SELECTED:
            missing.append(_("a selection result: the application is not marked selected"))
        if job_order.status != JobOrderStatus.PUBLISHED:
            missing.append(_("the job order is not published"))
        if not permit_covers(placement, today):
            missing.append(_("a valid recruitment permit (SIP2MI) covering the worker's regency"))
    elif stage == Stage.MEDICAL:
        missing += missing_documents(placement, stage_documents(stage), today)
    elif stage == Stage.TRAINING:
        passed = worker.enrolments.filter(kind=TrainingKind.SKILL, result=TrainingResult.PASSED).exists()
        if not passed:
            missing.append(_("a completed skill training with a competent result"))
        kinds = stage_documents(stage, language_test=job_order.country.requires_language_test)
        missing += missing_documents(placement, kinds, today)
    elif stage == Stage.AGREEMENT:
        if placement.agreement_signed_on is None or placement.agreement_worker_costs is None:
            missing.append(_("the signed placement agreement with the costs borne by the worker"))
        missing += missing_documents(placement, stage_documents(stage), today)
    elif stage == Stage.DOCUMENTS:
        missing += missing_documents(placement, stage_documents(stage), today)
    elif stage == Stage.CONTRACT:
        if placement.contract_signed_on is None or placement.contract_salary is None:
            missing.append(_("the signed employment contract with its salary"))
        elif placement.contract_salary < job_order.salary:
            missing.append(
                _("a contract salary of at least %(salary)s %(currency)s (the job order's)")
                % {"salary": job_order.salary, "currency": job_order.currency}
            )
        missing += missing_documents(placement, stage_documents(stage), today)
    elif stage == Stage.ORIENTATION:
        missing += missing_documents(placement, stage_documents(stage), today)
    elif stage == Stage.READY:
        departure = placement.planned_departure_on
        if departure is None:
            missing.append(_("a planned departure date"))
            missing += missing_documents(placement, stage_documents(stage), today)
        else:
            missing += missing_for_departure(placement, departure)
    return missing


def missing_for_departure(placement: Placement, departure: date) -> list[str]:
    """Stage-9 facts that must hold on the departure date itself."""
    missing = []
    if age_on(placement.worker.birth_date, departure) < ADULT_AGE:
        missing.append(_("the worker will be under 18 on %(day)s") % {"day": _day(departure)})
    missing += missing_documents(placement, departure_documents(placement), departure)
    return missing
