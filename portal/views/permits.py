"""Recruitment permits (SIP2MI) in the portal: the company applies on its verified job order,
the ministry or a province official issues or refuses the application from a queue, an issued
permit can be revoked, and the company publishes the job order once a permit is issued.

Every write is a recruitment service; a refusal is shown to the user and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError
from core.forms import form_add_refusal
from core.permissions import may_act_for_company, may_issue_permits
from recruitment import services
from recruitment.choices import JobOrderStatus, PermitStatus
from recruitment.models import JobOrder, RecruitmentPermit
from recruitment.permit_forms import PermitApplyForm, PermitIssueForm, PermitReasonForm
from recruitment.selectors import may_decide_permit, permits_to_decide

QUEUE_ROWS = 20


def _job_order(request, pk: int) -> JobOrder:
    return get_object_or_404(
        JobOrder.objects.visible_to(request.user).select_related("agency", "country", "occupation", "employer"), pk=pk
    )


def _permit(request, pk: int) -> RecruitmentPermit:
    if not may_issue_permits(request.user):
        raise PermissionDenied
    return get_object_or_404(RecruitmentPermit.objects.visible_to(request.user), pk=pk)


def _back(request, permit: RecruitmentPermit):
    """Back where the decision was taken (the queue or the job order's page)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("portal:job_order_detail", pk=permit.job_order_id)


def _form_errors(form) -> str:
    return " ".join(str(message) for messages_ in form.errors.values() for message in messages_)


def detail_context(user, job_order: JobOrder) -> dict:
    """What the job order's "Verification and permit" block needs: the permits (all of them,
    with their status), what the user may do with each, and the company's next step."""
    today = clock.today()
    permits = list(job_order.permits.prefetch_related("regions").select_related("decided_by").order_by("-id"))
    for permit in permits:
        codes = [region.code for region in permit.regions.all()]
        permit.may_decide = may_decide_permit(user, codes)
    company = may_act_for_company(user, job_order.agency_id)
    open_for_permits = job_order.status in (JobOrderStatus.VERIFIED, JobOrderStatus.PUBLISHED)
    pending = any(permit.status == PermitStatus.APPLIED for permit in permits)
    issued_today = any(
        permit.status == PermitStatus.ISSUED and permit.valid_from <= today <= permit.valid_until for permit in permits
    )
    return {
        "permits": permits,
        "may_apply_for_permit": company and open_for_permits and not pending,
        "may_publish": company and job_order.status == JobOrderStatus.VERIFIED and issued_today,
        "awaiting_permit": company and job_order.status == JobOrderStatus.VERIFIED and not issued_today,
    }


@login_required
def permit_apply(request, pk: int):
    job_order = _job_order(request, pk)
    if not may_act_for_company(request.user, job_order.agency_id):
        raise PermissionDenied
    if request.method == "POST":
        form = PermitApplyForm(request.POST)
        if form.is_valid():
            try:
                services.permit_apply(actor=request.user, job_order_id=job_order.pk, **form.cleaned_data)
            except DomainError as error:
                form_add_refusal(form, error)
            else:
                messages.success(request, _("The application for a recruitment permit was sent."))
                return redirect("portal:job_order_detail", pk=job_order.pk)
    else:
        today = clock.today()
        form = PermitApplyForm(
            initial={
                "quota": job_order.quota,
                "valid_from": max(today, job_order.valid_from),
                "valid_until": job_order.valid_until,
            }
        )
    return render(request, "portal/permit_apply.html", {"job_order": job_order, "form": form})


@login_required
def permit_queue(request):
    if not may_issue_permits(request.user):
        raise PermissionDenied
    permits = permits_to_decide(request.user).select_related(
        "job_order__agency", "job_order__country", "job_order__occupation", "applied_by"
    )
    page = Paginator(permits.prefetch_related("regions"), QUEUE_ROWS).get_page(request.GET.get("page"))
    return render(request, "portal/permit_queue.html", {"page": page})


def _decide(request, pk: int, form_class, decide, done: str):
    permit = _permit(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was recorded: %(errors)s") % {"errors": _form_errors(form)})
        return _back(request, permit)
    try:
        decide(actor=request.user, permit_id=permit.pk, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, _("Nothing was recorded: %(errors)s") % {"errors": error.message})
    else:
        messages.success(request, done)
    return _back(request, permit)


@login_required
@require_POST
def permit_issue(request, pk: int):
    return _decide(request, pk, PermitIssueForm, services.permit_issue, _("The recruitment permit was issued."))


@login_required
@require_POST
def permit_refuse(request, pk: int):
    return _decide(
        request, pk, PermitReasonForm, services.permit_refuse, _("The application for a permit was refused.")
    )


@login_required
@require_POST
def permit_revoke(request, pk: int):
    return _decide(request, pk, PermitReasonForm, services.permit_revoke, _("The recruitment permit was revoked."))


@login_required
@require_POST
def job_order_publish(request, pk: int):
    job_order = _job_order(request, pk)
    if not may_act_for_company(request.user, job_order.agency_id):
        raise PermissionDenied
    try:
        services.job_order_publish(actor=request.user, job_order_id=job_order.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The job order is published: applications are open."))
    return redirect(reverse("portal:job_order_detail", args=[job_order.pk]))
