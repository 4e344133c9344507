"""Check an offer before you go (issue 15): a company's licence and a job order, from a phone, with no
account and no JavaScript.

- ``/cek/perusahaan/``: search by name fragment or SIP3MI number (a GET form); ``/cek/perusahaan/<pk>/``:
  the licence, offices, sanctions in force, published job orders and a plain-words verdict.
- ``/cek/lowongan/``: a job order by its number, the demand letter's or the mission's reference, or the
  SIP2MI number (one match opens it); ``/cek/lowongan/<pk>/``: what the QR printed on a job order opens.
  The visitor may choose their regency (GET ``kabupaten``) to see the company's nearest office.
- ``/cetak/lowongan/<pk>/``: the job order on one printed page, with its QR.

An unknown id is a 404 page that says so in plain words; nothing here ever names a person.
"""

from __future__ import annotations

import segno
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.choices import LicenceStatus
from core import clock
from core.replica import reporting_reads
from villages.models import Regency

from . import checks
from .forms import regency_choices

MAX_QUERY = 100  # longer input is cut: no name, number or reference is that long


def _query(request, name: str) -> str:
    return " ".join(request.GET.get(name, "").split())[:MAX_QUERY]


def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code of an absolute address (segno: no image request, no script); sized by CSS."""
    code = segno.make(url, error="m")
    # segno writes the SVG itself and escapes the title; the address is our own reverse()d URL.
    svg = code.svg_inline(scale=4, border=2, title=title, svgclass="public-qr", omitsize=True)
    return mark_safe(svg)  # noqa: S308


def _not_found(request, *, what: str):
    if what == "company":
        context = {
            "title": _("Company not found"),
            "message": _(
                "No company with this number is on the register. A company that is not on the register "
                "has no licence: do not register or pay anything through it."
            ),
            "search_url": reverse("public:company_search"),
            "search_label": _("Search for a company"),
        }
    else:
        context = {
            "title": _("Job order not found"),
            "message": _(
                "No job order with this number is on the register. An offer that is not on the register "
                "is not a real job order: do not apply or pay anything for it."
            ),
            "search_url": reverse("public:job_order_search"),
            "search_label": _("Check a job order"),
        }
    return render(request, "public/check_not_found.html", context, status=404)


@require_safe
@reporting_reads()
def company_search(request):
    query = _query(request, "q")
    today = clock.today()
    companies = list(checks.company_search(query)) if query else []
    for company in companies:
        company.may_recruit = checks.company_may_recruit(company, today)
        company.lapsed = company.licence_status == LicenceStatus.ACTIVE and checks.licence_lapsed(company, today)
    return render(
        request,
        "public/check_company_search.html",
        {"query": query, "companies": companies, "limit": checks.SEARCH_LIMIT},
    )


@require_safe
@reporting_reads()
def company_check(request, pk: int):
    agency = checks.company_for_check(pk)
    if agency is None:
        return _not_found(request, what="company")
    today = clock.today()
    page_url = request.build_absolute_uri(reverse("public:company_check", args=[agency.pk]))
    context = {
        "agency": agency,
        "today": today,
        "lapsed": agency.licence_status == LicenceStatus.ACTIVE and checks.licence_lapsed(agency, today),
        "page_url": page_url,
        "qr": qr_svg(page_url, _("QR code of this page")),
        **checks.company_facts(agency, today),
    }
    return render(request, "public/check_company.html", context)


@require_safe
@reporting_reads()
def job_order_search(request):
    query = _query(request, "nomor")
    orders = list(checks.job_order_search(query)) if query else []
    if len(orders) == 1:
        return redirect("public:job_order_check", pk=orders[0].pk)
    return render(
        request,
        "public/check_job_order_search.html",
        {"query": query, "orders": orders, "limit": checks.SEARCH_LIMIT},
    )


def _chosen_regency(request) -> Regency | None:
    code = request.GET.get("kabupaten", "").strip()[:13]
    if not code:
        return None
    return Regency.objects.select_related("province").filter(code=code).first()


def _job_order_context(request, pk: int):
    job_order = checks.job_order_for_check(pk)
    if job_order is None:
        return None
    today = clock.today()
    regency = _chosen_regency(request)
    page_url = request.build_absolute_uri(reverse("public:job_order_check", args=[job_order.pk]))
    return {
        "job_order": job_order,
        "agency": job_order.agency,
        "today": today,
        "regency_groups": regency_choices()[1:],  # (province, [(code, name), ...]); the blank comes first
        "page_url": page_url,
        "qr": qr_svg(page_url, _("QR code to check this job order")),
        **checks.job_order_facts(job_order, today, regency),
    }


@require_safe
@reporting_reads()
def job_order_check(request, pk: int):
    context = _job_order_context(request, pk)
    if context is None:
        return _not_found(request, what="job_order")
    return render(request, "public/check_job_order.html", context)


@require_safe
@reporting_reads()
def job_order_print(request, pk: int):
    context = _job_order_context(request, pk)
    if context is None:
        return _not_found(request, what="job_order")
    return render(request, "public/print_job_order.html", context)
