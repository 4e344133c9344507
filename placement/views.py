from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from .models import Document


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
