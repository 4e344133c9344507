"""A placement's page: its progress, documents, fees, timeline and red flags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.forms import form_add_refusal
from oversight.selectors import flags_on
from placement.choices import Stage
from placement.epmi_card import may_print_card
from placement.forms import FeeForm
from placement.models import Document, Placement
from placement.selectors import describe_event, next_stage_requirements, stage_steps, with_download_permission
from placement.services import document_verify, fee_record
from portal.selectors import TimelineEntry
from portal.views import missions
from recruitment.models import Worker


def _visible_placement(user, pk: int) -> Placement:
    return get_object_or_404(
        Placement.objects.visible_to(user)
        .select_related(
            "worker__village",
            "application",
            "agency",
            "embarkation_point",
            "job_order__agency",
            "job_order__employer",
            "job_order__country",
            "job_order__occupation",
        )
        .prefetch_related("documents"),
        pk=pk,
    )


@login_required
def placement_detail(request, pk: int):
    """A placement's progress, what the next stage lacks, its documents, fees, events and red flags."""
    return _render_detail(request, _visible_placement(request.user, pk))


def _render_detail(request, placement: Placement, *, fee_form: FeeForm | None = None):
    user = request.user
    # The actors in a second query rather than a join: the events are partitioned by month, and the
    # planner, summing a row or two guessed for every month, would hash the whole users table for it.
    events = list(placement.events.prefetch_related("actor").order_by("at", "id"))
    next_stage, missing = next_stage_requirements(placement)
    fees = list(placement.fees.order_by("paid_on", "id"))
    context = {
        "placement": placement,
        "worker": placement.worker,
        # A company that did not register the worker sees the placement but not the worker's page.
        "worker_visible": Worker.objects.visible_to(user).filter(pk=placement.worker_id).exists(),
        "steps": stage_steps(placement, events=events),
        "next_stage": next_stage,
        "missing": missing,
        "documents": with_download_permission(
            user,
            sorted(placement.documents.all(), key=lambda d: (d.kind, d.issued_on)),
            agency_of_placement={placement.pk: placement.agency_id},
        ),
        "fees": fees,
        "fees_total": sum((fee.amount_idr for fee in fees), 0),
        "may_record_fee": permissions.may_record_placement_step(user, placement.agency_id),
        "may_verify_documents": permissions.may_verify_documents(user),
        "may_print_card": may_print_card(placement) and permissions.may_print_epmi_card(user, placement.agency_id),
        "fee_form": fee_form or FeeForm(finding=permissions.is_official(user)),
        "timeline": [
            TimelineEntry(
                at=event.at,
                title=event.get_kind_display(),
                detail=" · ".join(filter(None, [describe_event(event), event.reason])),
                actor=event.actor,
            )
            for event in events
        ],
        "today": timezone.localdate(),
        "flags": flags_on(user, {"placement": [placement.pk], "worker": [placement.worker_id]}),
        "is_cancelled": placement.stage == Stage.CANCELLED,
        **missions.placement_context(user, placement),  # the arrival block
    }
    return render(request, "portal/placement_detail.html", context)


@login_required
@require_POST
def placement_fee_add(request, pk: int):
    """Record a fee the worker paid: the company's own record, or an official's finding."""
    user = request.user
    placement = _visible_placement(user, pk)
    if not permissions.may_record_placement_step(user, placement.agency_id):
        raise PermissionDenied
    form = FeeForm(request.POST, finding=permissions.is_official(user))
    if form.is_valid():
        try:
            fee_record(
                actor=user,
                placement_id=placement.pk,
                amount_idr=form.cleaned_data["amount_idr"],
                description=form.cleaned_data["description"],
                paid_on=form.cleaned_data["paid_on"],
                paid_to=form.cleaned_data["paid_to"],
                source=form.cleaned_data.get("source", ""),
            )
        except DomainError as error:
            form_add_refusal(form, error)
        else:
            messages.success(request, _("The fee was recorded."))
            return redirect("portal:placement_detail", pk=placement.pk)
    messages.error(request, _("The fee was not recorded: correct the form below."))
    return _render_detail(request, _visible_placement(user, pk), fee_form=form)


@login_required
@require_POST
def document_verify_view(request, pk: int):
    """An official marks a placement document checked against its scan."""
    user = request.user
    document = get_object_or_404(Document.objects.visible_to(user).only("id", "placement_id"), pk=pk)
    if not permissions.may_verify_documents(user):
        raise PermissionDenied
    try:
        verified = document_verify(actor=user, document_id=document.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(document)s was verified.") % {"document": verified.get_kind_display()})
    return redirect("portal:placement_detail", pk=document.placement_id)
