"""Officials' and companies' pages for workers and job orders: searchable lists and detail pages.

Every page starts from ``Model.objects.visible_to(user)``: a record outside the user's
jurisdiction or company is a 404. Lists cost a fixed number of queries whatever their size.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.crypto import keyed_hash
from core.listing import list_page
from core.permissions import may_register_people, may_supervise_companies
from core.personal_data import note_full_numbers_shown
from oversight.selectors import flags_on
from placement.choices import ACTIVE_STAGES, Stage
from placement.models import Document, Placement, PlacementEvent
from placement.requirements import age_on
from placement.selectors import with_download_permission
from portal.selectors import job_order_timeline, quota_by_sex, with_quota_use, worker_timeline
from portal.views import missions, permits
from recruitment.choices import PermitStatus
from recruitment.filtersets import JobOrderFilterSet, WorkerFilterSet
from recruitment.models import Application, Enrolment, JobOrder, RecruitmentPermit, Registration, Worker
from recruitment.selectors import can_see_full_nik, registering_companies
from villages.models import VillageReport

DETAIL_ROWS = 25  # placements shown per page on a job order
NIK_PATTERN = re.compile(r"[0-9]{16}")


def _stage_label(value) -> str:
    return Stage(value).label if value is not None else ""


def _company_url(user, agency_id) -> str:
    """The company's supervision page, for those who may open it (a company's staff may not)."""
    if not agency_id or not may_supervise_companies(user):
        return ""
    return reverse("portal:agency_detail", args=[agency_id])


@login_required
@require_POST
def worker_find_by_nik(request):
    """Open a worker by their exact NIK, sent in the body: a personal number never goes into a URL.

    Outside the user's jurisdiction or company the answer is the same as for an unknown NIK.
    """
    nik = request.POST.get("nik", "").strip()
    if not NIK_PATTERN.fullmatch(nik):
        messages.error(request, _("A NIK must be exactly 16 digits."))
        return redirect("portal:worker_list")
    worker = Worker.objects.visible_to(request.user).filter(nik_hash=keyed_hash(nik)).only("pk").first()
    if worker is None:
        messages.error(request, _("No worker with this NIK in your jurisdiction."))
        return redirect("portal:worker_list")
    return redirect("portal:worker_detail", pk=worker.pk)


@login_required
def worker_list(request):
    user = request.user
    # Only the placements the user may see: a company never learns that another one placed the person.
    active_stage = (
        Placement.objects.visible_to(user).filter(worker=OuterRef("pk"), stage__in=ACTIVE_STAGES).values("stage")[:1]
    )
    workers = (
        Worker.objects.visible_to(user)
        .select_related("village")
        .annotate(active_stage=Subquery(active_stage), registering_companies=registering_companies(user))
    )
    listing = list_page(request, workers, WorkerFilterSet, default_sort="-id")
    for worker in listing.page.object_list:
        worker.active_stage_label = _stage_label(worker.active_stage)
    return render(request, "portal/worker_list.html", {"listing": listing, "may_register": may_register_people(user)})


def _worker_context(request, pk: int) -> dict:
    user = request.user
    today = timezone.localdate()
    worker = get_object_or_404(
        Worker.objects.visible_to(user).select_related("village__district__regency__province"), pk=pk
    )
    # Who registered the person, as far as the user may see: a company only its own registration.
    registrations = list(
        Registration.objects.visible_to(user).filter(worker=worker).select_related("agency", "registered_by")
    )
    for registration in registrations:
        registration.company_url = _company_url(user, registration.agency_id)
    placements = list(
        Placement.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("agency", "job_order__country", "job_order__occupation", "job_order__employer")
        .order_by("-created_at")
    )
    placement_ids = [placement.pk for placement in placements]
    documents = with_download_permission(
        user,
        list(Document.objects.visible_to(user).filter(placement_id__in=placement_ids).order_by("placement_id", "kind")),
        agency_of_placement={placement.pk: placement.agency_id for placement in placements},
    )
    applications = list(
        Application.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("job_order__occupation", "job_order__country", "job_order__agency")
    )
    enrolments = list(Enrolment.objects.visible_to(user).filter(worker=worker).select_related("provider"))
    events = PlacementEvent.objects.filter(placement_id__in=placement_ids).select_related("actor")
    reports = (
        VillageReport.objects.visible_to(user)
        .filter(person_nik_hash=worker.nik_hash)
        .select_related("village", "reported_by")
    )
    return {
        "worker": worker,
        "can_see_nik": can_see_full_nik(user, worker),
        "age": age_on(worker.birth_date, today),
        "today": today,
        "registrations": registrations,
        "placements": placements,
        "documents": documents,
        "applications": applications,
        "enrolments": enrolments,
        "timeline": worker_timeline(
            worker,
            registrations=registrations,
            applications=applications,
            enrolments=enrolments,
            placement_events=events,
            village_reports=reports,
        ),
        "flags": flags_on(user, {"worker": [worker.pk], "placement": placement_ids}),
    }


@login_required
def worker_detail(request, pk: int):
    return render(request, "portal/worker_detail.html", _worker_context(request, pk))


@login_required
@require_POST
def worker_nik(request, pk: int):
    """Show the full NIK to a user whose role needs it, and record that they saw it."""
    worker = get_object_or_404(Worker.objects.visible_to(request.user), pk=pk)
    if not can_see_full_nik(request.user, worker):
        raise PermissionDenied
    # Audited once the page is sent (accounts.personal_number_audit).
    note_full_numbers_shown(request, model_label=Worker._meta.label_lower, ids=[worker.pk], field="nik")
    if request.htmx:
        return render(request, "portal/_worker_nik.html", {"worker": worker, "revealed": True})
    context = _worker_context(request, pk)
    context["nik_revealed"] = True
    response = render(request, "portal/worker_detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def job_order_list(request):
    job_orders = with_quota_use(
        JobOrder.objects.visible_to(request.user).select_related("agency", "employer", "country", "occupation")
    ).prefetch_related(Prefetch("permits", queryset=RecruitmentPermit.objects.filter(status=PermitStatus.ISSUED)))
    listing = list_page(request, job_orders, JobOrderFilterSet, default_sort="-id")
    return render(request, "portal/job_order_list.html", {"listing": listing})


@login_required
def job_order_detail(request, pk: int):
    user = request.user
    job_order = get_object_or_404(
        JobOrder.objects.visible_to(user).select_related("agency", "employer__country", "country", "occupation"),
        pk=pk,
    )
    # Quota and application counts are facts of the job order (no personal data): counted over all rows.
    applications = dict(
        job_order.applications.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    by_stage = dict(
        job_order.placements.order_by().values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    # The placements themselves are personal: only those the user may see.
    placements = (
        Placement.objects.visible_to(user)
        .filter(job_order=job_order)
        .select_related("worker__village", "agency")
        .order_by("-id")
    )
    page = Paginator(placements, DETAIL_ROWS).get_page(request.GET.get("page"))
    context = {
        "job_order": job_order,
        "company_url": _company_url(user, job_order.agency_id),
        "quota_rows": quota_by_sex(job_order),
        "applications_total": sum(applications.values()),
        "applications_by_status": [
            (label, applications.get(value, 0)) for value, label in Application._meta.get_field("status").choices
        ],
        "stage_counts": [(stage.label, by_stage[stage.value]) for stage in Stage if by_stage.get(stage.value)],
        **permits.detail_context(user, job_order),  # the "Verification and permit" block
        **missions.job_order_context(user, job_order),  # the "Documents for the mission" block
        "page": page,
        "flags": flags_on(user, {"job_order": [job_order.pk]}),
        "timeline": job_order_timeline(job_order.events.select_related("actor").order_by("at", "id")),
    }
    return render(request, "portal/job_order_detail.html", context)
