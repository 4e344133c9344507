"""Writes for placement companies: licences and sanctions."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.tasks import enqueue_recheck
from siskop2mi.errors import DomainError

from .choices import LicenceStatus, SanctionKind
from .models import Agency, Sanction


@transaction.atomic
def agency_sanction(
    *, actor, agency_id: int, kind: str, reason: str, starts_on: date, ends_on: date | None = None
) -> Sanction:
    """Impose a sanction; suspension and revocation change the licence status with it."""
    if not reason.strip():
        raise DomainError(
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
    if kind in new_status:
        agency.licence_status = new_status[kind]
        agency.save(update_fields=["licence_status", "updated_at"])
        enqueue_recheck(agency=agency.pk)
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
        enqueue_recheck(agency=expired)
    return len(expired)
