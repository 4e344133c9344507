from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.listing import list_page
from villages.models import area_for_code

from .choices import SEVERITY_ORDER, FlagStatus
from .evidence import area_name_expression, describe_evidence, describe_subject, subject_label_expression, subject_url
from .filtersets import FlagFilterSet
from .forms import DecisionReasonForm
from .models import Flag, ScanRun
from .rules import RULES_BY_CODE
from .selectors import open_flags
from .services import flag_assign, flag_decide
from .tasks import scan_all


def _require_official(user):
    if not permissions.may_see_flags(user):
        raise PermissionDenied


@login_required
def overview(request):
    """Open red flags in the user's jurisdiction by rule, and the latest scans."""
    _require_official(request.user)
    counts = open_flags(request.user).order_by().values("rule_code", "severity").annotate(count=Count("id"))
    rows = sorted(
        ({"rule": RULES_BY_CODE.get(c["rule_code"]), "code": c["rule_code"], **c} for c in counts),
        key=lambda row: (SEVERITY_ORDER.index(row["severity"]), -row["count"]),
    )
    context = {
        "rows": rows,
        "scans": ScanRun.objects.order_by("-started_at")[:5],
        "can_scan": permissions.may_scan(request.user),
    }
    return render(request, "oversight/overview.html", context)


@login_required
@require_POST
def start_scan(request):
    if not permissions.may_scan(request.user):
        raise PermissionDenied
    scan_all.delay(request.user.pk)
    messages.success(request, _("A full scan has been started; results appear here when it finishes."))
    return redirect("oversight:overview")


# --- Triage ------------------------------------------------------------------------------
# What the queue shows until the official chooses otherwise: flags still waiting for a decision.
QUEUE_DEFAULT = "status=open&status=in_review"
DECIDABLE = (FlagStatus.OPEN, FlagStatus.IN_REVIEW)
BULK_ACTIONS = {
    "assign_me": None,
    "review": FlagStatus.IN_REVIEW,
    "confirm": FlagStatus.CONFIRMED,
    "dismiss": FlagStatus.DISMISSED,
}
BULK_LIMIT = 100


def _require_triage(user):
    if not permissions.may_triage(user):
        raise PermissionDenied


@login_required
def queue(request):
    """The red flags of the user's jurisdiction to work through, most severe first."""
    _require_official(request.user)
    if not request.GET:
        return redirect(f"{reverse('oversight:queue')}?{QUEUE_DEFAULT}")
    flags = (
        Flag.objects.visible_to(request.user)
        .select_related("assigned_to")
        .annotate(subject_label=subject_label_expression(), area_name=area_name_expression())
    )
    listing = list_page(request, flags, FlagFilterSet, default_sort="-severity")
    rows = list(listing.page)
    for flag in rows:
        flag.rule = RULES_BY_CODE.get(flag.rule_code)
        flag.can_decide = flag.status in DECIDABLE
        flag.subject_url = subject_url(flag.subject_type, flag.subject_id)
    context = {
        "listing": listing,
        "rows": rows,
        "can_triage": permissions.may_triage(request.user),
        "bulk_limit": BULK_LIMIT,
    }
    return render(request, "oversight/queue.html", context)


@login_required
def flag_detail(request, pk: int):
    _require_official(request.user)
    flag = get_object_or_404(Flag.objects.visible_to(request.user).select_related("assigned_to"), pk=pk)
    rule = RULES_BY_CODE.get(flag.rule_code)
    context = {
        "flag": flag,
        "rule": rule,
        "subject": describe_subject(flag),
        "facts": describe_evidence(flag.rule_code, flag.evidence),
        "area": area_for_code(flag.area_code) if flag.area_code else None,
        "events": flag.events.select_related("actor"),
        "can_triage": permissions.may_triage(request.user),
        "can_decide": flag.status in DECIDABLE,
        "can_assign": flag.status not in (FlagStatus.RESOLVED, FlagStatus.DISMISSED)
        and flag.assigned_to_id != request.user.pk,
    }
    return render(request, "oversight/flag_detail.html", context)


@login_required
@require_POST
def flag_assign_me(request, pk: int):
    _require_triage(request.user)
    flag = get_object_or_404(Flag.objects.visible_to(request.user), pk=pk)
    try:
        flag_assign(actor=request.user, flag_id=flag.pk, assignee=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The flag is assigned to you."))
    return redirect("oversight:flag_detail", pk=flag.pk)


@login_required
@require_POST
def flag_decision(request, pk: int):
    """Start reviewing, confirm or dismiss one flag; confirming and dismissing need a reason."""
    _require_triage(request.user)
    flag = get_object_or_404(Flag.objects.visible_to(request.user), pk=pk)
    to_status = request.POST.get("to_status", "")
    reason_form = DecisionReasonForm(request.POST)
    if not reason_form.is_valid():
        messages.error(request, reason_form.first_error())
        return redirect("oversight:flag_detail", pk=flag.pk)
    try:
        flag_decide(actor=request.user, flag_id=flag.pk, to_status=to_status, reason=reason_form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The flag is now “%(status)s”.") % {"status": FlagStatus(to_status).label})
    return redirect("oversight:flag_detail", pk=flag.pk)


def _back_to_queue(request) -> str:
    # Re-encoded, so whatever was posted can only become this page's own query string.
    query = QueryDict(request.POST.get("querystring", "")).urlencode()
    return f"{reverse('oversight:queue')}?{query or QUEUE_DEFAULT}"


@login_required
@require_POST
def bulk(request):
    """One action on several flags, all in one transaction: every row succeeds or none changes."""
    _require_triage(request.user)
    back = _back_to_queue(request)
    action = request.POST.get("action", "")
    reason_form = DecisionReasonForm(request.POST)
    if not reason_form.is_valid():
        messages.error(request, reason_form.first_error())
        return redirect(back)
    reason = reason_form.cleaned_data["reason"]
    try:
        flag_ids = sorted({int(value) for value in request.POST.getlist("flags")})
    except ValueError:
        flag_ids = []
    if not flag_ids:
        messages.error(request, _("Select at least one flag."))
        return redirect(back)
    if len(flag_ids) > BULK_LIMIT:
        messages.error(request, _("Select at most %(limit)s flags at a time.") % {"limit": BULK_LIMIT})
        return redirect(back)
    if action not in BULK_ACTIONS:
        messages.error(request, _("Choose what to do with the selected flags."))
        return redirect(back)
    if action in ("confirm", "dismiss") and not reason:
        messages.error(request, _("A reason is required to confirm or dismiss flags. Nothing was changed."))
        return redirect(back)
    failures = []
    with transaction.atomic():
        # Sorted ids lock rows in one order, so two officials' bulk actions cannot deadlock.
        for flag_id in flag_ids:
            try:
                if action == "assign_me":
                    flag_assign(actor=request.user, flag_id=flag_id, assignee=request.user)
                else:
                    flag_decide(actor=request.user, flag_id=flag_id, to_status=BULK_ACTIONS[action], reason=reason)
            except DomainError as error:
                failures.append((flag_id, error.message))
        if failures:
            transaction.set_rollback(True)
    if failures:
        messages.error(
            request,
            _("Nothing was changed: %(failed)s of the %(count)s selected flags could not be changed.")
            % {"failed": len(failures), "count": len(flag_ids)},
        )
        for flag_id, message in failures[:10]:
            messages.error(request, _("Flag #%(id)s: %(error)s") % {"id": flag_id, "error": message})
        return redirect(back)
    done = {
        "assign_me": ngettext("%(count)s flag assigned to you.", "%(count)s flags assigned to you.", len(flag_ids)),
        "review": ngettext("%(count)s flag put in review.", "%(count)s flags put in review.", len(flag_ids)),
        "confirm": ngettext("%(count)s flag confirmed.", "%(count)s flags confirmed.", len(flag_ids)),
        "dismiss": ngettext("%(count)s flag dismissed.", "%(count)s flags dismissed.", len(flag_ids)),
    }[action]
    messages.success(request, done % {"count": len(flag_ids)})
    return redirect(back)
