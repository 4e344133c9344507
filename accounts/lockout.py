"""Login protection with django-axes: what a locked-out person sees, who is told, how a lock is lifted.

Axes counts failed logins per account and per address on every door that calls
``django.contrib.auth.authenticate`` with the request (the portal's login form, the admin's).
Settings: AXES_* in siskop2mi/settings/base.py. A lock ends by itself after the cool-off, or
earlier when a system administrator lifts it (the user admin's action "Lift the login lock", the
admin's "Access attempts" list, or ``manage.py axes_reset_username <username>``).
"""

from __future__ import annotations

from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.outbox import queue_messages
from core.roles import Role

from .choices import AuditAction
from .models import User
from .services import audit_record


def lock_ends_at(*, username: str | None, ip_address: str | None) -> datetime:
    """When the lock on this account or address ends: the cool-off after the latest failure counted."""
    cool_off = get_cool_off()
    latest = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=ip_address)).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    return (latest or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE): 429, in words, with the time to
    try again, on the portal's and the admin's login alike."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    ends_at = lock_ends_at(username=username, ip_address=getattr(request, "axes_ip_address", None))
    seconds = max(int((ends_at - timezone.now()).total_seconds()), 1)
    response = render(
        request,
        "accounts/locked_out.html",
        {"ends_at": timezone.localtime(ends_at), "minutes": -(-seconds // 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def lockout_record(*, username: str, ip_address: str | None, door: str, reason: str) -> None:
    """A new lock: audited, and the active system administrators with an e-mail are told once."""
    user = User.objects.filter(username=username).first() if username else None
    audit_record(
        action=AuditAction.LOGIN_LOCKED_OUT,
        actor=user,
        ip_address=ip_address,
        username=username or "",
        door=door,
        reason=reason,
    )
    admins = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).exclude(email="")
    ends_at = timezone.localtime(lock_ends_at(username=username, ip_address=ip_address))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SISKOP2MI: login locked for “%(username)s”") % {"username": username or "?"}
        why = (
            _("too many wrong codes of the second factor")
            if reason == "second_factor"
            else _("too many wrong passwords")
        )
        body = _(
            "Logins for the account “%(username)s” and from the address %(address)s are locked until "
            "%(ends_at)s after %(why)s at %(door)s. If this was not the account's owner, check the audit "
            "trail. To lift the lock sooner: the admin's user list, action “Lift the login lock”, or "
            "manage.py axes_reset_username %(username)s."
        ) % {
            "username": username or "?",
            "address": ip_address or "?",
            "ends_at": ends_at.strftime("%Y-%m-%d %H:%M"),
            "why": why,
            "door": door,
        }
    queue_messages(
        [
            {"channel": "email", "recipient": admin.email, "subject": subject, "body": body, "about": "login_lock"}
            for admin in admins
        ]
    )


@transaction.atomic
def login_lock(*, user: User, ip_address: str | None, user_agent: str = "", door: str) -> None:
    """Lock the user's logins (and the address's) as if the failure limit of wrong passwords had
    been reached: used when the second factor was failed too often."""
    AccessAttempt.objects.create(
        username=user.username,
        ip_address=ip_address,
        user_agent=user_agent[:255],
        get_data="",
        post_data="",
        http_accept="",
        path_info=door[:255],
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    lockout_record(username=user.username, ip_address=ip_address, door=door, reason="second_factor")


@transaction.atomic
def login_unlock(*, actor: User, username: str) -> int:
    """Lift the login lock of an account (every failure counted against it); audited."""
    if not (actor.is_superuser or actor.role == Role.SYSTEM_ADMIN):
        raise DomainError("forbidden", _("Only a system administrator can lift a login lock."))
    count = reset(username=username)
    audit_record(action=AuditAction.LOGIN_UNLOCKED, actor=actor, username=username, attempts=count)
    return count


def on_user_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """axes' user_locked_out signal: record a NEW lock only. While locked, every further attempt
    sends the signal again; only the failure that reached the limit has counted its failures."""
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return
    lockout_record(username=username or "", ip_address=ip_address, door=request.path, reason="password")
