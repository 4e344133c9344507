"""Reading the summary for one area: a fixed handful of queries whatever the data's size.

1. the newest snapshot; 2. the names of the area and its ancestors (one UNION over the
area tables); 3. the child areas; 4. the figures of the area, its regency (vacancies are
counted by regency) and its children, and 5. of those that are villages (decoded from their
tallies); 6. country names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.choices import Sector
from complaints.choices import Category as ComplaintCategory
from core.scoping import area_ancestors
from oversight.choices import Severity
from oversight.rules import RULES_BY_CODE
from placement.choices import PRE_DEPARTURE_STAGES, Stage
from recruitment.choices import Sex
from recruitment.models import Country
from villages.models import AREA_MODELS_BY_DEPTH, District, Province, Regency, Village

from .models import Figure, Snapshot
from .services import VILLAGE_WIDTH, WINDOW_MONTHS, window_start

AREA_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
IN_PROCESS_STAGES = [str(int(stage)) for stage in PRE_DEPARTURE_STAGES]  # the snapshot keys stages as text
VACANCY_LEVEL = 2  # vacancies are counted down to regencies: permits name regencies
TOP_COUNTRIES = 10


def level_of(code: str) -> int:
    return code.count(".") + 1 if code else 0


def latest_snapshot() -> Snapshot | None:
    return Snapshot.objects.order_by("-id").first()


# A village's figures, kept as its tally (counts laid out by the snapshot's tally_keys) and its flag
# and complaint counts and complaint medians, which the refresh keeps in the same transaction as
# the snapshot; one statement reads them all.
VILLAGE_ROWS_SQL = f"""
SELECT area_code, counts, NULL, NULL, NULL FROM dashboard_villagetally
WHERE %(everything)s OR area_code = ANY(%(codes)s)
UNION ALL
SELECT area_code, NULL, metric, key, value FROM dashboard_basecount
WHERE length(area_code) = {VILLAGE_WIDTH} AND (%(everything)s OR area_code = ANY(%(codes)s))
UNION ALL
SELECT area_code, NULL, metric, key, value FROM dashboard_areacount
WHERE level = 4 AND (%(everything)s OR area_code = ANY(%(codes)s))
"""


def snapshot_figures(snapshot: Snapshot, codes: list[str] | None = None) -> dict:
    """{area code: {metric: {key: count}}} of these areas (None: of every area) as of the snapshot;
    an area with nothing to count has no entry.

    The districts and the areas above them are rows of ``Figure``; a village's figures are decoded
    from its tally (seventy thousand villages are not worth a JSON document each on every rebuild).
    The tallies are those of the newest snapshot: read them in the transaction that read it."""
    rows = Figure.objects.filter(snapshot=snapshot)
    villages = None
    if codes is not None:
        rows = rows.filter(area_code__in=[code for code in codes if len(code) < VILLAGE_WIDTH])
        villages = [code for code in codes if len(code) == VILLAGE_WIDTH]
    figures = dict(rows.values_list("area_code", "data"))
    if villages == []:
        return figures
    keys = snapshot.tally_keys
    with connection.cursor() as cursor:
        cursor.execute(VILLAGE_ROWS_SQL, {"everything": villages is None, "codes": villages or []})
        for area_code, counts, metric, key, value in cursor.fetchall():
            data = figures.setdefault(area_code, {})
            if counts is None:
                data.setdefault(metric, {})[key] = value
                continue
            for (tally_metric, tally_key), count in zip(keys, counts, strict=True):
                if count:
                    data.setdefault(tally_metric, {})[tally_key] = count
    return figures


def area_names(codes: list[str]) -> dict[str, str]:
    """{code: name} of these areas, whatever their level, in one query."""
    tables = [model._meta.db_table for model in AREA_MODELS_BY_DEPTH.values()]
    sql = " UNION ALL ".join(f"SELECT code, name FROM {table} WHERE code = ANY(%s)" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [codes] * len(tables))
        return dict(cursor.fetchall())


def child_areas(code: str) -> list[tuple[str, str]]:
    model = AREA_MODELS_BY_DEPTH.get(level_of(code) + 1)
    if model is None:
        return []
    if model is Province:
        queryset = model.objects.all()
    else:  # by the parent's foreign key (indexed), not by code prefix
        parent = {Regency: "province_id", District: "regency_id", Village: "district_id"}[model]
        queryset = model.objects.filter(**{parent: code})
    return list(queryset.order_by("code").values_list("code", "name"))


def resolve_area(user, requested: str) -> str:
    """The area code the user asked for, or their own; Http404 outside their jurisdiction."""
    scope = user.scope
    own = "" if scope.everything else scope.area_code
    code = requested.strip() or own
    if code != own and (not AREA_CODE.match(code) or (own and not code.startswith(own + "."))):
        raise Http404
    return code


@dataclass
class Vacancies:
    job_orders: int = 0
    positions: int = 0
    filled: int = 0
    in_process: int = 0
    open: int = 0

    @property
    def fill_rate(self) -> float | None:
        return round(100 * self.filled / self.positions, 1) if self.positions else None


@dataclass
class Headline:
    """What a row of the child-area table shows."""

    workers: int
    in_process: int
    working: int
    departures_month: int
    departures_year: int
    open_flags: int
    high_flags: int
    vacancies: Vacancies | None
    complaints_received: int = 0
    complaints_open: int = 0
    complaints_overdue: int = 0


def _vacancies(data: dict | None) -> Vacancies:
    return Vacancies(**(data or {}).get("vacancies", {}))


def headline(data: dict, month_key: str, *, with_vacancies: bool) -> Headline:
    stages = data.get("stage", {})
    departures = data.get("departures", {})
    flags = data.get("flags_severity", {})
    complaints = data.get("complaints", {})
    return Headline(
        workers=sum(data.get("workers_sex", {}).values()),
        in_process=sum(stages.get(stage, 0) for stage in IN_PROCESS_STAGES),
        working=stages.get(str(Stage.WORKING.value), 0),
        departures_month=departures.get(month_key, 0),
        departures_year=sum(departures.values()),
        open_flags=sum(flags.values()),
        high_flags=flags.get(Severity.HIGH, 0),
        vacancies=_vacancies(data) if with_vacancies else None,
        complaints_received=complaints.get("received", 0),
        complaints_open=complaints.get("open", 0),
        complaints_overdue=complaints.get("overdue", 0),
    )


@dataclass
class ComplaintFigures:
    """Complaints of the area: what came in over the 12 months, what is open and overdue now, how
    fast they were acknowledged and resolved (medians, in hours), and by category."""

    received: int = 0
    open: int = 0
    overdue: int = 0
    median_acknowledge_hours: float | None = None
    median_resolve_hours: float | None = None
    categories: list[dict] = field(default_factory=list)


def complaint_figures(data: dict) -> ComplaintFigures:
    counts, medians = data.get("complaints", {}), data.get("complaints_median", {})

    def hours(key):
        minutes = medians.get(key)
        return round(minutes / 60, 1) if minutes is not None else None

    by_category = data.get("complaints_category", {})
    return ComplaintFigures(
        received=counts.get("received", 0),
        open=counts.get("open", 0),
        overdue=counts.get("overdue", 0),
        median_acknowledge_hours=hours("acknowledge"),
        median_resolve_hours=hours("resolve"),
        categories=[row for row in _rows(by_category, dict(ComplaintCategory.choices)) if row["count"]],
    )


def _months(month: date) -> list[date]:
    first = window_start(month)
    months = []
    for index in range(WINDOW_MONTHS):
        number = first.year * 12 + first.month - 1 + index
        months.append(date(number // 12, number % 12 + 1, 1))
    return months


def _rows(counts: dict, labels: dict) -> list[dict]:
    return [{"key": key, "label": labels.get(key, key), "count": counts.get(key, 0)} for key in labels]


@dataclass
class Dashboard:
    code: str
    level: int
    name: str
    breadcrumb: list[tuple[str, str, bool]]  # (code, name, may open it)
    snapshot: Snapshot | None
    headline: Headline | None = None
    vacancies: Vacancies | None = None
    vacancies_area: str = ""  # the regency whose vacancies a district or village shows
    stages: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    countries: list[dict] = field(default_factory=list)
    sectors: list[dict] = field(default_factory=list)
    departure_sexes: list[dict] = field(default_factory=list)
    worker_sexes: list[dict] = field(default_factory=list)
    severities: list[dict] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)
    complaints: ComplaintFigures | None = None
    children: list[dict] = field(default_factory=list)
    child_level: int | None = None

    @property
    def child_label(self) -> str:
        model = AREA_MODELS_BY_DEPTH.get(self.child_level) if self.child_level else None
        return str(model._meta.verbose_name_plural) if model else ""

    @property
    def shows_child_vacancies(self) -> bool:
        return bool(self.child_level) and self.child_level <= VACANCY_LEVEL

    @property
    def month(self) -> date | None:
        return self.snapshot.month if self.snapshot else None

    def charts(self) -> dict:
        """What dashboard.js draws; the same numbers are in the page's tables."""
        return {
            "stages": {"labels": [r["label"] for r in self.stages], "values": [r["count"] for r in self.stages],
                       "label": _("Placements")},
            "trend": {
                "labels": [r["label"] for r in self.trend],
                "series": [
                    {"label": _("Registrations"), "values": [r["registrations"] for r in self.trend]},
                    {"label": _("Departures"), "values": [r["departures"] for r in self.trend]},
                ],
            },
            "countries": {"labels": [r["label"] for r in self.countries],
                          "values": [r["count"] for r in self.countries], "label": _("Departures")},
            "sexes": {"labels": [r["label"] for r in self.departure_sexes],
                      "values": [r["count"] for r in self.departure_sexes], "label": _("Departures")},
            "severities": {"labels": [r["label"] for r in self.severities],
                           "values": [r["count"] for r in self.severities], "label": _("Open red flags")},
        }  # fmt: skip


def dashboard_for(user, requested: str = "") -> Dashboard:
    """The dashboard of the area requested (or the user's own), read at one moment: a refresh that
    commits meanwhile changes the snapshot and the village tallies together."""
    if connection.in_atomic_block:  # within a caller's transaction (a test's): read at its isolation
        return _dashboard(user, requested)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _dashboard(user, requested)


def _dashboard(user, requested: str) -> Dashboard:
    code = resolve_area(user, requested)
    level = level_of(code)
    ancestors = area_ancestors(code) if code else []
    own = "" if user.scope.everything else user.scope.area_code
    snapshot = latest_snapshot()
    names = area_names([code, *ancestors]) if code else {}
    if code and code not in names:
        raise Http404
    # The areas above this one; those outside the jurisdiction are named but not linked.
    breadcrumb = [("", _("Indonesia"), own == "")] if code else []
    breadcrumb += [
        (ancestor, names.get(ancestor, ancestor), own == "" or ancestor == own or ancestor.startswith(own + "."))
        for ancestor in ancestors
    ]
    board = Dashboard(code=code, level=level, name=names.get(code, _("Indonesia")), breadcrumb=breadcrumb,
                      snapshot=snapshot)  # fmt: skip
    if snapshot is None:
        return board

    children = child_areas(code)
    regency = code[:5] if level > VACANCY_LEVEL else ""
    figures = snapshot_figures(snapshot, [code, *([regency] if regency else []), *(child for child, _name in children)])
    country_names = dict(Country.objects.values_list("code", "name"))

    data = figures.get(code, {})
    month_key = snapshot.month.strftime("%Y-%m")
    board.headline = headline(data, month_key, with_vacancies=False)
    if level > VACANCY_LEVEL:
        board.vacancies, board.vacancies_area = _vacancies(figures.get(regency)), regency
    else:
        board.vacancies = _vacancies(data)

    stage_counts = data.get("stage", {})
    board.stages = _rows(stage_counts, {str(stage.value): stage.label for stage in Stage})
    registrations, departures = data.get("registrations", {}), data.get("departures", {})
    board.trend = [
        {"month": month, "label": date_format(month, "M Y"), "registrations": registrations.get(key, 0),
         "departures": departures.get(key, 0)}
        for month in _months(snapshot.month)
        for key in [month.strftime("%Y-%m")]
    ]  # fmt: skip
    countries = sorted(data.get("dep_country", {}).items(), key=lambda item: (-item[1], item[0]))
    board.countries = [
        {"key": key, "label": country_names.get(key, key), "count": count} for key, count in countries[:TOP_COUNTRIES]
    ]
    rest = sum(count for _key, count in countries[TOP_COUNTRIES:])
    if rest:
        board.countries.append({"key": "", "label": _("Other countries"), "count": rest})
    board.sectors = _rows(data.get("dep_sector", {}), dict(Sector.choices))
    sexes = dict(Sex.choices)
    board.departure_sexes = _rows(data.get("dep_sex", {}), sexes)
    board.worker_sexes = _rows(data.get("workers_sex", {}), sexes)
    board.severities = _rows(data.get("flags_severity", {}), dict(Severity.choices))
    rules = sorted(data.get("flags_rule", {}).items(), key=lambda item: (-item[1], item[0]))
    board.rules = [
        {"key": key, "label": RULES_BY_CODE[key].title if key in RULES_BY_CODE else key, "count": count,
         "severity": RULES_BY_CODE[key].get_severity_display() if key in RULES_BY_CODE else ""}
        for key, count in rules
    ]  # fmt: skip

    board.complaints = complaint_figures(data)

    if children:
        board.child_level = level + 1
        board.children = [
            {"code": child, "name": name,
             "figures": headline(figures.get(child, {}), month_key, with_vacancies=level + 1 <= VACANCY_LEVEL)}
            for child, name in children
        ]  # fmt: skip
    return board
