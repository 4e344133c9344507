"""Export any filtered list: small ones stream at once, large ones become a job with a progress page."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.client_address import client_address
from core.errors import DomainError
from core.filtering import AreaCodeFilter
from core.personal_data import note_full_numbers_shown
from villages.models import area_for_code

from . import services, writers
from .choices import ExportFormat
from .models import ExportJob

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# HTMX stops polling when a response carries this status.
HTMX_STOP_POLLING = 286


def _back(request):
    """Back to the list the export was asked from (its filters included), else to my exports."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return redirect(referer)
    return redirect("exports:list")


def _invalid_filters_message(error: DomainError) -> str:
    details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.fields.items())
    message = _("The export was not started because some filters are not valid. Correct them on the list first.")
    return f"{message} ({details})" if details else message


@login_required
@require_POST
def export_start(request, kind):
    """Export the list ``kind`` filtered by the posted query string (the list page's own)."""
    spec = services.export_spec(kind)
    if spec is None:
        raise Http404
    if not spec.allowed(request.user):
        raise PermissionDenied
    fmt = request.POST.get("format", "")
    if fmt not in ExportFormat.values:
        messages.error(request, _("Choose CSV or XLSX to export."))
        return _back(request)
    query = request.POST.get("query", "")
    try:
        queryset = services.export_queryset(spec=spec, user=request.user, query=query)
    except DomainError as error:
        messages.error(request, _invalid_filters_message(error))
        return _back(request)

    limit = settings.EXPORT_SYNC_LIMIT
    rows = services.count_up_to(queryset, limit + 1)
    language = get_language()
    if rows > limit:
        job = services.export_job_create(actor=request.user, kind=kind, fmt=fmt, query=query, language=language)
        messages.info(
            request,
            _("This list has more than %(limit)s rows: it is being exported in the background.") % {"limit": limit},
        )
        return redirect("exports:detail", pk=job.pk)

    if services.reveals_full_numbers(spec, request.user):
        services.export_audit(
            actor=request.user, spec=spec, fmt=fmt, query=query, rows=rows, ip_address=client_address(request)
        )
    filename = f"{spec.kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(
            writers.stream_csv(spec, queryset, request.user, language=language), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    # A workbook is a zip that is only whole at the end: build it in a temporary file.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    writers.write_xlsx(spec, queryset, request.user, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


def _my_job(request, pk) -> ExportJob:
    # Only the owner sees an export; anyone else gets a 404, as for any record outside their scope.
    return get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def export_list(request):
    jobs = ExportJob.objects.visible_to(request.user).order_by("-created_at", "-id")[:50]
    return render(request, "exports/list.html", {"jobs": jobs, "keep_days": settings.EXPORT_KEEP_DAYS})


@login_required
@require_GET
def export_detail(request, pk):
    job = _my_job(request, pk)
    context = {"job": job, "filters": _filter_labels(job), "keep_days": settings.EXPORT_KEEP_DAYS}
    return render(request, "exports/detail.html", context)


def _filter_labels(job: ExportJob) -> list[tuple[str, str]]:
    """The job's filters as "label: value" pairs a person can read."""
    spec = services.export_spec(job.kind)
    filters = spec.filterset_class.base_filters if spec else {}
    pairs = []
    for name, values in QueryDict(job.query).lists():
        if name in services.PAGE_PARAMS or not any(values):
            continue
        if name == "sort":
            pairs.append((_("Sorted by"), _sort_label(spec, values[-1])))
            continue
        label = filters[name].label if name in filters else name
        choices = filters[name].extra.get("choices") if name in filters else None
        labels = {str(value): text for value, text in (choices() if callable(choices) else choices or ())}
        if isinstance(filters.get(name), AreaCodeFilter):  # an area by its name, as the list's filter shows it
            labels = {v: area.name for v in values if v and (area := area_for_code(v)) is not None}
        pairs.append((str(label), ", ".join(str(labels.get(v, v)) for v in values if v)))
    return pairs


def _sort_label(spec, sort: str) -> str:
    try:
        label = capfirst(spec.model._meta.get_field(sort.lstrip("-")).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return sort
    return _("%(field)s, descending") % {"field": label} if sort.startswith("-") else str(label)


@login_required
@require_GET
def export_progress(request, pk):
    """The progress fragment HTMX polls; a finished job's answer stops the polling."""
    job = _my_job(request, pk)
    response = render(request, "exports/_progress.html", {"job": job})
    if job.is_finished and request.htmx:
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_GET
def export_download(request, pk) -> HttpResponse:
    job = _my_job(request, pk)
    path = services.export_file(job)
    if path is None:
        raise Http404
    if job.full_numbers:
        # Each download of a file with full numbers is a reading, audited with its address.
        note_full_numbers_shown(request, model_label=job._meta.label_lower, ids=[job.pk], field="file")
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.format],
    )
