"""Officials supervise placement companies: the list, one company's file, and the
ministry's sanctions (suspend, revoke, reinstate), each recorded with its reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import AuditAction, Role
from accounts.models import AuditEntry
from oversight.choices import FlagStatus, SubjectType
from oversight.evidence import safe_reverse, subject_label_expression
from oversight.filtersets import SEVERITY_RANK
from oversight.models import Flag
from oversight.rules import RULES_BY_CODE
from placement.models import Placement
from recruitment.models import JobOrder
from siskop2mi.errors import DomainError
from siskop2mi.listing import list_page

from .choices import LicenceStatus, SanctionKind
from .filtersets import AgencyFilterSet
from .forms import ApiKeyForm, ReinstateForm, SanctionForm
from .models import Agency, ApiKey
from .services import LICENCE_AUTHORITY_ROLES, agency_reinstate, agency_sanction, api_key_create, api_key_revoke

OPEN_FLAG_STATUSES = (FlagStatus.OPEN, FlagStatus.IN_REVIEW, FlagStatus.CONFIRMED)
RECENT_PLACEMENTS = 10
OPEN_FLAGS_SHOWN = 20


def _require_supervisor(user):
    """Officials of every level see the companies; companies and village officers do not."""
    if user.is_agency_user or user.role == Role.VILLAGE_OFFICER or not user.role:
        raise PermissionDenied


def _require_licence_authority(user):
    if user.role not in LICENCE_AUTHORITY_ROLES:
        raise PermissionDenied


def _count(queryset):
    """A correlated COUNT(*) as a scalar subquery: one query for the whole page."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def company_flags(user, agency):
    """Open flags the user may see about a company: on the company itself, its job orders
    and its placements. ``agency`` is an id or an OuterRef."""
    # One level deeper, an outer reference must name the query two levels up.
    inner = OuterRef(agency) if isinstance(agency, OuterRef) else agency
    return Flag.objects.visible_to(user).filter(
        Q(subject_type=SubjectType.AGENCY, subject_id=agency)
        | Q(subject_type=SubjectType.JOB_ORDER, subject_id__in=JobOrder.objects.filter(agency_id=inner).values("id"))
        | Q(subject_type=SubjectType.PLACEMENT, subject_id__in=Placement.objects.filter(agency_id=inner).values("id")),
        status__in=OPEN_FLAG_STATUSES,
    )


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
    return render(request, "agencies/agency_list.html", {"listing": listing, "rows": list(listing.page)})


def _history(agency):
    """Sanctions and reinstatements, newest first: the company's record with the ministry."""
    items = [
        {
            "at": sanction.created_at,
            "title": sanction.get_kind_display(),
            "kind": sanction.kind,
            "reason": sanction.reason,
            "by": sanction.imposed_by,
            "starts_on": sanction.starts_on,
            "ends_on": sanction.ends_on,
        }
        for sanction in agency.sanctions.select_related("imposed_by")
    ]
    reinstatements = AuditEntry.objects.filter(
        action=AuditAction.LICENCE_REINSTATED, detail__agency_id=agency.pk
    ).select_related("actor")
    items += [
        {
            "at": entry.at,
            "title": entry.get_action_display(),
            "kind": "reinstatement",
            "reason": entry.detail.get("reason", ""),
            "by": entry.actor,
        }
        for entry in reinstatements
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)


def _detail_context(request, agency, *, sanction_form=None, reinstate_form=None):
    user = request.user
    placements = Placement.objects.visible_to(user).filter(agency=agency)
    recent = list(
        placements.select_related("worker", "job_order__country", "job_order__employer").order_by("-id")[
            :RECENT_PLACEMENTS
        ]
    )
    for placement in recent:
        placement.url = safe_reverse("placement:placement_detail", placement.pk)
    flags_qs = company_flags(user, agency.pk)
    flags = list(
        flags_qs.annotate(subject_label=subject_label_expression()).order_by(SEVERITY_RANK.desc(), "-last_seen")[
            :OPEN_FLAGS_SHOWN
        ]
    )
    for flag in flags:
        flag.rule = RULES_BY_CODE.get(flag.rule_code)
    can_sanction = user.role in LICENCE_AUTHORITY_ROLES
    return {
        "agency": agency,
        "branches": agency.branches.select_related("regency").order_by("regency__name"),
        "history": _history(agency),
        "placements": recent,
        "placement_count": placements.count(),
        "flags": flags,
        "flag_count": flags_qs.count(),
        "can_sanction": can_sanction and agency.licence_status != LicenceStatus.REVOKED,
        "can_reinstate": can_sanction and agency.licence_status == LicenceStatus.SUSPENDED,
        "sanction_form": sanction_form or SanctionForm(),
        "reinstate_form": reinstate_form or ReinstateForm(),
    }


def _visible_agency(request, pk):
    _require_supervisor(request.user)
    return get_object_or_404(Agency.objects.visible_to(request.user).select_related("head_office_regency"), pk=pk)


@login_required
def agency_detail(request, pk: int):
    agency = _visible_agency(request, pk)
    return render(request, "agencies/agency_detail.html", _detail_context(request, agency))


def _form_errors(form, error):
    """A service's refusal shown on the form: on the field it names, else above the form."""
    if isinstance(error, DomainError):
        for field, field_errors in error.fields.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.messages)


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
                return redirect("agencies:agency_detail", pk=agency.pk)
            _form_errors(form, error)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            done = {
                SanctionKind.WARNING: _("A written warning was recorded."),
                SanctionKind.SUSPENSION: _("The licence is suspended."),
                SanctionKind.REVOCATION: _("The licence is revoked."),
            }[form.cleaned_data["kind"]]
            messages.success(request, done)
            return redirect("agencies:agency_detail", pk=agency.pk)
    messages.error(request, _("The sanction was not recorded: correct the form below."))
    return render(request, "agencies/agency_detail.html", _detail_context(request, agency, sanction_form=form))


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
                return redirect("agencies:agency_detail", pk=agency.pk)
            _form_errors(form, error)
        else:
            messages.success(request, _("The licence is reinstated."))
            return redirect("agencies:agency_detail", pk=agency.pk)
    messages.error(request, _("The licence was not reinstated: correct the form below."))
    return render(request, "agencies/agency_detail.html", _detail_context(request, agency, reinstate_form=form))


# --- API keys: the company's administrator issues and revokes keys for the partner API -----


def _require_company_admin(user):
    if user.role != Role.AGENCY_ADMIN or not user.agency_id:
        raise PermissionDenied


@login_required
def api_key_list(request):
    """The company's keys (prefix, scope, last use) and a form for a new one.

    A new key is shown once, on the response to the POST that created it, and never stored.
    """
    _require_company_admin(request.user)
    form, new_key = ApiKeyForm(), None
    if request.method == "POST":
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                key, raw_key = api_key_create(
                    actor=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
                )
            except DomainError as error:
                for field, errors in error.fields.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                if not error.fields:
                    form.add_error(None, error.message)
            else:
                new_key = {"key": key, "raw": raw_key}
                form = ApiKeyForm()
    keys = ApiKey.objects.visible_to(request.user).select_related("created_by", "revoked_by").order_by("-created_at")
    response = render(request, "agencies/api_keys.html", {"form": form, "keys": keys, "new_key": new_key})
    if new_key:
        response["Cache-Control"] = "no-store"  # the page carries a secret: no browser or proxy copy
    return response


@login_required
@require_POST
def api_key_revoke_view(request, pk: int):
    _require_company_admin(request.user)
    key = get_object_or_404(ApiKey.objects.visible_to(request.user), pk=pk)
    try:
        api_key_revoke(actor=request.user, api_key_id=key.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The key %(prefix)s… is revoked; systems using it are refused from now on.") % {"prefix": key.prefix},
        )
    return redirect("agencies:api_keys")
