"""Writes for placement companies: licences and sanctions."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.services import audit_record
from core.errors import DomainError, InvalidInput
from core.events import record_event, record_events
from core.permissions import may_maintain_reference_data, may_sanction

from .choices import LicenceEventKind, LicenceStatus, SanctionKind
from .models import Agency, Employer, LicenceEvent, Sanction

EVENT_OF_SANCTION = {
    SanctionKind.WARNING: LicenceEventKind.WARNED,
    SanctionKind.SUSPENSION: LicenceEventKind.SUSPENDED,
    SanctionKind.REVOCATION: LicenceEventKind.REVOKED,
}


def _require_licence_authority(actor) -> None:
    """The ministry accredits companies: only it sanctions them or reinstates a licence."""
    if not may_sanction(actor):
        raise DomainError("forbidden", _("Only the ministry can sanction a company or reinstate its licence."))


@transaction.atomic
def agency_sanction(
    *, actor, agency_id: int, kind: str, reason: str, starts_on: date, ends_on: date | None = None
) -> Sanction:
    """Impose a sanction; suspension and revocation change the licence status with it."""
    _require_licence_authority(actor)
    if not reason.strip():
        raise InvalidInput(
            "reason_required", _("A reason is required."), fields={"reason": [_("A reason is required.")]}
        )
    agency = Agency.objects.select_for_update().get(pk=agency_id)
    if agency.licence_status == LicenceStatus.REVOKED:
        raise DomainError("licence_revoked", _("The licence is already revoked."))
    sanction = Sanction(
        agency=agency, kind=kind, reason=reason.strip(), starts_on=starts_on, ends_on=ends_on, imposed_by=actor
    )
    sanction.full_clean()
    sanction.save()
    new_status = {SanctionKind.SUSPENSION: LicenceStatus.SUSPENDED, SanctionKind.REVOCATION: LicenceStatus.REVOKED}
    from_status = agency.licence_status
    if kind in new_status:
        agency.licence_status = new_status[kind]
        agency.save(update_fields=["licence_status", "updated_at"])
    record_event(
        LicenceEvent,
        # A licence that changed re-checks the company's rules; a warning changes nothing they read.
        recheck={"agency": agency.pk} if kind in new_status else None,
        agency=agency,
        actor=actor,
        kind=EVENT_OF_SANCTION.get(kind, LicenceEventKind.SANCTIONED),
        from_status=from_status,
        to_status=agency.licence_status,
        reason=sanction.reason,
        sanction=sanction,
        data={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None},
    )
    return sanction


def agency_expire_licences(*, today: date | None = None) -> int:
    """Flip active licences past their expiry date to expired; safe to rerun."""
    today = today or timezone.localdate()
    with transaction.atomic():
        expired = list(
            Agency.objects.select_for_update()
            .filter(licence_status=LicenceStatus.ACTIVE, licence_expires_on__lt=today)
            .values_list("pk", flat=True)
        )
        Agency.objects.filter(pk__in=expired).update(licence_status=LicenceStatus.EXPIRED, updated_at=timezone.now())
        record_events(
            LicenceEvent,
            [
                {
                    "agency_id": agency_id,
                    "kind": LicenceEventKind.EXPIRED,
                    "from_status": LicenceStatus.ACTIVE,
                    "to_status": LicenceStatus.EXPIRED,
                    "data": {"expired_on": today.isoformat()},
                }
                for agency_id in expired
            ],
            recheck={"agency": expired},
        )
    return len(expired)


@transaction.atomic
def agency_reinstate(*, actor, agency_id: int, reason: str):
    """Lift a suspension: the running suspensions end today and the licence is active again
    (expired if it ran out meanwhile). Recorded in the audit trail with the reason."""
    _require_licence_authority(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "reason_required", _("A reason is required."), fields={"reason": [_("A reason is required.")]}
        )
    agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise DomainError("not_found", _("No such company."))
    if agency.licence_status != LicenceStatus.SUSPENDED:
        raise DomainError("licence_not_suspended", _("Only a suspended licence can be reinstated."))
    today = timezone.localdate()
    running = Sanction.objects.select_for_update().filter(agency=agency, kind=SanctionKind.SUSPENSION)
    ended = []
    for sanction in running.exclude(ends_on__lt=today):
        sanction.ends_on = max(today, sanction.starts_on)
        sanction.save(update_fields=["ends_on"])
        ended.append(sanction.pk)
    expired = agency.licence_expires_on is not None and agency.licence_expires_on < today
    from_status = agency.licence_status
    agency.licence_status = LicenceStatus.EXPIRED if expired else LicenceStatus.ACTIVE
    agency.save(update_fields=["licence_status", "updated_at"])
    audit_record(
        action=AuditAction.LICENCE_REINSTATED,
        actor=actor,
        agency_id=agency.pk,
        reason=reason,
        licence_status=agency.licence_status,
        ended_suspensions=ended,
    )
    record_event(
        LicenceEvent,
        recheck={"agency": agency.pk},
        agency=agency,
        actor=actor,
        kind=LicenceEventKind.REINSTATED,
        from_status=from_status,
        to_status=agency.licence_status,
        reason=reason,
        data={"ended_suspensions": ended},
    )
    return agency


@transaction.atomic
def employer_set_blacklisted(*, actor, employer_id: int, blacklisted: bool, reason: str) -> Employer:
    """Put a foreign employer on the blacklist (no new job orders for them) or take them off it;
    recorded in the audit trail with the reason."""
    if not may_maintain_reference_data(actor):
        raise DomainError("forbidden", _("Only a system administrator can change the employers' blacklist."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "reason_required", _("A reason is required."), fields={"reason": [_("A reason is required.")]}
        )
    employer = Employer.objects.select_for_update().filter(pk=employer_id).first()
    if employer is None:
        raise DomainError("not_found", _("No such employer."))
    if employer.blacklisted == blacklisted:
        raise DomainError(
            "blacklist_unchanged",
            _("The employer is already blacklisted.") if blacklisted else _("The employer is not blacklisted."),
        )
    employer.blacklisted = blacklisted
    employer.save(update_fields=["blacklisted"])
    audit_record(
        action=AuditAction.EMPLOYER_BLACKLIST_SET,
        actor=actor,
        employer_id=employer.pk,
        blacklisted=blacklisted,
        reason=reason,
    )
    return employer
