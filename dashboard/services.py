"""The dashboard refresh: the summary kept up to date in one transaction with set-based SQL.

A full rebuild counts each village's workers and placements into one row (``VillageTally``: an
array of counts, one position per metric and key, laid out by ``tally_keys``), the flags and
complaints once per area they name into ``BaseCount``, then rolls both up by code prefix, one level
at a time, into ``AreaTally`` and ``AreaCount`` for the district, regency, province and the
country: official codes have fixed widths (52, 52.03, 52.03.01, 52.03.01.2001), so an area's
ancestor is a left() of its code and no join to the area tables is needed. (One row per village
rather than one per village, metric and key: 68,000 rows to write, roll up and read back into
figures where there were 900,000 at a million workers.) Vacancies are the exception: a job order recruits in
several regencies (its SIP2MI permits name them), so each published job order's share is kept
(``JobOrderShare``) and counted once in each area it reaches. The figures of the districts and the
areas above them are written as one JSON document each (``Figure``); a village's are read from its
tallies when a page shows it (dashboard.selectors.snapshot_figures): a document for each of seventy
thousand villages was a quarter of the rebuild's time, for pages that show a few dozen at a time.

The frequent refresh is incremental: it finds the areas whose rows changed since the
snapshot was taken (placements and their events, workers, flags and their events,
complaints and their deadlines, job orders, their events and permits), recounts only those
areas from the live tables, and adds the difference to every area above them in one pass;
job orders and complaint medians likewise. It then rewrites the figures of those areas in
the current snapshot. Its figures are those a full rebuild would give (tested). It relies on
what the services guarantee: a worker's village and sex and a job order's country and sector
never change once recorded, and every write of a counted row stamps its time (``updated_at``
or an event). A write committed more than LOOKBACK after it stamped its time would be missed
until the nightly full rebuild; the month turning, a new destination country (the tallies'
layout changes), or no tallies (none yet, or emptied by a crash: they are unlogged), makes a
refresh full.

Metrics in ``Figure.data`` (each ``{key: count}``):

* ``stage``: placements of the area's workers by stage number (all stages, cancelled = 99);
* ``departures`` / ``registrations``: departures (placement departed on) and workers
  registered, by month ``YYYY-MM``, over the 12 months ending with the snapshot's month;
* ``dep_country``, ``dep_sector``, ``dep_sex``: those departures by destination country
  (ISO code), sector and sex;
* ``workers_sex``: all registered workers of the area by sex;
* ``flags_severity``, ``flags_rule``: red flags still open (open, in review, confirmed);
  a company's flags sit in the regency of its head office, a foreign employer's only in
  the national figures;
* ``complaints_category``: complaints filed within the window by category (all of them, rejected
  too: what came in); ``complaints``: ``received`` (filed within the window), ``open`` (received,
  verified or in progress, whenever filed) and ``overdue`` (open past the deadline of their
  status); a complaint sits in the village or regency it names (``area_code``), one without an
  area only in the national figures;
* ``complaints_median`` (minutes, computed at each level, never summed): the median time from
  filing to acknowledgement (``acknowledge``) and to resolution (``resolve``) of the complaints
  filed within the window;
* ``vacancies`` (country, provinces and regencies only): published job orders recruiting
  there (``job_orders``), their ``positions`` (quota), placements ``filled`` (departed,
  working or returned), ``in_process`` (stages 1-9) and ``open`` (quota not yet taken).

The refresh reads the live tables and writes the tallies and figures in one REPEATABLE READ
transaction, so it runs on the primary: its reads cannot go to a replica, whose snapshot would not
match the tallies it adds to.

Idempotent: a full rebuild writes a new snapshot and drops all but the previous one, an
incremental refresh recounts areas from the live tables, so a rerun gives the same rows; two at
once cannot happen (an advisory lock: the second one returns None and does nothing, and one
whose snapshot of the database predates a refresh that committed meanwhile steps aside too).
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from agencies.choices import Sector
from complaints.choices import OPEN_STATUSES as COMPLAINT_OPEN_STATUSES
from core.parallel import planned_in_parallel
from oversight.choices import OPEN_FLAG_STATUSES
from placement.choices import STAGE_PARAMETERS, Stage
from recruitment.choices import Sex

from .models import AreaCount, AreaTally, BaseCount, JobOrderShare, Snapshot, VillageTally

LOCK_KEY = "dashboard.refresh"
WINDOW_MONTHS = 12
# How far before the snapshot's time an incremental refresh looks for changed rows: a row's time
# is stamped before its transaction commits, so one that committed just after the snapshot was
# taken is still found by the next refresh.
LOOKBACK = timedelta(minutes=10)

# (level, width of the code at that level), from the districts up to the country. Villages are
# the base rows themselves (codes of 13 characters), read from there, never copied.
LEVELS = [(3, 8), (2, 5), (1, 2), (0, 0)]
VILLAGE_WIDTH = 13

# The flags' and complaints' base counts, into {target} (BaseCount for a full rebuild, a temporary
# table for an incremental one), of every area or only of %(areas)s, in one statement: the open
# flags and the complaints, each in the area it names. (The workers and placements are counted
# into the wide village tallies: village_tally_select.)
BASE_SQL = """
INSERT INTO {target} (area_code, metric, key, value)
SELECT area_code, CASE WHEN GROUPING(severity) = 0 THEN 'flags_severity' ELSE 'flags_rule' END,
       COALESCE(severity, rule_code), count(*)
FROM oversight_flag
WHERE status = ANY(%(open_statuses)s) AND (%(everything)s OR area_code = ANY(%(areas)s))
GROUP BY GROUPING SETS ((area_code, severity), (area_code, rule_code))
UNION ALL
SELECT area_code, CASE WHEN GROUPING(category) = 0 THEN 'complaints_category' ELSE 'complaints' END,
       COALESCE(category, state), count(*)
FROM (
    SELECT c.area_code, CASE WHEN s.state = 'received' THEN c.category END AS category, s.state
    FROM complaints_complaint c
    CROSS JOIN LATERAL (VALUES
        ('received', c.filed_at >= %(since_ts)s AND c.filed_at < %(until_ts)s),
        ('open', c.status = ANY(%(complaint_open_statuses)s)),
        ('overdue', c.status = ANY(%(complaint_open_statuses)s)
                    AND (c.resolve_due_at < %(now)s OR (c.status = 'received' AND c.acknowledge_due_at < %(now)s)))
    ) AS s(state, holds)
    WHERE s.holds AND (%(everything)s OR c.area_code = ANY(%(areas)s))
) x
GROUP BY GROUPING SETS ((area_code, state), (area_code, category))
HAVING GROUPING(category) = 1 OR category IS NOT NULL
"""

# Medians do not add up, so they are computed at every level at once, after the roll-up, straight
# into its table (a complaint of a regency counts for the regency and above, not for a district);
# of every area, or of the (level-wide) codes in %(areas)s.
COMPLAINT_MEDIANS_SQL = """
INSERT INTO dashboard_areacount (level, area_code, metric, key, value)
WITH timed AS (
    SELECT area_code, extract(epoch FROM acknowledged_at - filed_at) / 60 AS acknowledge,
           extract(epoch FROM resolved_at - filed_at) / 60 AS resolve
    FROM complaints_complaint
    WHERE filed_at >= %(since_ts)s AND filed_at < %(until_ts)s
      AND (acknowledged_at IS NOT NULL OR resolved_at IS NOT NULL)
), medians AS (
    SELECT lv.level, left(t.area_code, lv.width) AS area_code,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.acknowledge)) AS acknowledge,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.resolve)) AS resolve
    FROM timed t
    JOIN (VALUES (0, 0), (1, 2), (2, 5), (3, 8), (4, 13)) AS lv(level, width) ON length(t.area_code) >= lv.width
    WHERE %(everything)s OR left(t.area_code, lv.width) = ANY(%(areas)s)
    GROUP BY 1, 2
)
SELECT m.level, m.area_code, 'complaints_median', v.key, v.value
FROM medians m
CROSS JOIN LATERAL (VALUES ('acknowledge', m.acknowledge), ('resolve', m.resolve)) AS v(key, value)
WHERE v.value IS NOT NULL
"""

# The share of each published job order (of all, or of %(job_orders)s) in the vacancies, as rows of
# dashboard_jobordershare.
JOB_ORDER_SHARE_COLUMNS = "job_order_id, positions, filled, in_process, open, regencies"
JOB_ORDER_SHARES_SELECT = """
SELECT jo.id AS job_order_id, jo.quota AS positions, jo.filled, jo.in_process,
       greatest(jo.quota - jo.filled - jo.in_process, 0) AS open, COALESCE(reach.regencies, '{}') AS regencies
FROM (
    SELECT j.id, j.quota,
           -- count(*), not count(p.id): the stage alone is read, from the (job order, stage) index
           count(*) FILTER (WHERE p.stage = ANY(%(departed_stages)s)) AS filled,
           count(*) FILTER (WHERE p.stage = ANY(%(pre_departure_stages)s)) AS in_process
    FROM recruitment_joborder j
    LEFT JOIN placement_placement p ON p.job_order_id = j.id
    WHERE j.status = 'published' AND (%(everything)s OR j.id = ANY(%(job_orders)s))
    GROUP BY j.id
) jo
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT r.regency_id ORDER BY r.regency_id) AS regencies
    FROM recruitment_recruitmentpermit pm
    JOIN recruitment_recruitmentpermit_regions r ON r.recruitmentpermit_id = pm.id
    WHERE pm.job_order_id = jo.id AND pm.status = 'issued'  -- only an issued permit recruits anywhere
) reach ON true
"""

# Vacancies per level from shares ({shares}: rows with a sign, -1 to take a share out): a job
# order counts once in the country and in each province and regency it recruits in.
VACANCIES_SQL = """
INSERT INTO dashboard_areacount AS a (level, area_code, metric, key, value)
SELECT reach.level, reach.area_code, 'vacancies', m.key, sum(s.sign * m.value)
FROM ({shares}) s
CROSS JOIN LATERAL (
    SELECT 0 AS level, '' AS area_code
    UNION SELECT 1, left(r, 2) FROM unnest(s.regencies) AS r
    UNION SELECT 2, r FROM unnest(s.regencies) AS r
) reach
CROSS JOIN LATERAL (VALUES
    ('job_orders', 1::bigint), ('positions', s.positions), ('filled', s.filled), ('in_process', s.in_process),
    ('open', s.open)
) AS m(key, value)
GROUP BY 1, 2, 4
{on_conflict}
"""

# One level from the level below plus the rows that belong at this level themselves (a company's
# flags sit at its regency): each step groups far fewer rows than the villages' count.
ROLLUP_SQL = """
INSERT INTO dashboard_areacount (level, area_code, metric, key, value)
SELECT %(level)s, left(area_code, %(width)s), metric, key, sum(value)
FROM (
    SELECT area_code, metric, key, value FROM dashboard_areacount WHERE level = %(level)s + 1
    UNION ALL
    SELECT area_code, metric, key, value FROM dashboard_basecount
    WHERE length(area_code) = %(width)s OR (%(level)s = 3 AND length(area_code) = 13)
) x
GROUP BY 2, 3, 4
"""

# The incremental refresh's one pass upward: each changed base count adds its difference to every
# area above it (a base row of a regency to the regency, its province and the country).
DIFFERENCES_SQL = """
CREATE TEMP TABLE dashboard_difference ON COMMIT DROP AS
SELECT area_code, metric, key, sum(value) AS value
FROM (
    SELECT area_code, metric, key, value FROM dashboard_fresh
    UNION ALL
    SELECT area_code, metric, key, -value FROM dashboard_basecount WHERE area_code = ANY(%(areas)s)
) d
GROUP BY 1, 2, 3
HAVING sum(value) <> 0
"""

ADD_UPWARD_SQL = """
INSERT INTO dashboard_areacount AS a (level, area_code, metric, key, value)
SELECT lv.level, left(d.area_code, lv.width), d.metric, d.key, sum(d.value)
FROM dashboard_difference d
JOIN (VALUES (3, 8), (2, 5), (1, 2), (0, 0)) AS lv(level, width) ON length(d.area_code) >= lv.width
GROUP BY 1, 2, 3, 4
HAVING sum(d.value) <> 0
ON CONFLICT (area_code, metric, key) DO UPDATE SET value = a.value + EXCLUDED.value
"""

# The wide tallies: a village's workers and placements counted into one array, position i counting
# the [metric, key] at position i of tally_keys(). Its metrics by the rows they count, in order:
PLACEMENT_METRICS = ("stage",)
DEPARTURE_METRICS = ("departures", "dep_country", "dep_sector", "dep_sex")
WORKER_METRICS = ("workers_sex", "registrations")
# jsonb_build_object takes at most 100 arguments: a metric's keys go in pieces of this many pairs.
PAIRS_PER_CALL = 40
ARGUMENTS_PER_CALL = 90
SAFE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def tally_keys(cursor, month: date) -> list[list[str]]:
    """Every [metric, key] a village tally counts, in the order of its positions: each stage, the
    window's months, each destination country (the countries table), sector and sex. Fixed by the
    code, the month and the countries: a refresh laying them out otherwise rebuilds in full."""
    cursor.execute("SELECT code FROM recruitment_country ORDER BY code")
    countries = [code for (code,) in cursor.fetchall()]
    months = _window_months(month)
    keys_of = {
        "stage": [str(stage.value) for stage in Stage],
        "departures": months,
        "dep_country": countries,
        "dep_sector": [str(sector.value) for sector in Sector],
        "dep_sex": [str(sex.value) for sex in Sex],
        "workers_sex": [str(sex.value) for sex in Sex],
        "registrations": months,
    }
    return [
        [metric, key] for metric in (*PLACEMENT_METRICS, *DEPARTURE_METRICS, *WORKER_METRICS) for key in keys_of[metric]
    ]


def _window_months(month: date) -> list[str]:
    first = window_start(month)
    return [
        f"{(first.year * 12 + first.month - 1 + i) // 12:04d}-{(first.year * 12 + first.month - 1 + i) % 12 + 1:02d}"
        for i in range(WINDOW_MONTHS)
    ]


def _checked(key: str) -> str:
    # Keys come from the code's choices and the countries' ISO codes; checked, as they go into SQL
    # literals and JSON text as they are.
    if not SAFE_KEY.fullmatch(key):
        raise ValueError(f"unexpected tally key {key!r}")
    return key


def _literal(key: str) -> str:
    return f"'{_checked(key)}'"


def _counts(keys: list[list[str]], metrics: tuple[str, ...], condition) -> str:
    """An ARRAY of count(*) FILTER, one per position of these metrics, `condition(metric, key, i)`
    saying which rows a position counts (i: the key's index within its metric)."""
    filters = []
    for metric in metrics:
        metric_keys = [key for m, key in keys if m == metric]
        filters += [f"count(*) FILTER (WHERE {condition(metric, key, i)})" for i, key in enumerate(metric_keys)]
    # integer, not count's bigint: a village counts far fewer than 2^31, and half the bytes to write.
    return "ARRAY[" + ", ".join(filters) + "]::integer[]"


def _width(keys: list[list[str]], metrics: tuple[str, ...]) -> int:
    return sum(1 for metric, _key in keys if metric in metrics)


def _month_bounds(keys: list[list[str]], metric: str) -> list[tuple[date, date]]:
    """The first day of each month keyed under `metric` ('YYYY-MM'), with the first of the next."""
    months = [date.fromisoformat(_checked(key) + "-01") for m, key in keys if m == metric]
    return [(month, next_month(month)) for month in months]


def start_of(day: date) -> datetime:
    """The first moment of `day` in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, dtime.min), timezone.get_current_timezone())


def _moment(day: date) -> str:
    """The start of `day` as an SQL literal: parsed once into a constant."""
    return f"TIMESTAMPTZ '{start_of(day).isoformat()}'"


def village_tally_select(keys: list[list[str]]) -> str:
    """Count the workers and placements of every village, or of those in %(areas)s: the placements
    by stage, those departed within the window by month, country, sector and sex, the workers by
    sex and those registered within the window by month; one row a village, (area_code, counts).

    One aggregate over the workers, one over the placements (each carries its worker's village and
    sex and its job order's country and sector: no join) and one over those departed within the
    window, each position a FILTER, so no row per metric and key is ever made or sorted; each reads
    an index that holds all it counts (the first two in village order: counted run by run, without
    a hash table), in parallel workers when the statement may use them (CREATE TABLE AS). A month is
    a range of constants, not a function of each row, which would be computed again in each FILTER.
    The departures' forty-odd positions are counted only over the departed placements: over all of
    them they cost more than reading the placements a second time."""
    placement_counts = _counts(keys, PLACEMENT_METRICS, lambda metric, key, i: f"p.stage = {int(key)}")
    departure_months = _month_bounds(keys, "departures")
    departure_columns = {"dep_country": "p.country_id", "dep_sector": "p.sector", "dep_sex": "p.worker_sex"}

    def departed(metric, key, i):
        if metric == "departures":
            first, following = departure_months[i]
            return f"p.departed_on >= DATE '{first}' AND p.departed_on < DATE '{following}'"
        return f"{departure_columns[metric]} = {_literal(key)}"

    departure_counts = _counts(keys, DEPARTURE_METRICS, departed)
    registration_months = _month_bounds(keys, "registrations")

    def registered(metric, key, i):
        if metric == "workers_sex":
            return f"sex = {_literal(key)}"
        first, following = registration_months[i]
        return f"created_at >= {_moment(first)} AND created_at < {_moment(following)}"

    worker_counts = _counts(keys, WORKER_METRICS, registered)
    zeros = "array_fill(0, ARRAY[{}])"
    return f"""
SELECT r.village_id AS area_code,
       COALESCE(s.counts, {zeros.format(_width(keys, PLACEMENT_METRICS))})
       || COALESCE(d.counts, {zeros.format(_width(keys, DEPARTURE_METRICS))}) || r.counts AS counts
FROM (
    SELECT village_id, {worker_counts} AS counts
    FROM recruitment_worker
    WHERE %(everything)s OR village_id = ANY(%(areas)s)
    GROUP BY village_id
) r
-- Every placement's village has its worker, so the workers' villages are all there are.
LEFT JOIN (
    SELECT village_id, {placement_counts} AS counts
    FROM placement_placement p
    WHERE %(everything)s OR village_id = ANY(%(areas)s)
    GROUP BY village_id
) s ON s.village_id = r.village_id
LEFT JOIN (
    SELECT p.village_id, {departure_counts} AS counts
    FROM placement_placement p
    WHERE p.stage <> %(stage_cancelled)s AND p.departed_on >= %(since)s AND p.departed_on < %(until)s
      AND (%(everything)s OR p.village_id = ANY(%(areas)s))
    GROUP BY p.village_id
) d ON d.village_id = r.village_id
"""


def _insert_in_parallel(cursor, target: str, select: str, params: dict) -> int:
    """INSERT INTO target (`table (columns)`) the rows of `select`, the select run in parallel
    workers: made by CREATE TABLE AS into a temporary table, then copied, a far cheaper step.
    Return how many rows."""
    with planned_in_parallel(cursor):
        cursor.execute(f"CREATE TEMP TABLE dashboard_parallel_rows ON COMMIT DROP AS {select}", params)
    cursor.execute(f"INSERT INTO {target} SELECT * FROM dashboard_parallel_rows")
    inserted = cursor.rowcount
    cursor.execute("DROP TABLE dashboard_parallel_rows")
    return inserted


def _count_villages(cursor, keys: list[list[str]], params: dict, *, every_village: bool = False) -> None:
    """The village tallies of village_tally_select into the table dashboard_fresh_tally, counted in
    parallel workers; the caller drops it. Temporary for a few villages; for every village, tens of
    megabytes, an unlogged table in the shared buffers: a temporary one passes through the session's
    few megabytes of temp_buffers, and is written out and read back twice as slowly. Made and dropped
    in the refresh's transaction, so nothing of it outlives it."""
    kind = "UNLOGGED TABLE" if every_village else "TEMP TABLE"
    with planned_in_parallel(cursor):
        cursor.execute(f"CREATE {kind} dashboard_fresh_tally AS {village_tally_select(keys)}", params)


def _positions(keys: list[list[str]], template: str) -> str:
    """ARRAY[template for each position], template with {i}, the position (from 1)."""
    return "ARRAY[" + ", ".join(template.format(i=i) for i in range(1, len(keys) + 1)) + "]"


def tally_rollup_sql(keys: list[list[str]]) -> str:
    """One level of the area tallies from the level below (the villages for the districts), as rows
    of dashboard_areatally."""
    sums = _positions(keys, "sum(counts[{i}])")
    return f"""
SELECT %(level)s AS level, left(area_code, %(width)s) AS area_code, {sums}::bigint[] AS counts
FROM (
    SELECT area_code, counts FROM dashboard_areatally WHERE level = %(level)s + 1
    UNION ALL
    SELECT area_code, counts FROM dashboard_villagetally WHERE %(level)s = 3
) x
GROUP BY 2
"""


def tally_add_upward_sql(keys: list[list[str]]) -> str:
    """Add each changed village's difference (dashboard_tally_difference) to every area above it."""
    sums = _positions(keys, "sum(d.counts[{i}])")
    added = _positions(keys, "a.counts[{i}] + EXCLUDED.counts[{i}]")
    return f"""
INSERT INTO dashboard_areatally AS a (level, area_code, counts)
SELECT lv.level, left(d.area_code, lv.width), {sums}::bigint[]
FROM dashboard_tally_difference d
JOIN (VALUES (3, 8), (2, 5), (1, 2), (0, 0)) AS lv(level, width) ON true
GROUP BY 1, 2
ON CONFLICT (area_code) DO UPDATE SET counts = {added}
"""


def tally_difference_sql(keys: list[list[str]]) -> str:
    """The changed villages' fresh tallies less those kept (a village may have none of either)."""
    difference = _positions(keys, "COALESCE(f.counts[{i}], 0) - COALESCE(v.counts[{i}], 0)")
    return f"""
CREATE TEMP TABLE dashboard_tally_difference ON COMMIT DROP AS
SELECT area_code, counts FROM (
    SELECT area_code, {difference} AS counts
    FROM dashboard_fresh_tally f
    FULL JOIN (SELECT * FROM dashboard_villagetally WHERE area_code = ANY(%(areas)s)) v USING (area_code)
) d
WHERE 0 <> ANY(counts)
"""


def _tally_document(keys: list[list[str]], counts: str) -> str:
    """The figures of a tally's row (its array: `counts`) as jsonb, as the counts per metric and key
    were written before: a key only where its count is not 0, a metric only where it has a key.
    Written as JSON text and parsed once: json(b)_build_object looks up how to write each of its
    arguments on every call, three times as slow. concat_ws skips the NULLs (the zeros)."""
    metrics = []
    for metric in dict.fromkeys(metric for metric, _key in keys):
        positions = [(i, key) for i, (m, key) in enumerate(keys, start=1) if m == metric]
        entries = [
            f"CASE WHEN {counts}[{i}] <> 0 THEN '\"{_checked(key)}\":' || {counts}[{i}]::text END"
            for i, key in positions
        ]
        # A function takes at most 100 arguments: a metric of more keys joins them in pieces.
        entries = ", ".join(
            entries
            if len(entries) < ARGUMENTS_PER_CALL
            else [
                f"NULLIF(concat_ws(',', {', '.join(entries[at : at + ARGUMENTS_PER_CALL])}), '')"
                for at in range(0, len(entries), ARGUMENTS_PER_CALL)
            ]
        )
        first, last = positions[0][0], positions[-1][0]
        metrics.append(
            f"CASE WHEN 0 <> ANY({counts}[{first}:{last}]) "
            f"THEN '\"{_checked(metric)}\":{{' || concat_ws(',', {entries}) || '}}' END"
        )
    return "('{' || concat_ws(',', " + ", ".join(metrics) + ") || '}')::jsonb"


# The flags', complaints', vacancies' and medians' figures of the areas above the villages (area
# counts), as {area_code, level, document}; json (text) aggregates are much cheaper than jsonb ones,
# and the document is parsed to jsonb once.
AREA_COUNT_DOCUMENTS_SQL = """
SELECT area_code, min(level) AS level, json_object_agg(metric, figures)::jsonb AS document
FROM (
    SELECT min(level) AS level, area_code, metric, json_object_agg(key, value) AS figures
    FROM dashboard_areacount
    WHERE level < 4 AND (%(everything)s OR area_code = ANY(%(areas)s))
    GROUP BY area_code, metric
) m
GROUP BY area_code
"""


def area_figures_sql(keys: list[list[str]]) -> str:
    """The figures of every district, regency, province and the country (or of %(areas)s), as rows
    of dashboard_figure: the area tally's document merged with the area counts' (their metrics
    never overlap)."""
    return f"""
SELECT %(snapshot)s AS snapshot_id, lv AS level, area_code,
       CASE WHEN lv = 0 THEN NULL ELSE left(area_code, (ARRAY[0, 2, 5, 8])[lv]) END AS parent_code,
       COALESCE(t.document, '{{}}') || COALESCE(c.document, '{{}}') AS data
FROM (
    SELECT area_code, level, {_tally_document(keys, "counts")} AS document
    FROM dashboard_areatally
    WHERE %(everything)s OR area_code = ANY(%(areas)s)
) t
FULL JOIN ({AREA_COUNT_DOCUMENTS_SQL}) c USING (area_code)
CROSS JOIN LATERAL (SELECT COALESCE(t.level, c.level) AS lv) l
"""


# Event tables whose time is not indexed: their rows since the last refresh are found by id (the
# primary key), from the highest id the refresh before it saw, which also covers a row whose id
# was taken before the last refresh but committed after it. Append-only, so ids only grow.
ID_WATERMARKED = ("oversight_flagevent", "complaints_complaintevent", "recruitment_joborderevent")

# What changed since %(since)s: the areas to recount ('area'; 'complaint' for complaints, whose
# medians are recomputed too) and the job orders whose share of the vacancies to recompute. Every
# change of a flag (opened, triaged, resolved), a complaint (filed, moved, linked) and a job order
# or its permits writes an event; a complaint also falls overdue without one, when a deadline passes.
CHANGES_SQL = """
WITH changed AS (
    SELECT id FROM placement_placement WHERE updated_at >= %(since)s
    UNION
    SELECT placement_id FROM placement_placementevent WHERE at >= %(since)s
), placements AS (
    SELECT p.village_id, p.job_order_id FROM changed JOIN placement_placement p ON p.id = changed.id
)
SELECT 'area', village_id FROM placements
UNION SELECT 'area', village_id FROM recruitment_worker WHERE updated_at >= %(since)s
UNION SELECT 'area', f.area_code FROM oversight_flag f
      WHERE f.id IN (SELECT flag_id FROM oversight_flagevent
                     WHERE id > %(after_oversight_flagevent)s AND at >= %(since)s)
UNION SELECT 'complaint', c.area_code FROM complaints_complaint c
      WHERE c.id IN (SELECT complaint_id FROM complaints_complaintevent
                     WHERE id > %(after_complaints_complaintevent)s AND at >= %(since)s)
UNION SELECT 'complaint', area_code FROM complaints_complaint
      WHERE status = 'received' AND acknowledge_due_at >= %(since)s AND acknowledge_due_at < %(now)s
UNION SELECT 'complaint', area_code FROM complaints_complaint
      WHERE status = ANY(%(complaint_open_statuses)s) AND resolve_due_at >= %(since)s AND resolve_due_at < %(now)s
UNION SELECT 'job_order', job_order_id::text FROM placements
UNION SELECT 'job_order', id::text FROM recruitment_joborder WHERE updated_at >= %(since)s
UNION SELECT 'job_order', job_order_id::text FROM recruitment_joborderevent
      WHERE id > %(after_recruitment_joborderevent)s AND at >= %(since)s
"""

WATERMARKS_SQL = "SELECT " + ", ".join(f"(SELECT COALESCE(max(id), 0) FROM {table})" for table in ID_WATERMARKED)


def window_start(month: date) -> date:
    """The first day of the 12-month window ending with `month` (a first of the month)."""
    index = month.year * 12 + month.month - 1 - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def with_ancestors(codes) -> set[str]:
    """The areas and every area above them, the country ("") included."""
    found = set()
    for code in codes:
        found.add(code)
        found.update(code[:width] for _level, width in LEVELS if len(code) >= width)
    return found


def dashboard_refresh(*, actor=None, full: bool = False) -> Snapshot | None:
    """Bring the summary up to date: recount the areas changed since the newest snapshot, or all of
    them (``full``, or when there is nothing to build on). Return the snapshot written, or None if
    another refresh holds the lock or committed while this one started."""
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost:
                # Every statement counts the same moment of the database: figures add up.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                return None
            started = time.perf_counter()
            taken_at = timezone.now()
            month = timezone.localdate(taken_at).replace(day=1)
            # Locked before anything is read for it: a refresh that committed after this
            # transaction's snapshot rewrote this row, and the lock then fails (REPEATABLE READ)
            # rather than adding changes to tallies that refresh replaced.
            current = Snapshot.objects.select_for_update().order_by("-id").first()
            params = _parameters(taken_at, month)
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the aggregates stay in memory
            watermarks = _watermarks(cursor, current)
            keys = tally_keys(cursor, month)
            if (
                full
                or current is None
                or current.month != month
                or current.tally_keys != keys
                or not _has_tallies(cursor, current)
            ):
                snapshot = _rebuild(
                    cursor, params, keys, taken_at=taken_at, month=month, actor=actor, watermarks=watermarks
                )
            else:
                snapshot = _update(cursor, params, keys, current, taken_at=taken_at, actor=actor, watermarks=watermarks)
            snapshot.seconds = round(time.perf_counter() - started, 3)
            snapshot.save(update_fields=["seconds"])
    except OperationalError as error:
        if outermost and getattr(error.__cause__, "pgcode", None) == "40001":  # serialization_failure
            return None
        raise
    return snapshot


def _watermarks(cursor, previous: Snapshot | None) -> dict:
    """{table: [the highest id the refresh before saw, the highest id now]} of ID_WATERMARKED."""
    cursor.execute(WATERMARKS_SQL)
    highest = cursor.fetchone()
    before = previous.watermarks if previous is not None else {}
    return {table: [before.get(table, [0, 0])[1], high] for table, high in zip(ID_WATERMARKED, highest, strict=True)}


def _write_figures(cursor, keys: list[list[str]], snapshot: Snapshot, areas: list[str] | None) -> None:
    """Write the figures of these districts and areas above them (None: of all) into the snapshot.
    A village's are read from its tallies (dashboard.selectors.snapshot_figures)."""
    # The few flag, complaint and vacancy documents are grouped from sorted rows: a hash of growing
    # JSON documents costs more than one sort.
    cursor.execute("SET LOCAL enable_hashagg = off")
    params = {"snapshot": snapshot.pk, "everything": areas is None, "areas": areas or []}
    target = "dashboard_figure (snapshot_id, level, area_code, parent_code, data)"
    _insert_in_parallel(cursor, target, area_figures_sql(keys), params)
    cursor.execute("RESET enable_hashagg")


def _count_areas(cursor, snapshot: Snapshot) -> int:
    """How many areas have figures in the snapshot: its figure rows and the villages counted."""
    cursor.execute(
        f"""
        SELECT (SELECT count(*) FROM dashboard_figure WHERE snapshot_id = %s) + count(*) FROM (
            SELECT area_code FROM dashboard_villagetally
            UNION SELECT area_code FROM dashboard_basecount WHERE length(area_code) = {VILLAGE_WIDTH}
            UNION SELECT area_code FROM dashboard_areacount WHERE level = 4
        ) villages
        """,
        [snapshot.pk],
    )
    return cursor.fetchone()[0]


def _has_tallies(cursor, snapshot: Snapshot) -> bool:
    """Whether the tallies the snapshot was counted from are there to build on: not before the
    first full rebuild, nor after a crash emptied them (they are unlogged)."""
    if snapshot.rebuilt_at is None:
        return False
    if not snapshot.areas:
        return True
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM dashboard_areatally) OR EXISTS (SELECT 1 FROM dashboard_areacount) "
        "OR EXISTS (SELECT 1 FROM dashboard_basecount)"
    )
    return cursor.fetchone()[0]


def _parameters(taken_at: datetime, month: date) -> dict:
    since, until = window_start(month), next_month(month)
    return {
        "since": since,
        "until": until,
        "since_ts": start_of(since),
        "until_ts": start_of(until),
        "open_statuses": [str(status) for status in OPEN_FLAG_STATUSES],
        "complaint_open_statuses": [str(status) for status in COMPLAINT_OPEN_STATUSES],
        "now": taken_at,
        "everything": True,
        "areas": [],
        "job_orders": [],
        **STAGE_PARAMETERS,
    }


def _rebuild(
    cursor, params: dict, keys: list[list[str]], *, taken_at: datetime, month: date, actor, watermarks: dict
) -> Snapshot:
    """Every figure from scratch, into a new snapshot."""
    snapshot = Snapshot.objects.create(
        taken_at=taken_at, rebuilt_at=taken_at, month=month, seconds=0, areas=0, requested_by=actor,
        watermarks=watermarks, tally_keys=keys,
    )  # fmt: skip
    # Rewriting the older snapshots makes a refresh whose database snapshot predates this commit
    # fail its lock on them (see dashboard_refresh) instead of building on tallies replaced here.
    cursor.execute("UPDATE dashboard_snapshot SET changed_areas = 0 WHERE id < %s", [snapshot.pk])
    cursor.execute(f"TRUNCATE {AreaTally._meta.db_table}, {JobOrderShare._meta.db_table}")
    # Pages read the villages' figures from these (dashboard.selectors.snapshot_figures): emptied
    # row by row, so a page reads the old rows until this commits (TRUNCATE would make it wait, or
    # show it nothing).
    for model in (VillageTally, BaseCount, AreaCount):
        cursor.execute(f"DELETE FROM {model._meta.db_table}")
    _count_villages(cursor, keys, params, every_village=True)
    cursor.execute("INSERT INTO dashboard_villagetally (area_code, counts) SELECT * FROM dashboard_fresh_tally")
    cursor.execute("DROP TABLE dashboard_fresh_tally")
    cursor.execute(BASE_SQL.format(target="dashboard_basecount"), params)
    rollup = tally_rollup_sql(keys)
    for level, width in LEVELS:
        cursor.execute(
            f"INSERT INTO dashboard_areatally (level, area_code, counts) {rollup}", {"level": level, "width": width}
        )
        cursor.execute(ROLLUP_SQL, {"level": level, "width": width})
    _insert_in_parallel(cursor, f"dashboard_jobordershare ({JOB_ORDER_SHARE_COLUMNS})", JOB_ORDER_SHARES_SELECT, params)
    cursor.execute(VACANCIES_SQL.format(shares="SELECT 1 AS sign, * FROM dashboard_jobordershare", on_conflict=""))
    cursor.execute(COMPLAINT_MEDIANS_SQL, params)
    # The planner would take the freshly filled tallies for a handful of rows and give the JSON
    # aggregates too little memory: they spill to disk.
    # (The village tallies' arrays are not worth the time statistics of them take.)
    cursor.execute(
        "ANALYZE dashboard_villagetally (area_code), dashboard_areatally, dashboard_basecount, dashboard_areacount"
    )
    _write_figures(cursor, keys, snapshot, None)
    snapshot.areas = snapshot.changed_areas = _count_areas(cursor, snapshot)
    # Readers see the previous snapshot until this commits. It is kept one round longer, so a
    # page that picked it just before the commit still finds its rows; older ones go.
    previous = "(SELECT max(id) FROM dashboard_snapshot WHERE id < %s)"
    cursor.execute(f"DELETE FROM dashboard_figure WHERE snapshot_id < {previous}", [snapshot.pk])
    cursor.execute(f"DELETE FROM dashboard_snapshot WHERE id < {previous}", [snapshot.pk])
    # Without fresh statistics the planner takes the new snapshot for a handful of rows and
    # filters all of them instead of using the (snapshot, area) index.
    cursor.execute("ANALYZE dashboard_figure (snapshot_id, area_code)")
    snapshot.save(update_fields=["areas", "changed_areas"])
    return snapshot


def _update(
    cursor, params: dict, keys: list[list[str]], snapshot: Snapshot, *, taken_at: datetime, actor, watermarks: dict
) -> Snapshot:
    """Recount the areas whose rows changed since the snapshot was taken, add the differences to
    the areas above them, and rewrite the figures of all of those in the snapshot."""
    seen = snapshot.watermarks
    after = {f"after_{table}": seen.get(table, [0, 0])[0] for table in ID_WATERMARKED}
    cursor.execute(CHANGES_SQL, {**params, **after, "since": snapshot.taken_at - LOOKBACK})
    changes = {"area": set(), "complaint": set(), "job_order": set()}
    for kind, value in cursor.fetchall():
        changes[kind].add(value)
    complaint_areas = changes["complaint"]
    if complaint_areas:
        # Linking a complaint to a worker moves it from no area ("") to the worker's village.
        complaint_areas.add("")
    areas = sorted(changes["area"] | complaint_areas)
    job_orders = sorted(int(job_order) for job_order in changes["job_order"])
    changed = with_ancestors(areas)
    some = {**params, "everything": False, "areas": areas, "job_orders": job_orders}

    if areas:
        # The villages' tallies: their differences added upward, their rows replaced (one a village).
        _count_villages(cursor, keys, some)
        cursor.execute(tally_difference_sql(keys), some)
        cursor.execute(tally_add_upward_sql(keys))
        # An area left with nothing goes, as a full rebuild would not write it.
        cursor.execute(
            "DELETE FROM dashboard_areatally WHERE 0 = ALL(counts) AND area_code = ANY(%s)", [sorted(changed)]
        )
        cursor.execute("DELETE FROM dashboard_villagetally WHERE area_code = ANY(%s)", [areas])
        cursor.execute("INSERT INTO dashboard_villagetally (area_code, counts) SELECT * FROM dashboard_fresh_tally")
        cursor.execute("DROP TABLE dashboard_fresh_tally, dashboard_tally_difference")

        cursor.execute(
            "CREATE TEMP TABLE dashboard_fresh (area_code text, metric text, key text, value bigint) ON COMMIT DROP"
        )
        cursor.execute(BASE_SQL.format(target="dashboard_fresh"), some)
        cursor.execute(DIFFERENCES_SQL, some)
        cursor.execute(ADD_UPWARD_SQL)
        cursor.execute(
            # A sum that fell to nothing goes, as a full rebuild would not write it; vacancies and
            # medians are not sums and may be 0.
            "DELETE FROM dashboard_areacount WHERE value = 0 AND metric NOT IN ('vacancies', 'complaints_median') "
            "AND area_code = ANY(%s)",
            [sorted(changed)],
        )
        # The base counts take the same differences: far fewer rows than rewriting the areas' counts.
        cursor.execute(
            "INSERT INTO dashboard_basecount AS b (area_code, metric, key, value) "
            "SELECT area_code, metric, key, value FROM dashboard_difference "
            "ON CONFLICT (area_code, metric, key) DO UPDATE SET value = b.value + EXCLUDED.value"
        )
        cursor.execute("DELETE FROM dashboard_basecount WHERE value = 0 AND area_code = ANY(%s)", [areas])
        cursor.execute("DROP TABLE dashboard_fresh, dashboard_difference")

    if job_orders:
        cursor.execute("CREATE TEMP TABLE dashboard_fresh_share (LIKE dashboard_jobordershare) ON COMMIT DROP")
        cursor.execute(f"INSERT INTO dashboard_fresh_share ({JOB_ORDER_SHARE_COLUMNS}) {JOB_ORDER_SHARES_SELECT}", some)
        shares = (
            "SELECT -1 AS sign, * FROM dashboard_jobordershare WHERE job_order_id = ANY(%(job_orders)s) "
            "UNION ALL SELECT 1, * FROM dashboard_fresh_share"
        )
        on_conflict = (
            "ON CONFLICT (area_code, metric, key) DO UPDATE SET value = a.value + EXCLUDED.value RETURNING area_code"
        )
        cursor.execute(VACANCIES_SQL.format(shares=shares, on_conflict=on_conflict), some)
        reached = {area_code for (area_code,) in cursor.fetchall()}
        changed |= reached
        # An area no published job order reaches any more has no vacancies at all, zeros neither.
        cursor.execute(
            "DELETE FROM dashboard_areacount WHERE metric = 'vacancies' AND area_code IN ("
            "SELECT area_code FROM dashboard_areacount WHERE metric = 'vacancies' AND key = 'job_orders' "
            "AND value = 0 AND area_code = ANY(%s))",
            [sorted(reached)],
        )
        cursor.execute("DELETE FROM dashboard_jobordershare WHERE job_order_id = ANY(%s)", [job_orders])
        cursor.execute("INSERT INTO dashboard_jobordershare SELECT * FROM dashboard_fresh_share")
        cursor.execute("DROP TABLE dashboard_fresh_share")

    if complaint_areas:
        median_areas = sorted(with_ancestors(complaint_areas))
        cursor.execute(
            "DELETE FROM dashboard_areacount WHERE metric = 'complaints_median' AND area_code = ANY(%s)",
            [median_areas],
        )
        cursor.execute(COMPLAINT_MEDIANS_SQL, {**some, "areas": median_areas})

    figure_areas = sorted(code for code in changed if len(code) < VILLAGE_WIDTH)
    cursor.execute(
        "DELETE FROM dashboard_figure WHERE snapshot_id = %s AND area_code = ANY(%s)", [snapshot.pk, figure_areas]
    )
    _write_figures(cursor, keys, snapshot, figure_areas)
    snapshot.areas = _count_areas(cursor, snapshot)
    snapshot.taken_at = taken_at
    snapshot.changed_areas = len(changed)
    snapshot.requested_by = actor
    snapshot.watermarks = watermarks
    snapshot.save(update_fields=["taken_at", "areas", "changed_areas", "requested_by", "watermarks"])
    return snapshot
