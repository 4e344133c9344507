from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role

from .choices import FlagStatus
from .models import Flag, ScanRun
from .rules import RULES_BY_CODE
from .tasks import scan_all

# Who may start a national scan on demand.
SCAN_ROLES = {Role.MINISTRY_OFFICIAL, Role.SYSTEM_ADMIN}


def _require_official(user):
    if user.is_agency_user or user.role == Role.VILLAGE_OFFICER:
        raise PermissionDenied


@login_required
def overview(request):
    """Open red flags in the user's jurisdiction by rule, and the latest scans."""
    _require_official(request.user)
    open_flags = Flag.objects.visible_to(request.user).filter(
        status__in=[FlagStatus.OPEN, FlagStatus.IN_REVIEW, FlagStatus.CONFIRMED]
    )
    counts = open_flags.order_by().values("rule_code", "severity").annotate(count=Count("id"))
    rows = sorted(
        ({"rule": RULES_BY_CODE.get(c["rule_code"]), "code": c["rule_code"], **c} for c in counts),
        key=lambda row: ({"high": 0, "medium": 1, "low": 2}[row["severity"]], -row["count"]),
    )
    context = {
        "rows": rows,
        "scans": ScanRun.objects.order_by("-started_at")[:5],
        "can_scan": request.user.role in SCAN_ROLES,
    }
    return render(request, "oversight/overview.html", context)


@login_required
@require_POST
def start_scan(request):
    if request.user.role not in SCAN_ROLES:
        raise PermissionDenied
    scan_all.delay(request.user.pk)
    messages.success(request, _("A full scan has been started; results appear here when it finishes."))
    return redirect("oversight:overview")
