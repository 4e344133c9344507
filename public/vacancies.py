"""What the public may read of the job orders: the vacancies still open and how full they are.

Nothing here is scoped to a user: it is the public part of the registers, chosen explicitly
(published job orders, issued permits, company names), never a worker or a person.

- ``open_vacancies``: published job orders a person can still apply to today: the job order
  and an issued SIP2MI permit are valid today, the company's licence is active, the employer
  is not blacklisted, no moratorium stops the country and sector, and places are left (in
  total, and for the person's sex when one is chosen). Places left = positions minus the
  placements not cancelled (placement.services.placement_create counts them the same way),
  counted in one GROUP BY over the candidates' placements; ``job_orders_for_page`` reads
  only the page's job orders (on 200,000 generated workers: 1,300 open job orders, 80-240 ms).
- ``fill_rates``: placements registered (not cancelled) over the positions of the published
  job orders, nationally and for the job orders recruiting in each province (an issued
  permit naming one of its regencies): the seeds' "337,431 vacancies, 18.04 % filled".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from agencies.choices import LicenceStatus
from agencies.models import Branch
from core.replica import reporting_cursor
from placement.choices import Stage
from placement.models import Placement
from recruitment.choices import JobOrderStatus, PermitStatus, Sex
from recruitment.models import JobOrder, Moratorium, RecruitmentPermit
from recruitment.selectors import places_left
from villages.models import Province, Regency

# The board's sort orders: key -> ORDER BY (a unique tiebreaker keeps pages stable).
SORTS = ("newest", "salary", "quota")  # newest first, highest salary within a currency, most places left
DEFAULT_SORT = "newest"
# The fill rates scan every published job order's placements: computed at most this often.
FILL_RATES_SECONDS = 300
FILL_RATES_CACHE_KEY = "public:fill-rates:v1"


def _permits_valid(on: date):
    return RecruitmentPermit.objects.filter(status=PermitStatus.ISSUED, valid_from__lte=on, valid_until__gte=on)


def _area_filter(area_code: str) -> Q:
    """Regions inside the province (``52``) or the regency (``52.03``) the person lives in."""
    if "." in area_code:
        return Q(regions__code=area_code)
    return Q(regions__province_id=area_code)


@dataclass(frozen=True)
class Vacancy:
    """One open job order as the board sorts it, before its page is read."""

    pk: int
    salary: Decimal
    currency: str
    places_left: int
    places_left_female: int
    places_left_male: int


def open_vacancies(
    *,
    on: date,
    country: str = "",
    sector: str = "",
    occupation: str = "",
    sex: str = "",
    area_code: str = "",
    min_salary: Decimal | None = None,
    sort: str = DEFAULT_SORT,
) -> list[Vacancy]:
    """The job orders open to applicants today, with places left (total, women, men), sorted.

    Two queries whatever the number of job orders: the candidates (small rows), and the
    placements not cancelled counted per candidate in one GROUP BY (by sex through the
    worker). Places left are worked out here: in SQL the counts would be repeated in every
    expression that uses them. ``job_orders_for_page`` then reads the page's job orders."""
    moratorium = Moratorium.objects.filter(
        country_id=OuterRef("country_id"), sector=OuterRef("sector"), starts_on__lte=on
    ).exclude(ends_on__lt=on)
    permits = _permits_valid(on).filter(job_order_id=OuterRef("pk"))
    candidates = (
        JobOrder.objects.filter(
            status=JobOrderStatus.PUBLISHED,
            valid_from__lte=on,
            valid_until__gte=on,
            agency__licence_status=LicenceStatus.ACTIVE,
            employer__blacklisted=False,
        )
        .exclude(agency__licence_expires_on__lt=on)
        .filter(Exists(permits))
        .exclude(Exists(moratorium))
    )
    if country:
        candidates = candidates.filter(country_id=country)
    if sector:
        candidates = candidates.filter(sector=sector)
    if occupation:
        candidates = candidates.filter(occupation_id=occupation)
    if area_code:
        candidates = candidates.filter(Exists(permits.filter(_area_filter(area_code))))
    if min_salary is not None:
        candidates = candidates.filter(salary__gte=min_salary)
    rows = list(candidates.order_by().values_list("id", "quota", "quota_female", "quota_male", "salary", "currency"))
    if not rows:
        return []
    taken = {
        job_order_id: (total, female)
        for job_order_id, total, female in Placement.objects.filter(job_order_id__in=[row[0] for row in rows])
        .exclude(stage=Stage.CANCELLED)
        .order_by()
        .values("job_order_id")
        .annotate(total=Count("id"), female=Count("id", filter=Q(worker__sex=Sex.FEMALE)))
        .values_list("job_order_id", "total", "female")
    }
    vacancies = []
    for pk, quota, quota_female, quota_male, salary, currency in rows:
        total, female = taken.get(pk, (0, 0))
        left = places_left(quota, None, total, 0)
        vacancy = Vacancy(
            pk=pk,
            salary=salary,
            currency=currency,
            places_left=left,
            places_left_female=places_left(quota, quota_female, total, female),
            places_left_male=places_left(quota, quota_male, total, total - female),
        )
        if left <= 0 or (sex == Sex.FEMALE and vacancy.places_left_female <= 0):
            continue
        if sex == Sex.MALE and vacancy.places_left_male <= 0:
            continue
        vacancies.append(vacancy)
    if sort == "salary":  # salaries compare only within a currency: by currency, highest first
        vacancies.sort(key=lambda v: (v.currency, -v.salary, -v.pk))
    elif sort == "quota":
        vacancies.sort(key=lambda v: (-v.places_left, -v.pk))
    else:  # newest first
        vacancies.sort(key=lambda v: -v.pk)
    return vacancies


def job_orders_for_page(vacancies, *, on: date) -> list:
    """The page's job orders in the board's order, each with its ``places_left*``, its valid
    permits (``valid_permits``, with ``regions``) and its company's ``public_branches``:
    four queries for any page."""
    if not vacancies:
        return []
    by_pk = {vacancy.pk: vacancy for vacancy in vacancies}
    regions = Regency.objects.only("code", "name", "province_id").order_by("name")
    branches = Branch.objects.select_related("regency").only(
        "agency_id", "address", "regency__code", "regency__name", "regency__province_id"
    )
    job_orders = (
        JobOrder.objects.filter(pk__in=list(by_pk))
        .select_related("agency", "agency__head_office_regency", "country", "occupation")
        .only(
            "id",
            "reference",
            "sector",
            "quota",
            "quota_female",
            "quota_male",
            "salary",
            "currency",
            "contract_months",
            "worker_costs",
            "valid_until",
            "mission_verified_on",
            "agency__id",
            "agency__name",
            "agency__licence_number",
            "agency__head_office_regency__code",
            "agency__head_office_regency__name",
            "country__code",
            "country__name",
            "country__worker_cost_cap_idr",
            "occupation__code",
            "occupation__name",
            "occupation__zero_cost",
        )
        .prefetch_related(
            Prefetch(
                "permits",
                queryset=_permits_valid(on)
                .only("id", "job_order_id")
                .prefetch_related(Prefetch("regions", queryset=regions)),
                to_attr="valid_permits",
            ),
            Prefetch("agency__branches", queryset=branches, to_attr="public_branches"),
        )
    )
    found = {job_order.pk: job_order for job_order in job_orders}
    page = []
    for vacancy in vacancies:
        job_order = found.get(vacancy.pk)
        if job_order is None:  # gone between the two reads
            continue
        job_order.places_left = vacancy.places_left
        job_order.places_left_female = vacancy.places_left_female
        job_order.places_left_male = vacancy.places_left_male
        page.append(job_order)
    return page


def regions_of(job_order) -> list[Regency]:
    """The regencies where the job order may recruit today (its valid permits' regions), by name."""
    seen: dict[str, Regency] = {}
    for permit in getattr(job_order, "valid_permits", ()):
        for regency in permit.regions.all():
            seen.setdefault(regency.code, regency)
    return sorted(seen.values(), key=lambda regency: regency.name)


# --- the fill rate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FillRate:
    code: str  # "" for the nation, else the province's code
    name: str
    positions: int
    filled: int

    @property
    def percent(self) -> Decimal | None:
        """Filled over positions, in percent with two decimals (None when there are no positions)."""
        if not self.positions:
            return None
        return (Decimal(self.filled) * 100 / Decimal(self.positions)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def open_places(self) -> int:
        return max(self.positions - self.filled, 0)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _fill_rates_sql() -> str:
    """One statement: the nation's row first (code NULL), then one row per province."""
    job_order, placement, permit = JobOrder, Placement, RecruitmentPermit
    through = RecruitmentPermit.regions.through
    q = connection.ops.quote_name
    return f"""
        WITH published AS (
            SELECT jo.{_column(job_order, "id")} AS id, jo.{_column(job_order, "quota")} AS quota,
                   (SELECT COUNT(*) FROM {_table(placement)} p
                     WHERE p.{_column(placement, "job_order")} = jo.{_column(job_order, "id")}
                       AND p.{_column(placement, "stage")} <> %s) AS filled
              FROM {_table(job_order)} jo
             WHERE jo.{_column(job_order, "status")} = %s
        ), recruiting AS (
            SELECT DISTINCT pe.{_column(permit, "job_order")} AS job_order_id,
                   rg.{_column(Regency, "province")} AS province_id
              FROM {_table(permit)} pe
              JOIN {_table(through)} pr ON pr.{q(through._meta.get_field("recruitmentpermit").column)}
                                           = pe.{_column(permit, "id")}
              JOIN {_table(Regency)} rg ON rg.{_column(Regency, "code")}
                                           = pr.{q(through._meta.get_field("regency").column)}
             WHERE pe.{_column(permit, "status")} = %s
        )
        SELECT NULL AS code, NULL AS name, COALESCE(SUM(quota), 0), COALESCE(SUM(filled), 0), 0 AS rank
          FROM published
        UNION ALL
        SELECT pv.{_column(Province, "code")}, pv.{_column(Province, "name")}, SUM(pub.quota), SUM(pub.filled), 1
          FROM recruiting r
          JOIN published pub ON pub.id = r.job_order_id
          JOIN {_table(Province)} pv ON pv.{_column(Province, "code")} = r.province_id
         GROUP BY 1, 2
         ORDER BY 5, 2
    """


def _compute_fill_rates() -> tuple[FillRate, list[FillRate]]:
    with reporting_cursor() as cursor:
        cursor.execute(_fill_rates_sql(), [int(Stage.CANCELLED), JobOrderStatus.PUBLISHED, PermitStatus.ISSUED])
        rows = cursor.fetchall()
    national, *provinces = (
        FillRate(code=code or "", name=name or "", positions=int(positions), filled=int(filled))
        for code, name, positions, filled, _rank in rows
    )
    return national, provinces


def fill_rates() -> tuple[FillRate, list[FillRate]]:
    """The nation's fill rate and each province's (of the job orders recruiting there), recomputed
    at most every FILL_RATES_SECONDS: one query when the cache has none."""
    cached = cache.get(FILL_RATES_CACHE_KEY)
    if cached is None:
        cached = _compute_fill_rates()
        cache.set(FILL_RATES_CACHE_KEY, cached, FILL_RATES_SECONDS)
    return cached
