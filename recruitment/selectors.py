"""Reads of workers and job orders that other apps reuse: who may see a full NIK, whether a moratorium applies."""

from __future__ import annotations

from datetime import date

from accounts.choices import AuditAction
from core.personal_data import may_see_full_nik

from .models import Moratorium

# The audit trail's action for showing a full personal number (see accounts.AuditEntry).
PERSONAL_NUMBER_VIEWED = AuditAction.PERSONAL_DATA_VIEWED


def can_see_full_nik(user, worker) -> bool:
    """The house rule (core.personal_data) applied to a worker: officials of the ministry, a
    province or a regency, and the company that registered the worker. The caller has already
    checked the worker is visible to the user."""
    return may_see_full_nik(user, agency_id=worker.agency_id)


def moratorium_applies(country_code: str, sector: str, on: date) -> bool:
    """Whether placements to this country and sector are stopped on that day (Kepmenaker 260/2015)."""
    return (
        Moratorium.objects.filter(country_id=country_code, sector=sector, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .exists()
    )
