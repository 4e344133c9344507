"""What the public may read of the job orders: the vacancies still open and how full they are.

Nothing here is scoped to a user: it is the public part of the registers, chosen explicitly
(published job orders, issued permits, company names), never a worker or a person.

- ``open_vacancies``: published job orders a person can still apply to today: the job order
  and an issued SIP2MI permit are valid today, the company's licence is active, the employer
  is not blacklisted, no moratorium stops the country and sector, and places are left (in
  total, and for the person's sex when one is chosen). Places left = positions minus the
  placements not cancelled (placement.services.placement_create counts them the same way).
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
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from agencies.choices import LicenceStatus
from agencies.models import Branch
from placement.choices import Stage
from placement.models import Placement
from recruitment.choices import JobOrderStatus, PermitStatus, Sex
from recruitment.models import JobOrder, Moratorium, RecruitmentPermit
from villages.models import Province, Regency

# The board's sort orders: key -> ORDER BY (a unique tiebreaker keeps pages stable).
SORTS = {
    "newest": ("-id",),
    # Salaries compare only within a currency: grouped by currency, highest first.
    "salary": ("currency", "-salary", "-id"),
    "quota": ("-places_left", "-id"),
}
DEFAULT_SORT = "newest"
# The fill rates scan every published job order's placements: computed at most this often.
FILL_RATES_SECONDS = 300
FILL_RATES_CACHE_KEY = "public:fill-rates:v1"


def _count(queryset) -> Subquery:
    """COUNT(*) of a correlated queryset, as an integer (0 when it has no rows)."""
    counted = queryset.order_by().values("job_order_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _permits_valid(on: date):
    return RecruitmentPermit.objects.filter(status=PermitStatus.ISSUED, valid_from__lte=on, valid_until__gte=on)


def _area_filter(area_code: str) -> Q:
    """Regions inside the province (``52``) or the regency (``52.03``) the person lives in."""
    if "." in area_code:
        return Q(regions__code=area_code)
    return Q(regions__province_id=area_code)


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
):
    """The job orders open to applicants today, annotated with places left (total, women, men).

    Each row carries ``valid_permits`` (issued, valid today, with their ``regions``) and the
    company's ``branches`` (with their regency), prefetched: a page costs a fixed number of queries."""
    taken = Placement.objects.filter(job_order_id=OuterRef("pk")).exclude(stage=Stage.CANCELLED)
    moratorium = Moratorium.objects.filter(
        country_id=OuterRef("country_id"), sector=OuterRef("sector"), starts_on__lte=on
    ).exclude(ends_on__lt=on)
    permits = _permits_valid(on).filter(job_order_id=OuterRef("pk"))
    rows = (
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
        .annotate(taken=_count(taken), taken_female=_count(taken.filter(worker__sex=Sex.FEMALE)))
        .annotate(places_left=F("quota") - F("taken"))
        .annotate(
            places_left_female=Case(
                When(quota_female__isnull=True, then=F("places_left")),
                default=Least(F("places_left"), F("quota_female") - F("taken_female")),
                output_field=IntegerField(),
            ),
            places_left_male=Case(
                When(quota_male__isnull=True, then=F("places_left")),
                default=Least(F("places_left"), F("quota_male") - (F("taken") - F("taken_female"))),
                output_field=IntegerField(),
            ),
        )
        .filter(places_left__gt=0)
    )
    if country:
        rows = rows.filter(country_id=country)
    if sector:
        rows = rows.filter(sector=sector)
    if occupation:
        rows = rows.filter(occupation_id=occupation)
    if sex == Sex.FEMALE:
        rows = rows.filter(places_left_female__gt=0)
    elif sex == Sex.MALE:
        rows = rows.filter(places_left_male__gt=0)
    if area_code:
        rows = rows.filter(Exists(permits.filter(_area_filter(area_code))))
    if min_salary is not None:
        rows = rows.filter(salary__gte=min_salary)
    regions = Regency.objects.only("code", "name", "province_id").order_by("name")
    branches = Branch.objects.select_related("regency").only(
        "agency_id", "address", "regency__code", "regency__name", "regency__province_id"
    )
    return (
        rows.select_related("agency", "agency__head_office_regency", "country", "occupation")
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
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


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
    with connection.cursor() as cursor:
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
