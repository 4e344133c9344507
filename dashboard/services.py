"""The dashboard refresh: the whole summary rebuilt in one transaction with set-based SQL.

Every count is aggregated once per village (or the regency or province a row belongs to)
into a temporary table, then rolled up by code prefix, one level at a time, to the district,
regency, province and the country: official codes have fixed widths (52, 52.03, 52.03.01,
52.03.01.2001), so an area's ancestor is a left() of its code and no join to the area
tables is needed. Vacancies are the exception: a job order recruits in several regencies
(its SIP2MI permits name them), so they are counted per distinct job order at each level.

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

Idempotent: a refresh writes a new snapshot and drops all but the previous one, so a rerun
gives the same rows; two at once cannot happen (an advisory lock: the second one returns
None and does nothing).
"""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as dtime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from complaints.choices import OPEN_STATUSES as COMPLAINT_OPEN_STATUSES
from oversight.choices import OPEN_FLAG_STATUSES
from placement.choices import STAGE_PARAMETERS

from .models import Snapshot

LOCK_KEY = "dashboard.refresh"
WINDOW_MONTHS = 12

# (level, width of the code at that level), from the districts up to the country. Villages are
# the base rows themselves (codes of 13 characters), read from there, never copied.
LEVELS = [(3, 8), (2, 5), (1, 2), (0, 0)]

# One pass over the placements, five groupings (GROUPING() tells which one a row is): stages of
# all of them; month, country, sector and sex of those that departed within the window.
PLACEMENTS_SQL = """
INSERT INTO dashboard_base (area_code, metric, key, value)
SELECT village_id,
       CASE WHEN GROUPING(stage) = 0 THEN 'stage' WHEN GROUPING(month) = 0 THEN 'departures'
            WHEN GROUPING(country_id) = 0 THEN 'dep_country' WHEN GROUPING(sector) = 0 THEN 'dep_sector'
            ELSE 'dep_sex' END,
       COALESCE(stage::text, month, country_id, sector, sex), count(*)
FROM (
    SELECT village_id, stage,
           CASE WHEN recent THEN to_char(departed_on, 'YYYY-MM') END AS month,
           CASE WHEN recent THEN country_id END AS country_id,
           CASE WHEN recent THEN sector END AS sector,
           CASE WHEN recent THEN sex END AS sex
    FROM (
        SELECT w.village_id, w.sex, p.stage, p.departed_on, j.country_id, j.sector,
               p.stage <> %(stage_cancelled)s AND p.departed_on >= %(since)s AND p.departed_on < %(until)s AS recent
        FROM placement_placement p
        JOIN recruitment_worker w ON w.id = p.worker_id
        JOIN recruitment_joborder j ON j.id = p.job_order_id
    ) y
) x
GROUP BY GROUPING SETS ((village_id, stage), (village_id, month), (village_id, country_id), (village_id, sector),
                        (village_id, sex))
HAVING GROUPING(stage) = 0 OR COALESCE(month, country_id, sector, sex) IS NOT NULL
"""

WORKERS_SQL = """
INSERT INTO dashboard_base (area_code, metric, key, value)
SELECT village_id, CASE WHEN GROUPING(sex) = 0 THEN 'workers_sex' ELSE 'registrations' END,
       COALESCE(sex, month), count(*)
FROM (
    SELECT village_id, sex,
           CASE WHEN created_at >= %(since_ts)s AND created_at < %(until_ts)s
                THEN to_char(created_at AT TIME ZONE %(tz)s, 'YYYY-MM') END AS month
    FROM recruitment_worker
) w
GROUP BY GROUPING SETS ((village_id, sex), (village_id, month))
HAVING GROUPING(sex) = 0 OR month IS NOT NULL
"""

FLAGS_SQL = """
INSERT INTO dashboard_base (area_code, metric, key, value)
SELECT area_code, CASE WHEN GROUPING(severity) = 0 THEN 'flags_severity' ELSE 'flags_rule' END,
       COALESCE(severity, rule_code), count(*)
FROM oversight_flag
WHERE status = ANY(%(open_statuses)s)
GROUP BY GROUPING SETS ((area_code, severity), (area_code, rule_code))
"""

COMPLAINTS_SQL = """
INSERT INTO dashboard_base (area_code, metric, key, value)
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
    WHERE s.holds
) x
GROUP BY GROUPING SETS ((area_code, state), (area_code, category))
HAVING GROUPING(category) = 1 OR category IS NOT NULL
"""

# Medians do not add up, so they are computed at every level at once, after the roll-up, straight
# into its table (a complaint of a regency counts for the regency and above, not for a district).
COMPLAINT_MEDIANS_SQL = """
INSERT INTO dashboard_rolled (level, area_code, metric, key, value)
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
    GROUP BY 1, 2
)
SELECT m.level, m.area_code, 'complaints_median', v.key, v.value
FROM medians m
CROSS JOIN LATERAL (VALUES ('acknowledge', m.acknowledge), ('resolve', m.resolve)) AS v(key, value)
WHERE v.value IS NOT NULL
"""

# Per level already: a job order counts once in each area it recruits in.
VACANCIES_SQL = """
INSERT INTO dashboard_rolled (level, area_code, metric, key, value)
WITH jo AS (
    SELECT j.id, j.quota,
           count(p.id) FILTER (WHERE p.stage = ANY(%(departed_stages)s)) AS filled,
           count(p.id) FILTER (WHERE p.stage = ANY(%(pre_departure_stages)s)) AS in_process
    FROM recruitment_joborder j
    LEFT JOIN placement_placement p ON p.job_order_id = j.id
    WHERE j.status = 'published'
    GROUP BY j.id
), reach AS (
    SELECT 0 AS level, '' AS area_code, jo.id AS job_order_id FROM jo
    UNION
    SELECT lv.level, left(r.regency_id, lv.width), pm.job_order_id
    FROM recruitment_recruitmentpermit pm
    JOIN recruitment_recruitmentpermit_regions r ON r.recruitmentpermit_id = pm.id
    JOIN jo ON jo.id = pm.job_order_id
    CROSS JOIN (VALUES (1, 2), (2, 5)) AS lv(level, width)
    WHERE pm.status = 'issued'  -- only an issued permit recruits anywhere
)
SELECT reach.level, reach.area_code, 'vacancies', m.key, sum(m.value)
FROM reach
JOIN jo ON jo.id = reach.job_order_id
CROSS JOIN LATERAL (VALUES
    ('job_orders', 1::bigint), ('positions', jo.quota::bigint), ('filled', jo.filled), ('in_process', jo.in_process),
    ('open', greatest(jo.quota - jo.filled - jo.in_process, 0))
) AS m(key, value)
GROUP BY 1, 2, 4
"""

# One level from the level below plus the rows that belong at this level themselves (a company's
# flags sit at its regency): each step groups far fewer rows than the villages' count.
ROLLUP_SQL = """
INSERT INTO dashboard_rolled (level, area_code, metric, key, value)
SELECT %(level)s, left(area_code, %(width)s), metric, key, sum(value)
FROM (
    SELECT area_code, metric, key, value FROM dashboard_rolled WHERE level = %(level)s + 1
    UNION ALL
    SELECT area_code, metric, key, value FROM dashboard_base
    WHERE length(area_code) = %(width)s OR (%(level)s = 3 AND length(area_code) = 13)
) x
GROUP BY 2, 3, 4
"""

# json (text) aggregates are much cheaper than jsonb ones; the document is parsed to jsonb once.
FIGURES_SQL = """
INSERT INTO dashboard_figure (snapshot_id, level, area_code, parent_code, data)
SELECT %(snapshot)s, level, area_code,
       CASE WHEN level = 0 THEN NULL ELSE left(area_code, (ARRAY[0, 2, 5, 8])[level]) END,
       json_object_agg(metric, figures)::jsonb
FROM (
    SELECT level, area_code, metric, json_object_agg(key, value) AS figures
    FROM (
        SELECT level, area_code, metric, key, value FROM dashboard_rolled
        UNION ALL
        SELECT 4, area_code, metric, key, value FROM dashboard_base WHERE length(area_code) = 13
    ) r
    GROUP BY 1, 2, 3
) m
GROUP BY level, area_code
"""


def window_start(month: date) -> date:
    """The first day of the 12-month window ending with `month` (a first of the month)."""
    index = month.year * 12 + month.month - 1 - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def dashboard_refresh(*, actor=None) -> Snapshot | None:
    """Rebuild the summary; return the new snapshot, or None if another refresh holds the lock."""
    outermost = not connection.in_atomic_block
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
        since, until = window_start(month), next_month(month)
        zone = timezone.get_current_timezone()
        params = {
            "since": since,
            "until": until,
            "since_ts": timezone.make_aware(datetime.combine(since, dtime.min), zone),
            "until_ts": timezone.make_aware(datetime.combine(until, dtime.min), zone),
            "tz": settings.TIME_ZONE,
            "open_statuses": [str(status) for status in OPEN_FLAG_STATUSES],
            "complaint_open_statuses": [str(status) for status in COMPLAINT_OPEN_STATUSES],
            "now": taken_at,
            **STAGE_PARAMETERS,
        }
        snapshot = Snapshot.objects.create(taken_at=taken_at, month=month, seconds=0, areas=0, requested_by=actor)
        cursor.execute("SET LOCAL work_mem = '256MB'")  # the aggregates stay in memory
        for table in ("dashboard_base", "dashboard_rolled"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TEMP TABLE {table} (level smallint, area_code text NOT NULL, metric text NOT NULL, "
                "key text NOT NULL, value bigint NOT NULL) ON COMMIT DROP"
            )
        for sql in (PLACEMENTS_SQL, WORKERS_SQL, FLAGS_SQL, COMPLAINTS_SQL):
            cursor.execute(sql, params)
        for level, width in LEVELS:
            cursor.execute(ROLLUP_SQL, {"level": level, "width": width})
        cursor.execute(VACANCIES_SQL, params)
        cursor.execute(COMPLAINT_MEDIANS_SQL, params)
        cursor.execute(FIGURES_SQL, {"snapshot": snapshot.pk})
        areas = cursor.rowcount
        cursor.execute("DROP TABLE dashboard_base, dashboard_rolled")
        # Readers see the previous snapshot until this commits. It is kept one round longer, so a
        # page that picked it just before the commit still finds its rows; older ones go.
        previous = "(SELECT max(id) FROM dashboard_snapshot WHERE id < %s)"
        cursor.execute(f"DELETE FROM dashboard_figure WHERE snapshot_id < {previous}", [snapshot.pk])
        cursor.execute(f"DELETE FROM dashboard_snapshot WHERE id < {previous}", [snapshot.pk])
        # Without fresh statistics the planner takes the new snapshot for a handful of rows and
        # filters all of them instead of using the (snapshot, area) and (snapshot, parent) indexes.
        cursor.execute("ANALYZE dashboard_figure")
        snapshot.seconds = round(time.perf_counter() - started, 3)
        snapshot.areas = areas
        snapshot.save(update_fields=["seconds", "areas"])
    return snapshot
