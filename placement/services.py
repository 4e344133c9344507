"""Every write to a placement. Each locks the row, checks, saves, and appends an event."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from core import clock
from core.encrypted_columns import document_number_columns
from core.errors import DomainError, InvalidInput
from core.events import record_event
from core.files import sniff_upload
from core.permissions import (
    is_mission_officer,
    is_official,
    may_act_for_company,
    may_record_arrival,
    may_record_placement_step,
    may_verify_documents,
)
from recruitment.choices import ApplicationStatus
from recruitment.models import Application, JobOrder, Worker

from .choices import ACTIVE_STAGES, ADVANCEABLE_STAGES, DocumentKind, EventKind, ReturnReason, Stage
from .models import Document, EmbarkationPoint, Fee, Placement, PlacementEvent
from .requirements import ADULT_AGE, age_on, job_order_problems, missing_for, missing_for_departure


def _refuse(code: str, message: str, missing: list[str] | None = None):
    raise DomainError(code, message, missing=missing or [])


def _invalid(code: str, field: str, message: str):
    """Malformed input (the API's 400), on the field it concerns."""
    raise InvalidInput(code, message, fields={field: [message]})


def _listing(items: list[str]) -> str:
    return "; ".join(items)


def _event(placement: Placement, *, actor, kind: str, from_stage=None, to_stage=None, reason="", **data):
    # Every change of a placement passes here: re-check its red-flag rules once the change commits.
    subjects = {
        "placement": placement.pk,
        "worker": placement.worker_id,
        "job_order": placement.job_order_id,
        "agency": placement.agency_id,
        "employer": placement.job_order.employer_id,
    }
    return record_event(
        PlacementEvent,
        recheck=subjects,
        placement=placement,
        actor=actor,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        data=data,
    )


def _locked(placement_id: int, *, actor) -> Placement:
    """The placement, locked for this transaction, once the actor is known to be allowed to record on it."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("worker", "job_order__country", "job_order__agency", "application")
        .get(pk=placement_id)
    )
    if not may_record_placement_step(actor, placement.agency_id):
        _refuse("forbidden", _("Only the placement's company or an official may record this."))
    return placement


def _touch(placement: Placement, *fields: str) -> None:
    placement.version = F("version") + 1
    placement.save(update_fields=[*fields, "version", "updated_at"])
    placement.refresh_from_db(fields=["version"])


@transaction.atomic
def placement_create(*, actor, application: Application) -> Placement:
    """Register a placement for an application (stage 1), refusing what the rules forbid."""
    # Lock the job order (quota) and the worker (one active placement) for the check-then-insert.
    job_order = (
        JobOrder.objects.select_for_update(of=("self",))
        .select_related("agency", "country", "employer")
        .get(pk=application.job_order_id)
    )
    if not may_act_for_company(actor, job_order.agency_id):
        _refuse("forbidden", _("Only the company's own staff or the ministry may do this for the company."))
    worker = Worker.objects.select_for_update().get(pk=application.worker_id)
    today = clock.today()
    problems = job_order_problems(job_order, on=today)
    if problems:
        _refuse(
            "job_order_not_placeable",
            _("No placement can be recorded: %(why)s.") % {"why": _listing(problems)},
            problems,
        )
    if application.status in (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
        _refuse("application_closed", _("The application was not selected or was withdrawn."))
    if age_on(worker.birth_date, today) < ADULT_AGE:
        _refuse("worker_underage", _("The worker is under 18."))
    if worker.family_consent_on is None:
        _refuse("family_consent_missing", _("The family consent acknowledged by the village head is missing."))
    if Placement.objects.filter(application=application).exists():
        _refuse(
            "application_already_placed",
            _("This application already had a placement; record a new application to register the worker again."),
        )
    if Placement.objects.filter(worker=worker, stage__in=ACTIVE_STAGES).exists():
        _refuse("worker_already_placed", _("This worker is already in another active placement."))
    used = job_order.placements.exclude(stage=Stage.CANCELLED).count()
    if used >= job_order.quota:
        _refuse("quota_full", _("The job order's quota of %(quota)s positions is full.") % {"quota": job_order.quota})
    quota_for_sex = job_order.quota_female if worker.sex == "F" else job_order.quota_male
    if quota_for_sex is not None:
        used_for_sex = job_order.placements.exclude(stage=Stage.CANCELLED).filter(worker_sex=worker.sex).count()
        if used_for_sex >= quota_for_sex:
            _refuse("quota_full", _("The job order's positions for this sex are full."))
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                **Placement.columns_of(worker, job_order),
                application=application,
                stage=Stage.REGISTERED,
                stage_changed_at=clock.now(),
            )
    except IntegrityError:  # the database's own guard (unique active placement, one per application)
        _refuse("worker_already_placed", _("This worker is already in another active placement."))
    _event(placement, actor=actor, kind=EventKind.CREATED, to_stage=Stage.REGISTERED)
    return placement


@transaction.atomic
def placement_advance(*, actor, placement_id: int, to_stage: int, reason: str = "") -> Placement:
    """Move a placement to the next stage (2 to 9), naming everything still missing if refused."""
    placement = _locked(placement_id, actor=actor)
    if to_stage not in ADVANCEABLE_STAGES:
        _invalid(
            "stage_not_advanceable", "to_stage", _("This stage is reached through its own action, not by advancing.")
        )
    if placement.stage != to_stage - 1:
        _refuse(
            "stage_out_of_order",
            _("The placement is at stage “%(current)s”; only the next stage can be reached.")
            % {"current": placement.get_stage_display()},
        )
    missing = missing_for(placement, to_stage)
    if missing:
        _refuse(
            "stage_requirements_missing",
            _("Cannot move to “%(stage)s”. Missing: %(missing)s.")
            % {"stage": Stage(to_stage).label, "missing": _listing(missing)},
            missing,
        )
    from_stage = placement.stage
    placement.stage = to_stage
    placement.stage_changed_at = clock.now()
    _touch(placement, "stage", "stage_changed_at")
    _event(placement, actor=actor, kind=EventKind.ADVANCED, from_stage=from_stage, to_stage=to_stage, reason=reason)
    return placement


def placement_advance_furthest(*, actor, placement_id: int) -> tuple[Placement, list[str]]:
    """Advance stage by stage for as long as the requirements allow, each stage through
    :func:`placement_advance` (its own checks, its own ADVANCED event). Returns the placement and
    what the next stage still misses (empty when no further stage is reached by advancing)."""
    with transaction.atomic():
        placement = _locked(placement_id, actor=actor)
        while (next_stage := placement.stage + 1) in ADVANCEABLE_STAGES:
            missing = missing_for(placement, next_stage)
            if missing:
                return placement, missing
            placement = placement_advance(actor=actor, placement_id=placement.pk, to_stage=next_stage)
        return placement, []


def _require_before_departure(placement: Placement) -> None:
    if placement.stage >= Stage.DEPARTED:
        _refuse(
            "placement_closed",
            _("The placement can no longer change this: it has departed, returned or been cancelled."),
        )


@transaction.atomic
def placement_record_agreement(*, actor, placement_id: int, signed_on: date, worker_costs: Decimal) -> Placement:
    placement = _locked(placement_id, actor=actor)
    _require_before_departure(placement)
    if worker_costs < 0:
        _invalid("invalid_amount", "worker_costs", _("Costs cannot be negative."))
    if placement.job_order.occupation.zero_cost and worker_costs > 0:
        _refuse(
            "zero_cost_occupation",
            _("%(occupation)s is a zero-cost occupation: the worker may not be charged.")
            % {"occupation": placement.job_order.occupation.name},
        )
    placement.agreement_signed_on, placement.agreement_worker_costs = signed_on, worker_costs
    _touch(placement, "agreement_signed_on", "agreement_worker_costs")
    _event(
        placement,
        actor=actor,
        kind=EventKind.FACTS_RECORDED,
        signed_on=signed_on.isoformat(),
        worker_costs=str(worker_costs),
    )
    return placement


@transaction.atomic
def placement_record_contract(*, actor, placement_id: int, signed_on: date, salary: Decimal) -> Placement:
    placement = _locked(placement_id, actor=actor)
    _require_before_departure(placement)
    if salary < placement.job_order.salary:
        _refuse(
            "salary_below_order",
            _("The contract salary is below the job order's %(salary)s %(currency)s.")
            % {"salary": placement.job_order.salary, "currency": placement.job_order.currency},
        )
    placement.contract_signed_on, placement.contract_salary = signed_on, salary
    _touch(placement, "contract_signed_on", "contract_salary")
    _event(
        placement,
        actor=actor,
        kind=EventKind.FACTS_RECORDED,
        contract_signed_on=signed_on.isoformat(),
        salary=str(salary),
    )
    return placement


@transaction.atomic
def placement_plan_departure(*, actor, placement_id: int, planned_on: date) -> Placement:
    placement = _locked(placement_id, actor=actor)
    _require_before_departure(placement)
    if age_on(placement.worker.birth_date, planned_on) < ADULT_AGE:
        _refuse("worker_underage", _("The worker will be under 18 on the planned departure date."))
    placement.planned_departure_on = planned_on
    _touch(placement, "planned_departure_on")
    _event(placement, actor=actor, kind=EventKind.FACTS_RECORDED, planned_departure_on=planned_on.isoformat())
    return placement


def _document_input(*, kind: str, number: str, issued_on: date, expires_on: date | None, file) -> tuple:
    """The document's number as stored and its file's (content type, size), or InvalidInput naming
    the field at fault (what is wrong whatever the placement's state)."""
    if kind not in DocumentKind.values:
        _invalid("document_kind", "kind", _("Choose a document kind from the list."))
    if expires_on is not None and expires_on <= issued_on:
        _invalid("document_dates", "expires_on", _("A document must expire after it was issued."))
    number = (number or "").strip()
    number = number.upper() if kind == DocumentKind.PASSPORT else number
    if not number:
        _invalid("document_number_missing", "number", _("The document number is required."))
    content_type, size = sniff_upload(file) if file else ("", None)
    return number, content_type, size


def _require_open(placement: Placement) -> None:
    if placement.stage in (Stage.RETURNED, Stage.CANCELLED):
        _refuse("placement_closed", _("The placement is closed; no documents can be added."))


def _document_create(placement: Placement, *, actor, kind, number, issued_on, issuer, expires_on, file, checked):
    number, content_type, size = checked
    document = Document.objects.create(
        placement=placement,
        kind=kind,
        number=number,
        **document_number_columns(number),
        issued_on=issued_on,
        expires_on=expires_on,
        issuer=issuer,
        file=file or "",
        content_type=content_type,
        size=size,
        uploaded_by=actor,
    )
    _touch(placement)
    _event(placement, actor=actor, kind=EventKind.DOCUMENT_ADDED, document_id=document.pk, document_kind=kind)
    return document


@transaction.atomic
def document_add(
    *,
    actor,
    placement_id: int,
    kind: str,
    number: str,
    issued_on: date,
    issuer: str,
    expires_on: date | None = None,
    file: UploadedFile | None = None,
) -> Document:
    """Record a document, with its scan or awaiting it (a requirement counts it once the file is there)."""
    placement = _locked(placement_id, actor=actor)
    _require_open(placement)
    checked = _document_input(kind=kind, number=number, issued_on=issued_on, expires_on=expires_on, file=file)
    return _document_create(
        placement, actor=actor, kind=kind, number=number, issued_on=issued_on, issuer=issuer,
        expires_on=expires_on, file=file, checked=checked,
    )  # fmt: skip


CHECKED_FIELDS = ("kind", "number", "issued_on", "expires_on", "file")


@transaction.atomic
def document_add_many(*, actor, placement_id: int, documents: list[dict]) -> list[Document]:
    """Record several documents at once, all or none: one that is wrong refuses the whole batch,
    naming each fault as ``documents.<index>.<field>``. Each document is its own event."""
    placement = _locked(placement_id, actor=actor)
    _require_open(placement)
    if not documents:
        _invalid("documents_missing", "documents", _("Send at least one document."))
    errors, checked = {}, []
    for index, item in enumerate(documents):
        item = {"expires_on": None, "file": None, **item}
        try:
            checked.append(_document_input(**{name: item[name] for name in CHECKED_FIELDS}))
        except DomainError as error:
            for field, messages in (error.fields or {"non_field_errors": [error.message]}).items():
                errors[f"documents.{index}.{field}"] = messages
    if errors:
        raise InvalidInput(
            "documents_invalid", _("No document was recorded: correct the documents named."), fields=errors
        )
    return [
        _document_create(placement, actor=actor, checked=check, **{"expires_on": None, "file": None, **item})
        for item, check in zip(documents, checked, strict=True)
    ]


@transaction.atomic
def document_verify(*, actor, document_id: int) -> Document:
    """An official checked the document against its scan. A record still awaiting its file cannot be."""
    if not may_verify_documents(actor):
        _refuse("forbidden", _("Only an official verifies a placement's documents."))
    document = Document.objects.select_for_update().get(pk=document_id)
    placement = _locked(document.placement_id, actor=actor)
    if document.verified_at is not None:
        _refuse("document_already_verified", _("This document is already verified."))
    if not document.file:
        _refuse("document_awaiting_file", _("The document's file has not been uploaded yet: it cannot be verified."))
    document.verified_by, document.verified_at = actor, clock.now()
    document.save(update_fields=["verified_by", "verified_at"])
    _touch(placement)
    _event(
        placement, actor=actor, kind=EventKind.DOCUMENT_VERIFIED, document_id=document.pk, document_kind=document.kind
    )
    return document


def _fee_total(placement: Placement) -> Decimal:
    """What the worker bears so far, as EXCESSIVE_FEES counts it: the agreement's costs and every fee paid."""
    paid = placement.fees.aggregate(total=Sum("amount_idr"))["total"] or Decimal(0)
    return (placement.agreement_worker_costs or Decimal(0)) + paid


@transaction.atomic
def fee_record(
    *,
    actor,
    placement_id: int,
    amount_idr: Decimal,
    description: str,
    paid_on: date,
    paid_to: str = "",
    source: str = "",
) -> Fee:
    """Record money the worker paid.

    The company records what it charged, and is refused a charge the rules forbid (any fee on a
    zero-cost occupation, fees above the destination country's cap). An official records a fee
    they found (``source``: e.g. a complaint): that is evidence, never refused for being illegal;
    the red-flag rules (ZERO_COST_CHARGED, EXCESSIVE_FEES) take it up when the write commits.
    """
    placement = _locked(placement_id, actor=actor)
    finding = is_official(actor)
    description, paid_to, source = description.strip(), paid_to.strip(), source.strip()
    if amount_idr is None or amount_idr <= 0:
        _invalid("invalid_amount", "amount_idr", _("The amount must be positive."))
    if not description:
        _invalid("description_missing", "description", _("Say what the fee was for."))
    if paid_on > clock.today():
        _invalid("date_in_future", "paid_on", _("The payment date cannot be in the future."))
    if not finding:
        occupation = placement.job_order.occupation
        country = placement.job_order.country
        if occupation.zero_cost:
            message = _("%(occupation)s is a zero-cost occupation: the worker may not be charged any fee.") % {
                "occupation": occupation.name
            }
            raise DomainError("zero_cost_occupation", message, fields={"amount_idr": [message]})
        cap = country.worker_cost_cap_idr
        if cap is not None and _fee_total(placement) + amount_idr > cap:
            message = _("The worker would bear Rp %(total)s in all, above the cap of Rp %(cap)s for %(country)s.") % {
                "total": intcomma(_fee_total(placement) + amount_idr),
                "cap": intcomma(cap),
                "country": country.name,
            }
            raise DomainError("fees_above_cap", message, fields={"amount_idr": [message]})
    fee = Fee.objects.create(
        placement=placement,
        amount_idr=amount_idr,
        description=description,
        paid_on=paid_on,
        paid_to=paid_to,
        recorded_by=actor,
    )
    _touch(placement)
    data = {"fee_id": fee.pk, "amount_idr": str(amount_idr), "paid_on": paid_on.isoformat()}
    if finding:
        data["finding"] = True
        data["source"] = source
    _event(placement, actor=actor, kind=EventKind.FEE_RECORDED, reason=source, **data)
    return fee


@transaction.atomic
def placement_depart(
    *, actor, placement_id: int, departed_on: date, embarkation_point: EmbarkationPoint, flight: str
) -> Placement:
    placement = _locked(placement_id, actor=actor)
    if placement.stage != Stage.READY:
        _refuse("stage_out_of_order", _("Only a placement that is ready (E-PMI issued) can depart."))
    today, backdate = clock.today(), settings.DEPARTURE_BACKDATE_DAYS
    if departed_on > today:
        _invalid("date_in_future", "departed_on", _("The departure cannot be dated in the future."))
    if departed_on < today - timedelta(days=backdate):
        _invalid(
            "date_too_old",
            "departed_on",
            _("A departure can be recorded at most %(days)s days after it happened.") % {"days": backdate},
        )
    problems = job_order_problems(placement.job_order, on=departed_on)
    if not embarkation_point.official:
        problems.append(_("%(point)s is not an official embarkation point") % {"point": embarkation_point.name})
    if not flight.strip():
        problems.append(_("the flight or crossing"))
    problems += missing_for_departure(placement, departed_on)
    if problems:
        _refuse(
            "departure_refused", _("Departure cannot be recorded: %(why)s.") % {"why": _listing(problems)}, problems
        )
    placement.stage, placement.stage_changed_at = Stage.DEPARTED, clock.now()
    placement.departed_on, placement.embarkation_point, placement.flight = (
        departed_on,
        embarkation_point,
        flight.strip(),
    )
    _touch(placement, "stage", "stage_changed_at", "departed_on", "embarkation_point", "flight")
    _event(
        placement, actor=actor, kind=EventKind.DEPARTED, from_stage=Stage.READY, to_stage=Stage.DEPARTED,
        departed_on=departed_on.isoformat(), embarkation_point=embarkation_point.code, flight=flight.strip(),
    )  # fmt: skip
    return placement


@transaction.atomic
def _locked_abroad(placement_id: int, *, actor) -> Placement:
    """The placement, locked, once the actor may record its arrival: its company, an official, or
    the mission answering for its destination country."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("worker", "job_order__country", "job_order__agency", "application")
        .get(pk=placement_id)
    )
    if not may_record_arrival(actor, placement.agency_id, placement.job_order.country_id):
        _refuse(
            "forbidden",
            _("Only the placement's company, an official or the mission in %(country)s may record this.")
            % {"country": placement.job_order.country.name},
        )
    return placement


def _confirm_arrival(placement: Placement, *, actor) -> None:
    placement.arrival_confirmed_at, placement.arrival_confirmed_by = clock.now(), actor
    _touch(placement, "arrival_confirmed_at", "arrival_confirmed_by")
    _event(placement, actor=actor, kind=EventKind.ARRIVAL_CONFIRMED, arrived_on=placement.arrived_on.isoformat())


@transaction.atomic
def placement_arrive(*, actor, placement_id: int, arrived_on: date, reported_on: date) -> Placement:
    """The worker arrived and reported to the mission (lapor diri). Recorded by the mission itself,
    the arrival is confirmed at once; recorded by the company or an official, the mission confirms it."""
    placement = _locked_abroad(placement_id, actor=actor)
    if placement.stage != Stage.DEPARTED:
        _refuse("stage_out_of_order", _("Only a departed placement can arrive."))
    today = clock.today()
    if arrived_on > today:
        _invalid("date_in_future", "arrived_on", _("The arrival cannot be dated in the future."))
    if reported_on > today:
        _invalid("date_in_future", "reported_on", _("The arrival report cannot be dated in the future."))
    if arrived_on < placement.departed_on or reported_on < arrived_on:
        _refuse("dates_out_of_order", _("Arrival must follow departure, and the report must follow arrival."))
    placement.stage, placement.stage_changed_at = Stage.WORKING, clock.now()
    placement.arrived_on, placement.arrival_reported_on = arrived_on, reported_on
    _touch(placement, "stage", "stage_changed_at", "arrived_on", "arrival_reported_on")
    _event(
        placement, actor=actor, kind=EventKind.ARRIVED, from_stage=Stage.DEPARTED, to_stage=Stage.WORKING,
        arrived_on=arrived_on.isoformat(), reported_on=reported_on.isoformat(),
    )  # fmt: skip
    if is_mission_officer(actor):
        _confirm_arrival(placement, actor=actor)
    return placement


@transaction.atomic
def placement_confirm_arrival(*, actor, placement_id: int) -> Placement:
    """The mission of the destination country confirms an arrival the company or an official recorded."""
    placement = _locked_abroad(placement_id, actor=actor)
    if not is_mission_officer(actor):
        _refuse("forbidden", _("Only the mission in the destination country confirms an arrival."))
    if placement.stage != Stage.WORKING or placement.arrived_on is None:
        _refuse("stage_out_of_order", _("Only an arrival that has been recorded can be confirmed."))
    if placement.arrival_confirmed_at is not None:
        _refuse("arrival_already_confirmed", _("The mission has already confirmed this arrival."))
    _confirm_arrival(placement, actor=actor)
    return placement


@transaction.atomic
def placement_return(*, actor, placement_id: int, returned_on: date, reason: str, details: str = "") -> Placement:
    placement = _locked(placement_id, actor=actor)
    if placement.stage not in (Stage.DEPARTED, Stage.WORKING):
        _refuse("stage_out_of_order", _("Only a placement abroad can return."))
    if reason not in ReturnReason.values:
        _invalid("invalid_reason", "reason", _("Choose a reason for the return."))
    if returned_on > clock.today():
        _invalid("date_in_future", "returned_on", _("The return cannot be dated in the future."))
    if returned_on < placement.departed_on:
        _refuse("dates_out_of_order", _("The return cannot be before the departure."))
    if placement.arrived_on and returned_on < placement.arrived_on:
        _refuse("dates_out_of_order", _("The return cannot be before the arrival."))
    from_stage = placement.stage
    placement.stage, placement.stage_changed_at = Stage.RETURNED, clock.now()
    placement.returned_on, placement.return_reason = returned_on, reason
    _touch(placement, "stage", "stage_changed_at", "returned_on", "return_reason")
    _event(
        placement, actor=actor, kind=EventKind.RETURNED, from_stage=from_stage, to_stage=Stage.RETURNED,
        reason=details, returned_on=returned_on.isoformat(), return_reason=reason,
    )  # fmt: skip
    return placement


@transaction.atomic
def placement_cancel(*, actor, placement_id: int, reason: str) -> Placement:
    placement = _locked(placement_id, actor=actor)
    if not reason.strip():
        _invalid("reason_required", "reason", _("A reason is required to cancel a placement."))
    _require_before_departure(placement)
    from_stage = placement.stage
    placement.stage, placement.stage_changed_at, placement.cancellation_reason = Stage.CANCELLED, clock.now(), reason
    _touch(placement, "stage", "stage_changed_at", "cancellation_reason")
    _event(
        placement, actor=actor, kind=EventKind.CANCELLED, from_stage=from_stage, to_stage=Stage.CANCELLED, reason=reason
    )
    return placement
