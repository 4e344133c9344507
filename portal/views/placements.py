"""A placement's page: its progress, documents, fees, timeline and red flags."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from oversight.selectors import flags_on
from placement.choices import EventKind, Stage
from placement.models import Placement
from placement.selectors import describe_event, next_stage_requirements, stage_steps
from portal.selectors import TimelineEntry
from recruitment.models import Worker


@login_required
def placement_detail(request, pk: int):
    """A placement's progress, what the next stage lacks, its documents, fees, events and red flags."""
    user = request.user
    placement = get_object_or_404(
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
    events = list(placement.events.select_related("actor").order_by("at", "id"))
    cancelled_at = next((e.from_stage for e in reversed(events) if e.kind == EventKind.CANCELLED), None)
    next_stage, missing = next_stage_requirements(placement)
    fees = list(placement.fees.order_by("paid_on", "id"))
    context = {
        "placement": placement,
        "worker": placement.worker,
        # A company that did not register the worker sees the placement but not the worker's page.
        "worker_visible": Worker.objects.visible_to(user).filter(pk=placement.worker_id).exists(),
        "steps": stage_steps(placement, cancelled_at=cancelled_at),
        "next_stage": next_stage,
        "missing": missing,
        "documents": sorted(placement.documents.all(), key=lambda d: (d.kind, d.issued_on)),
        "fees": fees,
        "fees_total": sum((fee.amount_idr for fee in fees), 0),
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
    }
    return render(request, "portal/placement_detail.html", context)
