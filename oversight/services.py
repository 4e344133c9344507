"""Triage of red flags by officials. Every change is recorded as a FlagEvent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput
from core.locks import advisory_lock_held

from .choices import FlagStatus, ScanStatus
from .engine import FULL_SCAN_LOCK, SCAN_TIME_LIMIT
from .models import Flag, FlagEvent, ScanRun

STUCK_MARGIN = timedelta(minutes=5)

TRIAGE_MOVES = {
    FlagStatus.IN_REVIEW: (FlagStatus.OPEN,),
    FlagStatus.CONFIRMED: (FlagStatus.OPEN, FlagStatus.IN_REVIEW),
    FlagStatus.DISMISSED: (FlagStatus.OPEN, FlagStatus.IN_REVIEW),
}


def _locked(actor, flag_id: int) -> Flag:
    flag = Flag.objects.visible_to(actor).select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise DomainError("not_found", _("No such flag in your jurisdiction."))
    return flag


def _record(flag: Flag, *, actor, from_status: str, note: str = "") -> None:
    FlagEvent.objects.create(
        flag=flag, at=timezone.now(), actor=actor, from_status=from_status, to_status=flag.status, note=note
    )


@transaction.atomic
def flag_assign(*, actor, flag_id: int, assignee) -> Flag:
    flag = _locked(actor, flag_id)
    if flag.status in (FlagStatus.RESOLVED, FlagStatus.DISMISSED):
        raise DomainError("flag_closed", _("This flag is closed."))
    if assignee is not None and not Flag.objects.visible_to(assignee).filter(pk=flag.pk).exists():
        raise DomainError("assignee_out_of_scope", _("The official cannot see this flag's jurisdiction."))
    flag.assigned_to = assignee
    flag.save(update_fields=["assigned_to"])
    _record(flag, actor=actor, from_status=flag.status, note=_("Assigned to %(name)s") % {"name": assignee})
    return flag


@transaction.atomic
def flag_decide(*, actor, flag_id: int, to_status: str, reason: str = "") -> Flag:
    """Start reviewing, confirm or dismiss a flag. Dismissing needs a reason."""
    flag = _locked(actor, flag_id)
    allowed = TRIAGE_MOVES.get(to_status)
    if allowed is None or flag.status not in allowed:
        raise DomainError(
            "flag_status",
            _("A flag that is “%(status)s” cannot become “%(to)s”.")
            % {
                "status": flag.get_status_display(),
                "to": FlagStatus(to_status).label if to_status in FlagStatus.values else to_status,
            },
        )
    if to_status in (FlagStatus.DISMISSED, FlagStatus.CONFIRMED) and not reason.strip():
        raise InvalidInput(
            "reason_required", _("A reason is required."), fields={"reason": [_("A reason is required.")]}
        )
    from_status = flag.status
    flag.status = to_status
    flag.decision_reason = reason.strip() or flag.decision_reason
    if flag.assigned_to_id is None:
        flag.assigned_to = actor
    flag.save(update_fields=["status", "decision_reason", "assigned_to"])
    _record(flag, actor=actor, from_status=from_status, note=reason.strip())
    return flag


@transaction.atomic
def scan_runs_sweep(*, now=None) -> int:
    """Mark scans still "running" past the task's hard time limit (plus a margin), while no
    scan holds the scan lock, as failed with the reason; returns how many.

    Their worker died and no redelivery restarted them. They are not queued again: the
    nightly scan (or an official's "scan now") runs every rule anew.
    """
    now = now or timezone.now()
    if advisory_lock_held(FULL_SCAN_LOCK):
        return 0  # a scan is at work; it marks any dead run itself when it starts
    stuck = ScanRun.objects.filter(
        status=ScanStatus.RUNNING, started_at__lt=now - timedelta(seconds=SCAN_TIME_LIMIT) - STUCK_MARGIN
    )
    return stuck.update(
        status=ScanStatus.FAILED,
        finished_at=now,
        error=_("The scan stopped because its worker was lost; the next scan checks every rule again."),
    )
