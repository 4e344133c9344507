"""Officials supervise placement companies: the list, one company's file, and the
ministry's sanctions (suspend, revoke, reinstate), each recorded with its reason."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.choices import LicenceStatus, SanctionKind
from agencies.filtersets import AgencyFilterSet
from agencies.forms import ReinstateForm, SanctionForm
from agencies.models import Agency
from agencies.services import agency_reinstate, agency_sanction
from complaints.choices import OPEN_STATUSES as COMPLAINT_OPEN_STATUSES
from complaints.choices import Category as ComplaintCategory
from complaints.choices import Status as ComplaintStatus
from complaints.models import Complaint, ComplaintReferral
from core import clock, permissions
from core.errors import DomainError
from core.forms import form_add_refusal
from core.listing import list_page
from oversight.evidence import subject_label_expression
from oversight.rules import RULES_BY_CODE
from oversight.selectors import SEVERITY_RANK, company_flags
from placement.models import Placement

RECENT_PLACEMENTS = 10
OPEN_FLAGS_SHOWN = 20
COMPLAINT_WINDOW = timedelta(days=365)  # "the last 12 months" of the company's complaint figures


def _require_supervisor(user):
    """Officials of every level see the companies; companies and village officers do not."""
    if not permissions.may_supervise_companies(user):
        raise PermissionDenied


def _require_licence_authority(user):
    if not permissions.may_sanction(user):
        raise PermissionDenied


def _count(queryset):
    """A correlated COUNT(*) as a scalar subquery: one query for the whole page."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def agency_list(request):
    _require_supervisor(request.user)
    user = request.user
    agencies = (
        Agency.objects.visible_to(user)
        .select_related("head_office_regency")
        .annotate(
            placement_count=_count(Placement.objects.visible_to(user).filter(agency_id=OuterRef("pk"))),
            open_flag_count=_count(company_flags(user, OuterRef("pk"))),
        )
    )
    listing = list_page(request, agencies, AgencyFilterSet, default_sort="name")
    return render(request, "portal/agency_list.html", {"listing": listing, "rows": list(listing.page)})


def _history(agency):
    """The company's licence events, newest first: its record with the ministry."""
    events = agency.licence_events.select_related("actor", "sanction").order_by("-at", "-id")
    return [
        {
            "at": event.at,
            # A sanction keeps the name it was imposed under ("Suspension of business activity").
            "title": event.sanction.get_kind_display() if event.sanction else event.get_kind_display(),
            "kind": event.sanction.kind if event.sanction else event.kind,
            "reason": event.reason,
            "by": event.actor,
            "starts_on": event.sanction.starts_on if event.sanction else None,
            "ends_on": event.sanction.ends_on if event.sanction else None,
        }
        for event in events
    ]


def _detail_context(request, agency, *, sanction_form=None, reinstate_form=None):
    user = request.user
    placements = Placement.objects.visible_to(user).filter(agency=agency)
    recent = list(
        placements.select_related("worker", "job_order__country", "job_order__employer").order_by("-id")[
            :RECENT_PLACEMENTS
        ]
    )
    for placement in recent:
        placement.url = reverse("portal:placement_detail", args=[placement.pk])
    flags_qs = company_flags(user, agency.pk)
    flags = list(
        flags_qs.annotate(subject_label=subject_label_expression()).order_by(SEVERITY_RANK.desc(), "-last_seen")[
            :OPEN_FLAGS_SHOWN
        ]
    )
    for flag in flags:
        flag.rule = RULES_BY_CODE.get(flag.rule_code)
    can_sanction = permissions.may_sanction(user)
    return {
        "agency": agency,
        "branches": agency.branches.select_related("regency").order_by("regency__name"),
        "history": _history(agency),
        "placements": recent,
        "placement_count": placements.count(),
        "flags": flags,
        "flag_count": flags_qs.count(),
        "complaints": _complaint_figures(user, agency),
        "can_sanction": can_sanction and agency.licence_status != LicenceStatus.REVOKED,
        "can_reinstate": can_sanction and agency.licence_status == LicenceStatus.SUSPENDED,
        "sanction_form": sanction_form or SanctionForm(),
        "reinstate_form": reinstate_form or ReinstateForm(),
    }


def _complaint_figures(user, agency) -> dict:
    """Complaints about the company that the user's jurisdiction holds: received in the last 12
    months by category, open and overdue now, and how the company answered the referrals sent to
    it in those months (on time, late, overdue without an answer, not yet due). Three queries."""
    now = clock.now()
    since = now - COMPLAINT_WINDOW
    complaints = Complaint.objects.visible_to(user).filter(agency=agency)
    is_open = Q(status__in=COMPLAINT_OPEN_STATUSES)
    totals = complaints.aggregate(
        received=Count("pk", filter=Q(filed_at__gte=since)),
        open=Count("pk", filter=is_open),
        overdue=Count(
            "pk",
            filter=is_open
            & (Q(resolve_due_at__lt=now) | Q(status=ComplaintStatus.RECEIVED, acknowledge_due_at__lt=now)),
        ),
    )
    labels = dict(ComplaintCategory.choices)
    by_category = [
        {"label": labels.get(row["category"], row["category"]), "count": row["n"]}
        for row in complaints.filter(filed_at__gte=since)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n", "category")
    ]
    answered = Q(answered_at__isnull=False)
    referrals = (
        ComplaintReferral.objects.visible_to(user)
        .filter(agency=agency, referred_at__gte=since)
        .aggregate(
            total=Count("pk"),
            on_time=Count("pk", filter=answered & (Q(due_at__isnull=True) | Q(answered_at__lte=F("due_at")))),
            late=Count("pk", filter=answered & Q(answered_at__gt=F("due_at"))),
            overdue=Count("pk", filter=Q(answered_at__isnull=True, due_at__lt=now)),
            waiting=Count("pk", filter=Q(answered_at__isnull=True) & (Q(due_at__isnull=True) | Q(due_at__gte=now))),
        )
    )
    return {**totals, "categories": by_category, "referrals": referrals}


def _visible_agency(request, pk):
    _require_supervisor(request.user)
    return get_object_or_404(Agency.objects.visible_to(request.user).select_related("head_office_regency"), pk=pk)


@login_required
def agency_detail(request, pk: int):
    agency = _visible_agency(request, pk)
    return render(request, "portal/agency_detail.html", _detail_context(request, agency))


@login_required
@require_POST
def agency_sanction_view(request, pk: int):
    agency = _visible_agency(request, pk)
    _require_licence_authority(request.user)
    form = SanctionForm(request.POST)
    if form.is_valid():
        try:
            agency_sanction(
                actor=request.user,
                agency_id=agency.pk,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except DomainError as error:
            if not error.fields:  # about the licence, not the form: say so on the company's page
                messages.error(request, error.message)
                return redirect("portal:agency_detail", pk=agency.pk)
            form_add_refusal(form, error)
        except ValidationError as error:
            form_add_refusal(form, error)
        else:
            done = {
                SanctionKind.WARNING: _("A written warning was recorded."),
                SanctionKind.SUSPENSION: _("The licence is suspended."),
                SanctionKind.REVOCATION: _("The licence is revoked."),
            }[form.cleaned_data["kind"]]
            messages.success(request, done)
            return redirect("portal:agency_detail", pk=agency.pk)
    messages.error(request, _("The sanction was not recorded: correct the form below."))
    return render(request, "portal/agency_detail.html", _detail_context(request, agency, sanction_form=form))


@login_required
@require_POST
def agency_reinstate_view(request, pk: int):
    agency = _visible_agency(request, pk)
    _require_licence_authority(request.user)
    form = ReinstateForm(request.POST)
    if form.is_valid():
        try:
            agency_reinstate(actor=request.user, agency_id=agency.pk, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if not error.fields:
                messages.error(request, error.message)
                return redirect("portal:agency_detail", pk=agency.pk)
            form_add_refusal(form, error)
        else:
            messages.success(request, _("The licence is reinstated."))
            return redirect("portal:agency_detail", pk=agency.pk)
    messages.error(request, _("The licence was not reinstated: correct the form below."))
    return render(request, "portal/agency_detail.html", _detail_context(request, agency, reinstate_form=form))


# --- API keys: the company's administrator issues and revokes keys for the partner API -----
