"""Writes to accounts: users and the account audit trail."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .choices import AGENCY_ROLES, AuditAction, Role
from .models import AuditEntry, User


def audit_record(*, action: str, actor: User | None, ip_address: str | None = None, **detail) -> AuditEntry:
    return AuditEntry.objects.create(action=action, actor=actor, ip_address=ip_address, detail=detail)


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
    }.get(role, "agency" if role in AGENCY_ROLES else None)
