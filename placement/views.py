from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from core.listing import list_page
from core.personal_data import note_full_numbers_shown

from .choices import IDENTITY_DOCUMENTS
from .filtersets import PlacementFilterSet
from .models import Document, Placement
from .selectors import may_download_document_file


@login_required
def placement_list(request):
    placements = Placement.objects.visible_to(request.user).select_related(
        "worker__village", "agency", "job_order__country", "job_order__occupation"
    )
    listing = list_page(request, placements, PlacementFilterSet, default_sort="-id")
    return render(request, "placement/placement_list.html", {"listing": listing})


@login_required
def document_file(request, pk: int):
    """Stream an uploaded document to someone who may see its placement; 404 for anyone else."""
    document = get_object_or_404(Document.objects.visible_to(request.user).select_related("placement"), pk=pk)
    if not document.file:
        raise Http404
    if not may_download_document_file(request.user, document, agency_id=document.placement.agency_id):
        raise PermissionDenied
    if document.kind in IDENTITY_DOCUMENTS:
        note_full_numbers_shown(request, model_label="placement.document", ids=[document.pk], field="file")
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}.{extension}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
