"""The open registers (/data/v1/): companies, published job orders, placement figures.

Each register is a fixed list of columns (what the OpenAPI description, the JSON objects and the
CSV header all read) and one set-based query: a register is a few SQL statements whatever its size,
never a query per row. Nothing personal is in any of them: companies and job orders are public
facts; placements appear only as counts by province and month. The foreign employer is left out
of the job orders on purpose: a household employer is a private person.

A register's rows are kept in Django's cache for ``PUBLIC_REGISTER_CACHE_SECONDS`` so a crowd
of downloads costs one query; its ETag is a digest of the rows (so it changes exactly when the
data does) and its Last-Modified the newest ``updated_at`` among what it lists.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from agencies.choices import LicenceStatus, Sector
from agencies.models import Agency, Branch
from core.replica import reporting_cursor, reporting_reads
from placement.choices import Stage
from placement.models import Placement
from recruitment.choices import JobOrderStatus, PermitStatus
from recruitment.models import Country, JobOrder, Occupation, RecruitmentPermit, Worker
from recruitment.selectors import places_left
from villages.models import Province, Regency

VERSION = "v1"
# Changing what a register's rows mean (not only adding one) needs a /data/v2/.
FORMAT_REVISION = "1"
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
ATTRIBUTION = "SISKOP2MI"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # an OpenAPI type: string, integer, number, boolean; "date" and "array" are strings of those
    description: str
    nullable: bool = False
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A register's rows as built at one moment."""

    rows: list[tuple]
    last_modified: datetime | None
    digest: str


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    build: Callable[[], tuple[list[tuple], datetime | None]] = field(repr=False)

    def table(self) -> Table:
        """The rows, from the cache while they are fresh enough, else from the database."""
        seconds = settings.PUBLIC_REGISTER_CACHE_SECONDS
        key = f"public:register:{VERSION}:{FORMAT_REVISION}:{self.slug}"
        if seconds > 0:
            cached = cache.get(key)
            if cached is not None:
                return cached
        with reporting_reads():  # the read replica when configured: a register only reports
            rows, last_modified = self.build()
        table = Table(rows=rows, last_modified=last_modified, digest=_digest(self.slug, rows))
        if seconds > 0:
            cache.set(key, table, seconds)
        return table

    def record(self, row: tuple) -> dict:
        """A row as the JSON object of its columns."""
        return {column.name: json_value(value) for column, value in zip(self.columns, row, strict=True)}


def json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [json_value(item) for item in value]
    return value


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ";".join(csv_value(item) for item in value)
    value = json_value(value)
    return value if isinstance(value, str) else str(value)


def _digest(slug: str, rows: list[tuple]) -> str:
    payload = json.dumps([slug, FORMAT_REVISION, [[json_value(v) for v in row] for row in rows]], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _newest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _fetch(sql: str, params: dict | None = None) -> list[tuple]:
    with reporting_cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def _names(model) -> str:
    return model._meta.db_table


# --- companies -------------------------------------------------------------------------------

COMPANY_COLUMNS = (
    Column("id", "integer", "The company's id in this portal (its check page is /cek/perusahaan/{id}/)."),
    Column("name", "string", "The company's registered name."),
    Column("sip3mi", "string", "Licence number (SIP3MI).", nullable=True),
    Column("licence_status", "string", "Licence status.", enum=tuple(LicenceStatus.values)),
    Column("licence_issued_on", "date", "The day the licence was issued.", nullable=True),
    Column("licence_expires_on", "date", "The day the licence expires.", nullable=True),
    Column("head_office_regency_code", "string", "Official code of the head office's regency/city.", nullable=True),
    Column("head_office_regency", "string", "Name of the head office's regency/city.", nullable=True),
    Column("branch_regency_codes", "array", "Official codes of the regencies/cities with a branch (CSV: ';')."),
    Column("branch_regencies", "array", "Names of the regencies/cities with a branch, in the same order (CSV: ';')."),
)

COMPANIES_SQL = f"""
SELECT a.id, a.name, a.licence_number, a.licence_status, a.licence_issued_on, a.licence_expires_on,
       a.head_office_regency_id, hr.name,
       COALESCE(b.codes, ARRAY[]::varchar[]), COALESCE(b.names, ARRAY[]::varchar[])
FROM {_names(Agency)} a
LEFT JOIN {_names(Regency)} hr ON hr.code = a.head_office_regency_id
LEFT JOIN (
    SELECT br.agency_id, array_agg(br.regency_id ORDER BY br.regency_id) AS codes,
           array_agg(r.name ORDER BY br.regency_id) AS names
    FROM {_names(Branch)} br JOIN {_names(Regency)} r ON r.code = br.regency_id
    GROUP BY br.agency_id
) b ON b.agency_id = a.id
ORDER BY a.name, a.id
"""


def _companies() -> tuple[list[tuple], datetime | None]:
    rows = [(*row[:8], tuple(row[8]), tuple(row[9])) for row in _fetch(COMPANIES_SQL)]
    newest = _fetch(f"SELECT max(updated_at) FROM {_names(Agency)}")[0][0]
    return rows, newest


# --- published job orders ----------------------------------------------------------------------

JOB_ORDER_COLUMNS = (
    Column("id", "integer", "The job order's id (its check page is /cek/lowongan/{id}/)."),
    Column("reference", "string", "The employer's demand letter reference."),
    Column("company_id", "integer", "The placement company bringing the job order (see the companies register)."),
    Column("company", "string", "The placement company's name."),
    Column("company_sip3mi", "string", "The placement company's licence number (SIP3MI).", nullable=True),
    Column("country_code", "string", "Destination country (ISO 3166-1 alpha-2)."),
    Column("country", "string", "Destination country's name."),
    Column(
        "sector", "string", "Formal (company employer) or informal (individual employer).", enum=tuple(Sector.values)
    ),
    Column("occupation_code", "string", "Occupation code."),
    Column("occupation", "string", "Occupation name."),
    Column("zero_cost", "boolean", "The worker may be charged nothing for this occupation (Peraturan BP2MI 9/2020)."),
    Column("salary", "number", "Monthly salary, in `currency`."),
    Column("currency", "string", "Currency of the salary (ISO 4217)."),
    Column("contract_months", "integer", "Length of the employment contract in months."),
    Column("worker_costs_idr", "integer", "Costs the worker may be charged, in rupiah (0 for zero-cost occupations)."),
    Column("valid_from", "date", "First day of the job order's validity."),
    Column("valid_until", "date", "Last day of the job order's validity."),
    Column("mission_verified_on", "date", "The day the Indonesian mission abroad verified it.", nullable=True),
    Column("quota", "integer", "Positions."),
    Column("quota_female", "integer", "Positions for women, when the job order sets them.", nullable=True),
    Column("quota_male", "integer", "Positions for men, when the job order sets them.", nullable=True),
    Column("quota_left", "integer", "Positions not yet taken by a placement (cancelled placements free theirs)."),
    Column("quota_left_female", "integer", "How many more women can still be placed on it."),
    Column("quota_left_male", "integer", "How many more men can still be placed on it."),
    Column(
        "region_codes",
        "array",
        "Official codes of the regencies/cities an issued recruitment permit (SIP2MI) allows recruiting in (CSV: ';').",
    ),
    Column("regions", "array", "Names of those regencies/cities, in the same order (CSV: ';')."),
    Column("permit_valid_until", "date", "Last day of the latest issued recruitment permit.", nullable=True),
)

JOB_ORDERS_SQL = f"""
WITH published AS (
    SELECT * FROM {_names(JobOrder)} WHERE status = %(published)s
), used AS (
    SELECT p.job_order_id, count(*) FILTER (WHERE p.stage <> %(cancelled)s) AS used, max(p.updated_at) AS newest
    FROM {_names(Placement)} p
    JOIN published j ON j.id = p.job_order_id
    GROUP BY p.job_order_id
), used_by_sex AS (  -- only job orders with positions by sex need the workers' sex
    SELECT p.job_order_id,
           count(*) FILTER (WHERE w.sex = 'F') AS used_female,
           count(*) FILTER (WHERE w.sex = 'M') AS used_male
    FROM {_names(Placement)} p
    JOIN published j ON j.id = p.job_order_id AND (j.quota_female IS NOT NULL OR j.quota_male IS NOT NULL)
    JOIN {_names(Worker)} w ON w.id = p.worker_id
    WHERE p.stage <> %(cancelled)s
    GROUP BY p.job_order_id
), reach AS (
    SELECT pm.job_order_id, array_agg(DISTINCT pr.regency_id ORDER BY pr.regency_id) AS codes,
           max(pm.valid_until) AS valid_until, max(pm.decided_at) AS newest
    FROM {_names(RecruitmentPermit)} pm
    JOIN published j ON j.id = pm.job_order_id
    JOIN {RecruitmentPermit.regions.through._meta.db_table} pr ON pr.recruitmentpermit_id = pm.id
    WHERE pm.status = %(issued)s
    GROUP BY pm.job_order_id
)
SELECT j.id, j.reference, a.id, a.name, a.licence_number, j.country_id, c.name, j.sector, o.code, o.name,
       o.zero_cost, j.salary, j.currency, j.contract_months, j.worker_costs, j.valid_from, j.valid_until,
       j.mission_verified_on, j.quota, j.quota_female, j.quota_male,
       COALESCE(u.used, 0), COALESCE(s.used_female, 0), COALESCE(s.used_male, 0),
       COALESCE(reach.codes, ARRAY[]::varchar[]), reach.valid_until,
       greatest(j.updated_at, a.updated_at, u.newest, reach.newest)
FROM published j
JOIN {_names(Agency)} a ON a.id = j.agency_id
JOIN {_names(Country)} c ON c.code = j.country_id
JOIN {_names(Occupation)} o ON o.code = j.occupation_id
LEFT JOIN used u ON u.job_order_id = j.id
LEFT JOIN used_by_sex s ON s.job_order_id = j.id
LEFT JOIN reach ON reach.job_order_id = j.id
ORDER BY j.id
"""


def _job_orders() -> tuple[list[tuple], datetime | None]:
    params = {"published": JobOrderStatus.PUBLISHED, "cancelled": int(Stage.CANCELLED), "issued": PermitStatus.ISSUED}
    raw = _fetch(JOB_ORDERS_SQL, params)
    regency_names = dict(
        Regency.objects.filter(code__in={code for row in raw for code in row[24]}).values_list("code", "name")
    )
    rows, newest = [], None
    for row in raw:
        quota, quota_female, quota_male, used, used_female, used_male = row[18:24]
        left = places_left(quota, None, used, 0)
        left_female = places_left(quota, quota_female, used, used_female)
        left_male = places_left(quota, quota_male, used, used_male)
        codes = tuple(row[24])
        rows.append(
            (
                *row[:21],
                left,
                left_female,
                left_male,
                codes,
                tuple(regency_names.get(code, "") for code in codes),
                row[25],
            )
        )
        newest = _newest(newest, row[26])
    # A job order that left the list (closed, cancelled) changed it too.
    return rows, _newest(newest, JobOrder.objects.order_by("-updated_at").values_list("updated_at", flat=True).first())


# --- placement figures --------------------------------------------------------------------------

FIGURE_COLUMNS = (
    Column("province_code", "string", "Official code of the province of the worker's village of domicile."),
    Column("province", "string", "The province's name."),
    Column("month", "string", "Calendar month, YYYY-MM (Western Indonesia Time)."),
    Column("registered", "integer", "Placements registered in the portal that month (later cancellations included)."),
    Column("departed", "integer", "Placements whose worker departed that month."),
    Column("returned", "integer", "Placements whose worker came home that month."),
)

# One pass over the placements: three groupings (GROUPING() tells which), months as dates (cheap to
# group), spelled YYYY-MM only for the few rows that come out.
FIGURES_SQL = f"""
SELECT left(w.village_id, 2), GROUPING(p.registered), GROUPING(p.departed),
       COALESCE(p.registered, p.departed, p.returned), count(*)
FROM (
    SELECT worker_id, date_trunc('month', created_at AT TIME ZONE %(tz)s)::date AS registered,
           date_trunc('month', departed_on)::date AS departed, date_trunc('month', returned_on)::date AS returned
    FROM {_names(Placement)}
) p
JOIN {_names(Worker)} w ON w.id = p.worker_id
GROUP BY GROUPING SETS ((1, p.registered), (1, p.departed), (1, p.returned))
HAVING COALESCE(p.registered, p.departed, p.returned) IS NOT NULL
"""

FIGURE_KINDS = ("registered", "departed", "returned")


def _figures() -> tuple[list[tuple], datetime | None]:
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for province, not_registered, not_departed, month, count in _fetch(FIGURES_SQL, {"tz": settings.TIME_ZONE}):
        kind = "registered" if not not_registered else "departed" if not not_departed else "returned"
        counts.setdefault((province, month.strftime("%Y-%m")), {})[kind] = count
    names = dict(Province.objects.values_list("code", "name"))
    rows = [
        (province, names.get(province, ""), month, *(by_kind.get(kind, 0) for kind in FIGURE_KINDS))
        for (province, month), by_kind in sorted(counts.items())
    ]
    newest = Placement.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return rows, newest


REGISTERS = {
    register.slug: register
    for register in (
        Register(
            slug="companies",
            title="Placement companies (P3MI) and their licences",
            description="Every placement company with its licence (SIP3MI) status, head office and branches.",
            columns=COMPANY_COLUMNS,
            build=_companies,
        ),
        Register(
            slug="job-orders",
            title="Published job orders and the positions left",
            description=(
                "Job orders verified by the Indonesian mission abroad and published, with the positions left "
                "(by sex) and the regencies/cities where an issued recruitment permit allows recruiting."
            ),
            columns=JOB_ORDER_COLUMNS,
            build=_job_orders,
        ),
        Register(
            slug="placement-figures",
            title="Placements by province and month",
            description=(
                "Counts only: placements registered, departed and returned, by the province of the worker's "
                "village and calendar month. No person can be told from it."
            ),
            columns=FIGURE_COLUMNS,
            build=_figures,
        ),
    )
}
