from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from recruitment.models import Worker
from recruitment.selectors import TimelineEntry
from siskop2mi.listing import list_page

from .choices import EventKind, Stage
from .filtersets import PlacementFilterSet
from .models import Document, Placement
from .selectors import describe_event, flags_on, next_stage_requirements, stage_steps


@login_required
def placement_list(request):
    placements = Placement.objects.visible_to(request.user).select_related(
        "worker__village", "agency", "job_order__country", "job_order__occupation"
    )
    listing = list_page(request, placements, PlacementFilterSet, default_sort="-id")
    return render(request, "placement/placement_list.html", {"listing": listing})


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
    return render(request, "placement/placement_detail.html", context)


@login_required
def document_file(request, pk: int):
    """Stream an uploaded document to someone who may see its placement; 404 for anyone else."""
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    if not document.file:
        raise Http404
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}.{extension}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
