"""The public's vacancy board, safe-migration information and report of a fake offer or a broker.

- ``vacancy_board`` (/lowongan/): the published job orders still open today (public.vacancies),
  filtered and sorted from the URL, paged, at a fixed number of queries; how to apply through
  the regency office and the company's branch; the fill rate nationally and by province.
- ``safe_migration`` (/informasi/): the registers' facts (public.safe_migration), not prose.
- ``report_new`` (/laporkan/): a report becomes a complaint through complaints.services, behind
  the complaint form's guard (public.guard: the same budget per address, honeypot and signed
  stamp); its code and secret are shown once by the complaint form's "filed" page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from complaints.choices import Channel
from complaints.services import complaint_file
from core import clock
from core.errors import DomainError
from core.forms import form_add_refusal
from core.replica import reporting_reads

from .forms_vacancies import ReportForm, VacancyFilterForm
from .guard import HONEYPOT_FIELD, client_address, filing_budget, make_stamp, stamp_problem
from .safe_migration import safe_migration_facts
from .vacancies import fill_rates, job_orders_for_page, open_vacancies, regions_of
from .views import FILED_KEY, _too_many

VACANCIES_PER_PAGE = 20
REGIONS_SHOWN = 6  # a permit may name dozens of regencies: the first few, then "and N more"


def _how_to_apply(job_order, regions, area_code: str) -> dict:
    """Where the person applies: the regency office where they live (if the permit covers it)
    and the company's branch there, else the company's branches in the permit's regions."""
    branches = list(getattr(job_order.agency, "public_branches", ()))
    region_codes = {regency.code for regency in regions}
    home = None
    if "." in area_code:
        home = next((regency for regency in regions if regency.code == area_code), None)
    elif area_code:
        branches_in_area = [branch for branch in branches if branch.regency.province_id == area_code]
        return {
            "home": None,
            "branches": branches_in_area or [b for b in branches if b.regency.code in region_codes],
        }
    if home is not None:
        here = [branch for branch in branches if branch.regency.code == home.code]
        return {"home": home, "branches": here or [b for b in branches if b.regency.province_id == home.province_id]}
    return {"home": None, "branches": [branch for branch in branches if branch.regency.code in region_codes]}


def _vacancy_rows(job_orders, area_code: str) -> list[dict]:
    rows = []
    for job_order in job_orders:
        regions = regions_of(job_order)
        rows.append(
            {
                "job_order": job_order,
                "regions": regions[:REGIONS_SHOWN],
                "more_regions": max(len(regions) - REGIONS_SHOWN, 0),
                "apply": _how_to_apply(job_order, regions, area_code),
                "zero_cost": job_order.occupation.zero_cost,
            }
        )
    return rows


def _area_rate(provinces, area_code: str):
    province_code = area_code.split(".")[0] if area_code else ""
    return next((rate for rate in provinces if rate.code == province_code), None)


@require_GET
@reporting_reads()
def vacancy_board(request):
    form = VacancyFilterForm(request.GET or None)
    selection = None if form.is_bound and not form.is_valid() else form.selection()
    today = clock.today()
    rows = open_vacancies(on=today, **selection) if selection is not None else []
    page = Paginator(rows, VACANCIES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    area_code = (selection or {}).get("area_code", "")
    national, provinces = fill_rates()
    context = {
        "form": form,
        "page": page,
        "rows": _vacancy_rows(job_orders_for_page(page.object_list, on=today), area_code),
        "querystring": params.urlencode(),
        "is_filtered": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
        "national": national,
        "provinces": provinces,
        "area_rate": _area_rate(provinces, area_code),
        "today": today,
    }
    return render(request, "public/vacancy_board.html", context, status=200 if selection is not None else 400)


@require_GET
@reporting_reads()
def safe_migration(request):
    return render(request, "public/safe_migration.html", safe_migration_facts(clock.today()))


def _refusal_of_bot_check(problem: str) -> str:
    if problem == "too_fast":
        return _(
            "The form was sent faster than a person can fill it in. If you are a person, check your "
            "entries and press “Send the report” again."
        )
    if problem == "expired":
        return _("The form was open for too long. Check your entries and press “Send the report” again.")
    return _("The report could not be sent. Check your entries and press “Send the report” again.")


@never_cache
@require_http_methods(["GET", "POST"])
def report_new(request):
    if request.method != "POST":
        return render(request, "public/report_new.html", {"form": ReportForm(initial={"stamp": make_stamp()})})
    address = client_address(request)
    budget = filing_budget()  # the complaint form's budget: a report is a complaint
    if budget.spent(address):
        return _too_many(request)
    problem = "honeypot" if request.POST.get(HONEYPOT_FIELD) else stamp_problem(request.POST.get("stamp", ""))
    if problem:
        budget.count(address)  # a script's attempt spends the budget as a report would
        data = request.POST.copy()
        data["stamp"], data[HONEYPOT_FIELD] = make_stamp(), ""
        context = {"form": ReportForm(data), "refusal": _refusal_of_bot_check(problem)}
        return render(request, "public/report_new.html", context, status=400)
    form = ReportForm(request.POST)
    if form.is_valid():
        actor = request.user if request.user.is_authenticated else None
        try:
            complaint, secret = complaint_file(actor=actor, channel=Channel.WEB, **form.service_arguments())
        except DomainError as error:
            if "description" in error.fields:
                error.fields["offer"] = error.fields.pop("description")
            form_add_refusal(form, error)
        else:
            budget.count(address)
            request.session[FILED_KEY] = {"id": complaint.pk, "secret": secret}
            return redirect("public:complaint_filed")
    return render(request, "public/report_new.html", {"form": form}, status=400)
