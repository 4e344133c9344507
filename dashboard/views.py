from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions

from .schedule import REFRESH_MINUTES
from .selectors import AREA_CODE, dashboard_for
from .tasks import refresh_dashboard


def _require_jurisdiction(user):
    """Officials and village officers see their area; companies have no dashboard here."""
    if not permissions.may_see_dashboard(user):
        raise PermissionDenied


@login_required
def dashboard(request):
    _require_jurisdiction(request.user)
    board = dashboard_for(request.user, request.GET.get("area", ""))
    snapshot = board.snapshot
    context = {
        "board": board,
        "refresh_minutes": REFRESH_MINUTES,
        "can_refresh": permissions.may_refresh_dashboard(request.user),
        "charts": board.charts() if snapshot else None,
    }
    if snapshot:
        now = timezone.now()
        taken = timezone.localtime(snapshot.taken_at)
        today = taken.date() == timezone.localdate(now)
        context["taken_label"] = date_format(taken, "H:i" if today else "j F Y H:i")
        context["taken_iso"] = taken.isoformat(timespec="minutes")
        # Three missed refreshes: say so rather than let old figures pass for current ones.
        context["stale"] = now - snapshot.taken_at > timedelta(minutes=3 * REFRESH_MINUTES)
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_POST
def refresh(request):
    if not permissions.may_refresh_dashboard(request.user):
        raise PermissionDenied
    refresh_dashboard.delay(request.user.pk)
    messages.success(request, _("The figures are being refreshed; reload this page in a minute to see them."))
    area = request.POST.get("area", "")
    url = reverse("dashboard:dashboard")
    return redirect(f"{url}?{urlencode({'area': area})}" if AREA_CODE.match(area) else url)
