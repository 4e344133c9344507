"""Writes for village officers' records.

Village officers often write on a phone without signal and send later, so every write here is
safe to repeat: a report made with a ``client_id`` (made on the phone) is created once whatever
the number of resends, and an edit names the version it was made on, so an edit made on a stale
copy is refused as a conflict with the current version instead of silently overwriting it.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import clock
from core.crypto import keyed_hash
from core.errors import DomainError, InvalidInput
from core.events import record_event
from core.permissions import may_close_village_reports, may_report_for_village
from core.personal_data import mask_number
from core.recheck import request_recheck

from .models import (
    PERSON_EVENT_KINDS,
    ReturnNeed,
    Village,
    VillageReport,
    VillageReportEvent,
    VillageReportEventKind,
    VillageReportKind,
    VillageReportStatus,
)
from .nik import parse_nik

# Two officers' reports of the same person's movement this many days apart are one event.
SAME_EVENT_DAYS = 7
MAX_BROKER_PHONES = 5

# What an officer may change on a report after recording it (the kind and the village stay).
EDITABLE_FIELDS = (
    "occurred_on",
    "person_nik",
    "person_name",
    "details",
    "destination_country",
    "hoped_work",
    "needs",
    "contact_name",
    "contact_phone",
    "broker_name",
    "broker_nickname",
    "broker_phones",
    "broker_vehicle",
    "seen_at_place",
    "approached",
    "claimed_company",
)


def normalise_phone(raw: str) -> str:
    """An Indonesian phone number as the rules compare it: digits only, national form (08...)."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def _clean_phones(phones) -> list[str]:
    """The broker's numbers, normalised and without repeats; a clear error for one that cannot be."""
    cleaned: list[str] = []
    for raw in phones or []:
        if not (raw or "").strip():
            continue
        phone = normalise_phone(raw)
        if not 8 <= len(phone) <= 15:
            message = _("“%(phone)s” is not a phone number (8 to 15 digits).") % {"phone": raw.strip()[:30]}
            raise InvalidInput("invalid_phone", message, fields={"broker_phones": [message]})
        if phone not in cleaned:
            cleaned.append(phone)
    if len(cleaned) > MAX_BROKER_PHONES:
        message = _("At most %(count)s phone numbers.") % {"count": MAX_BROKER_PHONES}
        raise InvalidInput("too_many_phones", message, fields={"broker_phones": [message]})
    return cleaned


def _clean(kind: str, values: dict) -> dict:
    """The report's facts checked and tidied, or InvalidInput naming the field at fault."""
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    occurred_on = values.get("occurred_on")
    if occurred_on is None:
        message = _("The date is required.")
        raise InvalidInput("date_missing", message, fields={"occurred_on": [message]})
    if occurred_on > clock.today():
        message = _("The date cannot be in the future.")
        raise InvalidInput("date_in_future", message, fields={"occurred_on": [message]})
    nik = values.get("person_nik", "")
    if nik:
        try:
            parse_nik(nik)
        except DomainError as error:
            raise InvalidInput(error.code, error.message, fields={"person_nik": [error.message]}) from error
    if kind != VillageReportKind.SUSPECTED_RECRUITER and not (nik or values.get("person_name")):
        message = _("Give the person's NIK or name.")
        raise InvalidInput("person_missing", message, fields={"person_name": [message]})
    needs = list(dict.fromkeys(values.get("needs") or []))
    unknown = [need for need in needs if need not in ReturnNeed.values]
    if unknown:
        message = _("Choose the needs from the list.")
        raise InvalidInput("invalid_need", message, fields={"needs": [message]})
    values["needs"] = needs
    values["broker_phones"] = _clean_phones(values.get("broker_phones"))
    described = ("broker_name", "broker_nickname", "broker_phones", "broker_vehicle", "seen_at_place", "details")
    if kind == VillageReportKind.SUSPECTED_RECRUITER and not any(values.get(name) for name in described):
        message = _("Describe the broker: a name, nickname, phone number, vehicle or what happened.")
        raise InvalidInput("broker_unnamed", message, fields={"broker_name": [message]})
    return values


def _first_report_of_same_event(report: VillageReport) -> VillageReport | None:
    """An earlier report by another officer of the same person's same movement, if any."""
    if report.kind not in PERSON_EVENT_KINDS:
        return None
    if report.person_nik_hash:
        person = Q(person_nik_hash=report.person_nik_hash)
    else:
        person = Q(village=report.village, person_nik_hash="", person_name__iexact=report.person_name)
    return (
        VillageReport.objects.filter(person, kind=report.kind, same_event_as__isnull=True)
        .filter(
            occurred_on__gte=report.occurred_on - timedelta(days=SAME_EVENT_DAYS),
            occurred_on__lte=report.occurred_on + timedelta(days=SAME_EVENT_DAYS),
        )
        .exclude(pk=report.pk)
        .exclude(reported_by=report.reported_by)
        .order_by("created_at", "id")
        .first()
    )


def village_report_already_sent(client_id, actor) -> VillageReport | None:
    """The report an earlier send of this entry created (None if this is its first arrival)."""
    if client_id is None:
        return None
    report = VillageReport.objects.filter(client_id=client_id).first()
    if report is not None and report.reported_by_id != actor.pk:
        # Another officer's entry id: never reveal or touch their report.
        raise InvalidInput("client_id_taken", _("This entry id is already used. Make a new entry."))
    return report


def parse_client_id(client_id) -> uuid.UUID | None:
    if client_id in (None, ""):
        return None
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError as error:
        raise InvalidInput("invalid_client_id", _("The entry id is not valid.")) from error


@transaction.atomic
def village_report_create(
    *,
    actor,
    village: Village,
    kind: str,
    occurred_on: date | None,
    client_id: uuid.UUID | str | None = None,
    recorded_at: datetime | None = None,
    **facts,
) -> VillageReport:
    """Record what the village saw. Sent again with the same ``client_id``, it returns the report
    the first send made (``report.replayed`` is True) and changes nothing. A departure, return or
    death another officer already reported becomes a second source of that report, not a second
    event. ``facts`` are the kind's fields (``person_nik``, ``broker_phones``...; see
    ``EDITABLE_FIELDS``)."""
    unknown = set(facts) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    client_id = parse_client_id(client_id)
    existing = village_report_already_sent(client_id, actor)
    if existing is not None:
        existing.replayed = True
        return existing
    if not may_report_for_village(actor, getattr(village, "pk", None)):
        raise DomainError("forbidden", _("Only the village's own officers record its reports."))
    if kind not in VillageReportKind.values:
        raise InvalidInput(
            "invalid_kind", _("Choose what is being reported."), fields={"kind": [_("Choose what is being reported.")]}
        )
    values = _clean(kind, {"occurred_on": occurred_on, **facts})
    now = clock.now()
    if recorded_at is not None and recorded_at > now + timedelta(minutes=5):
        recorded_at = now  # a phone clock ahead of ours: the arrival time is the better truth
    report = VillageReport(
        village=village,
        kind=kind,
        client_id=client_id,
        recorded_at=recorded_at or now,
        reported_by=actor,
        **values,
        person_nik_hash=keyed_hash(values.get("person_nik", "")),
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # The same entry arriving twice at once (a retry racing the first send).
        existing = village_report_already_sent(client_id, actor)
        if existing is None:
            raise
        existing.replayed = True
        return existing
    record_event(VillageReportEvent, report=report, kind=VillageReportEventKind.RECORDED, actor=actor)
    first = _first_report_of_same_event(report)
    if first is not None:
        report.same_event_as = first
        report.save(update_fields=["same_event_as"])
        record_event(
            VillageReportEvent,
            report=first,
            kind=VillageReportEventKind.SECOND_SOURCE,
            actor=actor,
            data={"report": report.pk, "village": village.pk},
        )
    report.replayed = False
    request_recheck(village_report=[report.pk, *([first.pk] if first else [])])
    return report


def report_snapshot(report: VillageReport) -> dict:
    """The editable facts of a report as JSON-ready values (what a conflict shows the officer); the
    NIK masked, as everywhere a village officer reads it."""
    snapshot = {"id": report.pk, "version": report.version}
    for name in EDITABLE_FIELDS:
        value = getattr(report, name)
        snapshot[name] = value.isoformat() if isinstance(value, date) else value
    snapshot["person_nik"] = mask_number(report.person_nik)
    snapshot["updated_at"] = report.updated_at.isoformat() if report.updated_at else None
    return snapshot


def _event_value(name: str, value):
    """A changed fact as the timeline keeps it: the NIK masked (the event table is not encrypted)."""
    if name == "person_nik":
        return mask_number(value)
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def village_report_update(*, actor, report_id: int, base_version: int, **changes) -> VillageReport:
    """Change a report's facts, made on the copy of ``base_version``. When someone changed it
    since, nothing is written and the refusal (code ``edit_conflict``) carries the current
    version, so the officer sees both and chooses: send again on the current version, or drop."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    report = VillageReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or not may_report_for_village(actor, report.village_id):
        raise DomainError("not_found", _("No such report in your village."))
    if report.status == VillageReportStatus.CLOSED:
        raise DomainError("report_closed", _("The officials closed this report; it can no longer be changed."))
    if base_version != report.version:
        raise DomainError(
            "edit_conflict",
            _(
                "Someone changed this report after your copy was made. Compare the two versions and choose "
                "which to keep."
            ),
            extra={"current": report_snapshot(report)},
        )
    current = {name: getattr(report, name) for name in EDITABLE_FIELDS}
    values = _clean(report.kind, {**current, **changes})
    changed = {name: value for name, value in values.items() if current[name] != value}
    if not changed:
        return report
    for name, value in changed.items():
        setattr(report, name, value)
    hashed = []
    if "person_nik" in changed:
        report.person_nik_hash = keyed_hash(report.person_nik)
        hashed = ["person_nik_hash"]
    report.version += 1
    report.save(update_fields=[*changed, *hashed, "version", "updated_at"])
    record_event(
        VillageReportEvent,
        report=report,
        kind=VillageReportEventKind.EDITED,
        actor=actor,
        data={
            "version": report.version,
            "fields": {
                name: [_event_value(name, current[name]), _event_value(name, value)] for name, value in changed.items()
            },
        },
    )
    request_recheck(village_report=report.pk)
    return report


@transaction.atomic
def village_report_close(*, actor, report_id: int, note: str) -> VillageReport:
    """An official closes a report that has been dealt with, saying how."""
    report = VillageReport.objects.visible_to(actor).select_for_update().filter(pk=report_id).first()
    if report is None:
        raise DomainError("not_found", _("No such report in your jurisdiction."))
    if not may_close_village_reports(actor):
        raise DomainError("forbidden", _("Only officials close village reports."))
    note = (note or "").strip()
    if not note:
        message = _("Say how the report was dealt with.")
        raise InvalidInput("note_missing", message, fields={"note": [message]})
    if report.status == VillageReportStatus.CLOSED:
        raise DomainError("report_closed", _("The report is already closed."))
    report.status, report.closing_note = VillageReportStatus.CLOSED, note
    report.save(update_fields=["status", "closing_note", "updated_at"])
    record_event(VillageReportEvent, report=report, kind=VillageReportEventKind.CLOSED, actor=actor, reason=note)
    request_recheck(village_report=report.pk)  # a closed report no longer raises its flag
    return report


@transaction.atomic
def village_report_reopen(*, actor, report_id: int, reason: str) -> VillageReport:
    """An official reopens a closed report (new facts came in), saying why."""
    report = VillageReport.objects.visible_to(actor).select_for_update().filter(pk=report_id).first()
    if report is None:
        raise DomainError("not_found", _("No such report in your jurisdiction."))
    if not may_close_village_reports(actor):
        raise DomainError("forbidden", _("Only officials reopen village reports."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the report is reopened.")
        raise InvalidInput("reason_missing", message, fields={"reason": [message]})
    if report.status != VillageReportStatus.CLOSED:
        raise DomainError("report_open", _("The report is open."))
    report.status = VillageReportStatus.OPEN
    report.save(update_fields=["status", "updated_at"])
    record_event(VillageReportEvent, report=report, kind=VillageReportEventKind.REOPENED, actor=actor, reason=reason)
    request_recheck(village_report=report.pk)
    return report
