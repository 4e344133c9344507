"""Writes to accounts: users, API keys and the account audit trail."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput
from core.permissions import may_manage_api_keys

from .choices import AGENCY_ROLES, AuditAction, Role
from .models import ApiKey, ApiKeyScope, AuditEntry, User


def audit_record(*, action: str, actor: User | None, ip_address: str | None = None, **detail) -> AuditEntry:
    return AuditEntry.objects.create(action=action, actor=actor, ip_address=ip_address, detail=detail)


def personal_numbers_viewed_record(
    *, actor: User, ip_address: str | None, door: str, path: str, records: list[dict]
) -> AuditEntry:
    """The one audit row for the full NIK and passport numbers one response showed, whatever its door
    (``page`` or ``api``; exports write PERSONAL_DATA_EXPORTED, the admin shows none): who, from
    where, when, and which records (``[{"model", "ids", "fields"}]``), never the numbers themselves."""
    return audit_record(
        action=AuditAction.PERSONAL_DATA_VIEWED,
        actor=actor,
        ip_address=ip_address,
        door=door,
        path=path,
        records=records,
    )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    email: str = "",
    province=None,
    regency=None,
    village=None,
    agency=None,
    mission=None,
) -> User:
    """Create a user; refuses (ValidationError, nothing written) a role without its jurisdiction."""
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        province=province,
        regency=regency,
        village=village,
        agency=agency,
        mission=mission,
        is_staff=role == Role.SYSTEM_ADMIN,
        is_superuser=role == Role.SYSTEM_ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(action=AuditAction.USER_CREATED, actor=actor, user_id=user.pk, role=role)
    return user


def role_needs(role: str) -> str | None:
    """Which jurisdiction field a role must carry (None for national roles)."""
    return {
        Role.PROVINCE_OFFICIAL: "province",
        Role.REGENCY_OFFICIAL: "regency",
        Role.VILLAGE_OFFICER: "village",
        Role.MISSION_OFFICER: "mission",
    }.get(role, "agency" if role in AGENCY_ROLES else None)


# An API key reads "p2mi_<prefix>_<secret>": the prefix finds the row, the whole key is hashed.
API_KEY_PREFIX = "p2mi"


def api_key_hash(raw_key: str) -> str:
    # A key carries 256 random bits, so a plain SHA-256 is enough (no slow password hash).
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _require_company_admin(actor, agency_id: int) -> None:
    if not may_manage_api_keys(actor) or actor.agency_id != agency_id:
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
        raise InvalidInput("invalid", _("The key could not be created."), fields=errors)
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    service_account = User.objects.create_user(
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
