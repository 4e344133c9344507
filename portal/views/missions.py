"""The mission abroad in the portal (KBRI, KJRI, KDEI Taipei): the queue of job orders submitted
for its countries, their documents, the verification or rejection, and the arrival reports
(lapor diri) of workers in its countries. The company attaches the documents and submits.

Every read starts from ``visible_to`` (a mission sees only its countries: another country's job
order or placement is a 404); every write is a service; a refusal is shown and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import (
    is_agency_user,
    is_mission_officer,
    may_act_for_company,
    may_record_arrival,
    may_verify_job_order,
    may_verify_job_orders,
)
from placement import services as placement_services
from placement.choices import Stage
from placement.forms import ArrivalForm
from placement.models import Placement
from recruitment import services
from recruitment.choices import JobOrderEventKind, JobOrderStatus
from recruitment.mission_forms import JobOrderDocumentForm, JobOrderRejectForm, JobOrderVerifyForm
from recruitment.models import JobOrder, JobOrderDocument

QUEUE_ROWS = 20
FILE_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _errors(form) -> str:
    return " ".join(str(message) for field_messages in form.errors.values() for message in field_messages)


def _refused(request, message) -> None:
    messages.error(request, _("Nothing was recorded: %(errors)s") % {"errors": message})


def _job_order(request, pk: int) -> JobOrder:
    return get_object_or_404(JobOrder.objects.visible_to(request.user).select_related("country"), pk=pk)


def _company_staff(user, job_order: JobOrder) -> bool:
    return is_agency_user(user) and may_act_for_company(user, job_order.agency_id)


def _placement(request, pk: int) -> Placement:
    return get_object_or_404(Placement.objects.visible_to(request.user).select_related("job_order"), pk=pk)


def _back_to_placement(request, placement: Placement):
    """Back where the arrival was recorded (the arrivals list or the placement's page)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("portal:placement_detail", pk=placement.pk)


# --- What the job order's and the placement's pages show -----------------------------------


def job_order_context(user, job_order: JobOrder) -> dict:
    """The job order page's "Documents for the mission" block: the papers, and what the user may do
    (the company's own staff attach and submit; the ministry may, through the API or for it, but its
    page is the mission's decision)."""
    company = _company_staff(user, job_order)
    submittable = job_order.status in (JobOrderStatus.DRAFT, JobOrderStatus.REJECTED)
    return {
        "mission_documents": list(job_order.documents.select_related("uploaded_by").order_by("kind", "created_at")),
        "may_attach_documents": company and job_order.status in services.DOCUMENT_STATUSES,
        "may_submit": company and submittable,
        "missing_for_submission": services.documents_missing_for_submission(job_order)
        if company and submittable
        else [],
        "may_verify": job_order.status == JobOrderStatus.SUBMITTED and may_verify_job_order(user, job_order.country_id),
        "document_form": JobOrderDocumentForm(),
        "verify_form": JobOrderVerifyForm(),
        "reject_form": JobOrderRejectForm(),
    }


def placement_context(user, placement: Placement) -> dict:
    """The placement page's arrival block: record the arrival, or (the mission) confirm it."""
    country_id = placement.job_order.country_id
    allowed = may_record_arrival(user, placement.agency_id, country_id)
    return {
        "may_record_arrival": allowed and placement.stage == Stage.DEPARTED,
        "may_confirm_arrival": allowed
        and is_mission_officer(user)
        and placement.stage == Stage.WORKING
        and placement.arrived_on is not None
        and placement.arrival_confirmed_at is None,
        "arrival_form": ArrivalForm(),
    }


# --- The mission's queue and arrivals ----------------------------------------------------------


@login_required
def mission_queue(request):
    """Job orders submitted for the mission's countries (the ministry: all), oldest first."""
    if not may_verify_job_orders(request.user):
        raise PermissionDenied
    job_orders = (
        JobOrder.objects.visible_to(request.user)
        .filter(status=JobOrderStatus.SUBMITTED)
        .select_related("agency", "employer", "country", "occupation")
        .annotate(
            submitted_at=Max("events__at", filter=Q(events__kind=JobOrderEventKind.SUBMITTED)),
            documents_count=Count("documents", distinct=True),
        )
        .order_by("submitted_at", "id")
    )
    page = Paginator(job_orders, QUEUE_ROWS).get_page(request.GET.get("page"))
    return render(request, "portal/mission_queue.html", {"page": page})


def arrivals_to_report(user):
    """Placements in the user's countries that departed and await their arrival, or whose arrival
    the mission has not confirmed yet; the longest waiting first."""
    return (
        Placement.objects.visible_to(user)
        .filter(Q(stage=Stage.DEPARTED) | Q(stage=Stage.WORKING, arrival_confirmed_at__isnull=True))
        .order_by("departed_on", "id")
    )


@login_required
def mission_arrivals(request):
    if not may_verify_job_orders(request.user):
        raise PermissionDenied
    placements = arrivals_to_report(request.user).select_related(
        "worker", "agency", "job_order__country", "job_order__employer"
    )
    page = Paginator(placements, QUEUE_ROWS).get_page(request.GET.get("page"))
    for placement in page.object_list:
        placement.may_confirm = (
            is_mission_officer(request.user) and placement.stage == Stage.WORKING and placement.arrived_on is not None
        )
    return render(
        request,
        "portal/mission_arrivals.html",
        {"page": page, "arrival_form": ArrivalForm(), "is_mission": is_mission_officer(request.user)},
    )


# --- The mission's decision ------------------------------------------------------------------


@login_required
@require_POST
def job_order_verify(request, pk: int):
    job_order = _job_order(request, pk)
    if not may_verify_job_order(request.user, job_order.country_id):
        raise PermissionDenied
    form = JobOrderVerifyForm(request.POST)
    if not form.is_valid():
        _refused(request, _errors(form))
    else:
        try:
            services.job_order_verify(actor=request.user, job_order_id=job_order.pk, **form.cleaned_data)
        except DomainError as error:
            _refused(request, error.message)
        else:
            messages.success(request, _("The job order and its employer are verified."))
    return redirect("portal:job_order_detail", pk=job_order.pk)


@login_required
@require_POST
def job_order_reject(request, pk: int):
    job_order = _job_order(request, pk)
    if not may_verify_job_order(request.user, job_order.country_id):
        raise PermissionDenied
    form = JobOrderRejectForm(request.POST)
    if not form.is_valid():
        _refused(request, _errors(form))
    else:
        try:
            services.job_order_reject(actor=request.user, job_order_id=job_order.pk, **form.cleaned_data)
        except DomainError as error:
            _refused(request, error.message)
        else:
            messages.success(request, _("The job order was rejected; the company sees the reason."))
    return redirect("portal:job_order_detail", pk=job_order.pk)


# --- The company's side: documents and submission -----------------------------------------------


@login_required
@require_POST
def job_order_submit(request, pk: int):
    job_order = _job_order(request, pk)
    if not _company_staff(request.user, job_order):
        raise PermissionDenied
    try:
        services.job_order_submit(actor=request.user, job_order_id=job_order.pk)
    except DomainError as error:
        _refused(request, error.message)
    else:
        messages.success(request, _("The job order was submitted to the mission for verification."))
    return redirect("portal:job_order_detail", pk=job_order.pk)


@login_required
@require_POST
def job_order_document_add(request, pk: int):
    job_order = _job_order(request, pk)
    if not _company_staff(request.user, job_order):
        raise PermissionDenied
    form = JobOrderDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        _refused(request, _errors(form))
    else:
        try:
            services.job_order_document_add(actor=request.user, job_order_id=job_order.pk, **form.cleaned_data)
        except DomainError as error:
            _refused(request, error.message)
        else:
            messages.success(request, _("The document was attached."))
    return redirect("portal:job_order_detail", pk=job_order.pk)


@login_required
def job_order_document_file(request, pk: int):
    """Stream a job order's document to someone who may see the job order; 404 for anyone else."""
    document = get_object_or_404(JobOrderDocument.objects.visible_to(request.user), pk=pk)
    if not document.file:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}.{FILE_EXTENSIONS.get(document.content_type, 'bin')}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Arrival reports -------------------------------------------------------------------------


@login_required
@require_POST
def placement_arrive(request, pk: int):
    placement = _placement(request, pk)
    if not may_record_arrival(request.user, placement.agency_id, placement.job_order.country_id):
        raise PermissionDenied
    form = ArrivalForm(request.POST)
    if not form.is_valid():
        _refused(request, _errors(form))
    else:
        try:
            placement_services.placement_arrive(actor=request.user, placement_id=placement.pk, **form.cleaned_data)
        except DomainError as error:
            _refused(request, error.message)
        else:
            messages.success(request, _("The arrival was recorded."))
    return _back_to_placement(request, placement)


@login_required
@require_POST
def placement_confirm_arrival(request, pk: int):
    placement = _placement(request, pk)
    if not is_mission_officer(request.user):
        raise PermissionDenied
    try:
        placement_services.placement_confirm_arrival(actor=request.user, placement_id=placement.pk)
    except DomainError as error:
        _refused(request, error.message)
    else:
        messages.success(request, _("The arrival was confirmed."))
    return _back_to_placement(request, placement)
