"""Writes for placement companies: licences and sanctions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.services import audit_record
from oversight.tasks import enqueue_recheck
from siskop2mi.errors import DomainError

from .choices import LicenceStatus, SanctionKind
from .models import Agency, ApiKey, ApiKeyScope, Sanction


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


# An API key reads "p2mi_<prefix>_<secret>": the prefix finds the row, the whole key is hashed.
API_KEY_PREFIX = "p2mi"


def api_key_hash(raw_key: str) -> str:
    # A key carries 256 random bits, so a plain SHA-256 is enough (no slow password hash).
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _require_company_admin(actor, agency_id: int) -> None:
    if actor.role != Role.AGENCY_ADMIN or actor.agency_id != agency_id:
        raise DomainError("forbidden", _("Only the company's administrator can manage its API keys."))


@transaction.atomic
def api_key_create(*, actor, name: str, scope: str = ApiKeyScope.READ) -> tuple[ApiKey, str]:
    """Issue a key for the actor's company; returns the key row and the raw key, shown once."""
    _require_company_admin(actor, actor.agency_id)
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the key a name, e.g. the system that will use it.")]
    if scope not in ApiKeyScope.values:
        errors["scope"] = [_("Choose read only or read and write.")]
    if errors:
        raise DomainError("invalid", _("The key could not be created."), fields=errors)
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    service_account = get_user_model().objects.create_user(
        username=f"api-{prefix}",
        full_name=_("API key “%(name)s”") % {"name": name},
        role=Role.AGENCY_STAFF,
        agency_id=actor.agency_id,
        password=None,  # unusable: a key's account cannot log in to the portal
    )
    key = ApiKey.objects.create(
        agency_id=actor.agency_id,
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw_key),
        scope=scope,
        user=service_account,
        created_by=actor,
    )
    audit_record(action=AuditAction.API_KEY_CREATED, actor=actor, api_key_id=key.pk, prefix=prefix, scope=scope)
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, actor, api_key_id: int) -> ApiKey:
    key = ApiKey.objects.select_for_update().filter(pk=api_key_id, agency_id=actor.agency_id).first()
    if key is None:
        raise DomainError("not_found", _("No such API key."))
    _require_company_admin(actor, key.agency_id)
    if key.revoked_at is not None:
        raise DomainError("already_revoked", _("This key is already revoked."))
    key.revoked_at = timezone.now()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    key.user.is_active = False
    key.user.save(update_fields=["is_active"])
    audit_record(action=AuditAction.API_KEY_REVOKED, actor=actor, api_key_id=key.pk, prefix=key.prefix)
    return key


# Who may sanction a company or reinstate its licence: the ministry accredits companies.
LICENCE_AUTHORITY_ROLES = {Role.MINISTRY_OFFICIAL, Role.SYSTEM_ADMIN}


@transaction.atomic
def agency_reinstate(*, actor, agency_id: int, reason: str):
    """Lift a suspension: the running suspensions end today and the licence is active again
    (expired if it ran out meanwhile). Recorded in the audit trail with the reason."""
    if actor.role not in LICENCE_AUTHORITY_ROLES:
        raise DomainError("forbidden", _("Only the ministry can reinstate a licence."))
    reason = reason.strip()
    if not reason:
        raise DomainError(
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
    enqueue_recheck(agency=agency.pk)
    return agency
