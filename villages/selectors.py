"""Reads for a village's page: its people in process and what its officers reported."""

from __future__ import annotations

from django.core.paginator import Paginator

ROWS_PER_SECTION = 20


def _section(request, queryset, param: str) -> dict:
    """One paginated section of a page; its page number lives in its own URL parameter so
    paging one section keeps the other's place."""
    page = Paginator(queryset, ROWS_PER_SECTION).get_page(request.GET.get(param))

    def link(number: int) -> str:
        params = request.GET.copy()
        params[param] = number
        return "?" + params.urlencode()

    return {
        "page": page,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def village_sections(request, code: str) -> dict:
    """Workers of the village in an active placement, and the village's reports, each scoped to the user."""
    from placement.choices import ACTIVE_STAGES
    from placement.models import Placement
    from recruitment.models import mask_number

    from .models import VillageReport

    user = request.user
    people = (
        Placement.objects.visible_to(user)
        .filter(worker__village_id=code, stage__in=ACTIVE_STAGES)
        .select_related("worker", "agency", "job_order__country", "job_order__occupation")
        .order_by("-stage_changed_at", "-id")
    )
    reports = VillageReport.objects.visible_to(user).filter(village_id=code).select_related("reported_by")
    sections = {
        "people": _section(request, people, "people_page"),
        "reports": _section(request, reports.order_by("-occurred_on", "-id"), "reports_page"),
    }
    for report in sections["reports"]["page"].object_list:
        report.masked_nik = mask_number(report.person_nik)  # a page never shows a full NIK
    return sections
