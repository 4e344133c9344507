"""The landing page of every role."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render

from core.permissions import is_mission_officer, is_village_officer, may_verify_job_orders
from core.roles import Role
from placement.choices import Stage
from placement.models import Placement
from recruitment.choices import JobOrderStatus
from recruitment.models import JobOrder, Worker
from villages.models import District, Regency, Village

from .complaints import officer_queue
from .missions import arrivals_to_report


@login_required
def home(request):
    """The landing page of each role: its jurisdiction and the cases it holds."""
    user = request.user
    if is_village_officer(user):  # their home is their village, under /desa/ (the offline app's scope)
        return redirect("portal:village_home")
    by_stage = dict(
        Placement.objects.visible_to(user)
        .order_by()
        .values_list("stage")
        .annotate(count=Count("id"))
        .values_list("stage", "count")
    )
    context = {
        "jurisdiction": user.jurisdiction,
        "stage_counts": [(stage.label, by_stage.get(stage.value, 0)) for stage in Stage],
        "worker_count": Worker.objects.visible_to(user).count(),
        "published_job_orders": JobOrder.objects.visible_to(user).filter(status=JobOrderStatus.PUBLISHED).count(),
        "placement_count": sum(by_stage.values()),
    }
    if may_verify_job_orders(user):  # the mission's (or the ministry's) work waiting
        context["to_verify"] = JobOrder.objects.visible_to(user).filter(status=JobOrderStatus.SUBMITTED).count()
        context["arrivals_waiting"] = arrivals_to_report(user).count()
    if user.role == Role.COMPLAINT_OFFICER:  # their queue: theirs first, the most overdue first
        context["complaint_queue"] = officer_queue(user)
    if not user.is_agency_user and not is_mission_officer(user):
        context["area_counts"] = [
            (Regency._meta.verbose_name_plural, Regency.objects.visible_to(user).count()),
            (District._meta.verbose_name_plural, District.objects.visible_to(user).count()),
            (Village._meta.verbose_name_plural, Village.objects.visible_to(user).count()),
        ]
    return render(request, "portal/home.html", context)
