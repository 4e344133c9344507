"""`make bench-complaints`: the escalation job over a million complaints, and the public complaint form
under load, each against a floor measured in the same run.

1. The data set: BENCH_COMPLAINTS (``--complaints N``, default 1,000,000) complaints in BENCH_DATABASE,
   generated once in SQL (one INSERT ... SELECT over generate_series, then their timeline events)
   and reused while the same number is there; any other number is replaced. Three years of
   complaints, more of them recent: a realistic mix of channels, categories (priority from the
   category and a child involved, as complaint_file sets it), statuses (recent ones mostly open,
   old ones mostly closed), areas (real village codes, regency codes for the web and the hotline;
   NTB and NTT first), countries, anonymous complainants, and deadlines from the DeadlineSetting
   table. The data set has a moment of its own, ``as_of`` (the hour it was generated): every
   measurement runs the job with ``now=as_of``, so the same rows are overdue at every run. Of
   the open complaints past a deadline at ``as_of`` (to acknowledge, twice that window, or to
   resolve), 80 % are already at the level the job would raise them to (earlier runs did it),
   the rest wait for it (a backlog): those are what each run escalates.
2. The job, ``complaints.services.complaints_escalate_overdue(now=as_of)``, BENCH_COMPLAINTS_REPEATS (3)
   times; before each run the rows it may touch are restored from a snapshot taken when the data
   set was generated (level, escalated_at, updated_at) and its events removed, then VACUUM
   ANALYZE (not timed): every repeat escalates the same rows. Its floor, measured before each
   repeat on the same rows: one ``SELECT count(*)`` with the job's WHERE, which the planner answers
   from the partial indexes complaint_ack_due_idx and complaint_resolve_due_idx (the plan's indexes
   are reported). Medians of the repeats, and the ratio.
3. The public form: gunicorn as the production image starts it (sync workers, BENCH_COMPLAINTS_WORKERS,
   default 2) on a loopback port with bench/complaints_settings.py (production settings, reached as
   through the TLS proxy; no minimum time to fill the form, no budget per address). BENCH_COMPLAINTS_CLIENTS
   (8) client threads, each for BENCH_COMPLAINTS_SECONDS (10) after a 2 s warm-up: first a trivial page
   (GET the login page), then filing a complaint as a new visitor's browser does it: GET the form
   (its CSRF token and signed time stamp), POST it (multipart, the honeypot empty), follow the
   redirect to the page that shows the code. Every answer must be what a browser expects.
   Round trips and requests per second, p50 and p95 of each, and the ratio to the trivial page.
   The complaints filed (and their events and outbox messages) are deleted afterwards.

One line of JSON: see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid

from bench.common import emit, log, percentile, queued_tasks, start_gunicorn, use_bench_database

BENCH_QUEUE = "bench-complaints"  # the Celery queue of the benchmark's server (no worker reads it)
SETTINGS = "bench.complaints_settings"
MARKER = "generated:bench"  # secret_hash of a generated complaint: no secret opens it on the public page
DESCRIPTION_PREFIX = "Bench: "  # the complaints the benchmark files through the form
# The partial indexes the job's WHERE is meant to read (complaints/models.py).
JOB_INDEXES = ("complaint_ack_due_idx", "complaint_resolve_due_idx")
# The job notifies the officials of the new level per complaint only when it raises at most this many
# at once (complaints.services.complaints_escalate_overdue); a mass escalation is seen on the queue.
NOTIFY_LIMIT = 1000
DESTINATIONS = ["MY", "SA", "HK", "TW", "SG", "KR", "JP", "AE", "QA", "KW", "BN", "OM"]


def _options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.complaints", description=__doc__.split("\n")[0])
    env = os.environ.get
    parser.add_argument("--complaints", type=int, default=int(env("BENCH_COMPLAINTS", 1_000_000)))
    parser.add_argument("--repeats", type=int, default=int(env("BENCH_COMPLAINTS_REPEATS", 3)))
    parser.add_argument("--clients", type=int, default=int(env("BENCH_COMPLAINTS_CLIENTS", 8)))
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_COMPLAINTS_SECONDS", 10)))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_COMPLAINTS_WORKERS", 2)))
    parser.add_argument("--seed", type=int, default=int(env("BENCH_SEED", 1)))
    parser.add_argument("--skip-form", action="store_true", help="measure the escalation job only")
    return parser.parse_args(argv)


# --- the data set ------------------------------------------------------------------------------------------

META = "bench_complaints_meta"
GENERATOR = 2  # a data set made by another version of GENERATE is made again
SNAPSHOT = "bench_complaints_snapshot"

# The job's own WHERE (complaints.services.ESCALATE, its `due` step): open, below the ministry, past a deadline.
JOB_WHERE = """
c.status IN ('received', 'verified', 'in_progress') AND c.level <> 'ministry'
AND (c.resolve_due_at < %(now)s OR (c.status = 'received' AND c.acknowledge_due_at < %(now)s))
"""

# The areas complaints come from: group 0 villages of NTB and NTT, 1 other villages, 2 regencies of
# NTB and NTT, 3 other regencies (the web form and the hotline ask for the regency only).
AREAS = """
CREATE TEMP TABLE bench_area_pick ON COMMIT DROP AS
SELECT grp, (row_number() OVER (PARTITION BY grp ORDER BY code) - 1)::int AS i, code FROM (
    SELECT CASE WHEN left(code, 3) IN ('52.', '53.') THEN 0 ELSE 1 END AS grp, code FROM villages_village
    UNION ALL
    SELECT CASE WHEN left(code, 3) IN ('52.', '53.') THEN 2 ELSE 3 END, code FROM villages_regency
) a;
CREATE TEMP TABLE bench_area_count ON COMMIT DROP AS SELECT grp, count(*)::int AS n FROM bench_area_pick GROUP BY grp;
"""

CODE = "substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (((x >> {shift}) & 31)::int) + 1, 1)"
TRACKING_CODE = "'ADU-' || {} || '-' || {}".format(
    " || ".join(CODE.format(shift=s) for s in (35, 30, 25, 20)),
    " || ".join(CODE.format(shift=s) for s in (15, 10, 5, 0)),
)

GENERATE = f"""
INSERT INTO complaints_complaint (
    tracking_code, secret_hash, channel, category, priority, status, level, description, occurred_on,
    involves_minor, area_code, country_id, anonymous, complainant_name, complainant_phone, complainant_email,
    complainant_relation, identity_shared_with_company, worker_name, worker_nik, worker_nik_hash,
    acknowledge_due_at,
    resolve_due_at, acknowledged_at, resolved_at, closed_at, escalated_at, outcome, rejection_reason,
    filed_at, updated_at)
WITH base AS MATERIALIZED (
    SELECT g, random() AS r_age, random() AS r_cat, random() AS r_status, random() AS r_chan,
           random() AS r_area, random() AS r_grp, random() AS r_lvl, random() AS r_ack, random() AS r_res,
           random() AS r_anon, random() AS r_minor, random() AS r_country, random() AS r_name
    FROM generate_series(1::bigint, %(n)s) g
), drawn AS (
    SELECT b.*,
        -- three years back, more of them recent; the newest an hour before as_of
        %(as_of)s - interval '1 hour' - make_interval(secs => 1095 * 86400 * r_age * r_age) AS filed_at,
        1095 * r_age * r_age AS age_days,
        CASE WHEN r_cat < 0.28 THEN 'unpaid_wages' WHEN r_cat < 0.36 THEN 'excessive_hours'
             WHEN r_cat < 0.46 THEN 'violence' WHEN r_cat < 0.56 THEN 'documents_held'
             WHEN r_cat < 0.66 THEN 'illegal_fees' WHEN r_cat < 0.76 THEN 'contract_mismatch'
             WHEN r_cat < 0.80 THEN 'trafficking' WHEN r_cat < 0.85 THEN 'illness_or_death'
             WHEN r_cat < 0.94 THEN 'lost_contact' ELSE 'other' END AS category,
        r_minor < 0.03 AS involves_minor,
        CASE WHEN r_chan < 0.35 THEN 'web' WHEN r_chan < 0.60 THEN 'hotline' WHEN r_chan < 0.85 THEN 'village'
             WHEN r_chan < 0.93 THEN 'company' ELSE 'mission' END AS channel
    FROM base b
), shaped AS (
    SELECT d.*,
        CASE WHEN category IN ('trafficking', 'violence', 'illness_or_death') OR involves_minor THEN 'urgent'
             WHEN category IN ('lost_contact', 'documents_held', 'unpaid_wages') THEN 'high'
             ELSE 'normal' END AS priority,
        CASE WHEN age_days < 60 THEN
                CASE WHEN r_status < 0.20 THEN 'received' WHEN r_status < 0.35 THEN 'verified'
                     WHEN r_status < 0.60 THEN 'in_progress' WHEN r_status < 0.80 THEN 'resolved'
                     WHEN r_status < 0.95 THEN 'closed' ELSE 'rejected' END
             ELSE
                CASE WHEN r_status < 0.01 THEN 'received' WHEN r_status < 0.02 THEN 'verified'
                     WHEN r_status < 0.05 THEN 'in_progress' WHEN r_status < 0.15 THEN 'resolved'
                     WHEN r_status < 0.90 THEN 'closed' ELSE 'rejected' END
        END AS status,
        CASE WHEN channel IN ('web', 'hotline') THEN 2 ELSE 0 END + CASE WHEN r_grp < 0.6 THEN 0 ELSE 1 END AS grp
    FROM drawn d
), timed AS (
    SELECT s.*,
        filed_at + make_interval(hours => ds.acknowledge_hours) AS ack_due,
        filed_at + make_interval(days => ds.resolve_days) AS resolve_due,
        ds.acknowledge_hours, ds.resolve_days
    FROM shaped s JOIN complaints_deadlinesetting ds ON ds.priority = s.priority
), handled AS (
    SELECT t.*,
        CASE WHEN status = 'received' THEN NULL
             ELSE LEAST(%(as_of)s - interval '2 minutes',
                        filed_at + make_interval(secs => acknowledge_hours * 3600 * 1.4 * r_ack)) END AS ack_at,
        CASE WHEN status IN ('resolved', 'closed')
             THEN LEAST(%(as_of)s - interval '1 minute',
                        filed_at + make_interval(secs => greatest(acknowledge_hours * 3600 * 1.4 * r_ack,
                                                                  resolve_days * 86400 * 1.3 * r_res))) END AS res_at,
        -- the level the job raises an open complaint to at as_of (as in complaints.services.ESCALATE)
        CASE WHEN status NOT IN ('received', 'verified', 'in_progress') THEN NULL
             WHEN resolve_due < %(as_of)s THEN 'ministry'
             WHEN status = 'received' AND ack_due + (ack_due - filed_at) < %(as_of)s THEN 'ministry'
             WHEN status = 'received' AND ack_due < %(as_of)s THEN 'province'
             ELSE 'regency' END AS target
    FROM timed t
), levelled AS (
    SELECT h.*,
        CASE WHEN target IS NULL THEN
                CASE WHEN r_lvl < 0.85 THEN 'regency' WHEN r_lvl < 0.95 THEN 'province' ELSE 'ministry' END
             WHEN target = 'regency' OR r_lvl < 0.8 THEN target  -- earlier runs of the job raised it
             WHEN target = 'ministry' AND r_lvl < 0.9 THEN 'province'
             ELSE 'regency' END AS level,
        CASE WHEN status = 'closed' THEN LEAST(%(as_of)s - interval '1 minute', res_at + interval '3 days')
             WHEN status = 'rejected' THEN LEAST(%(as_of)s - interval '1 minute',
                                                  filed_at + make_interval(secs => acknowledge_hours * 3600 * r_ack))
        END AS closed,
        (g * 2654435761) %% 1099511627776 AS x  -- a bijection of the first 2^40 numbers: unique codes
    FROM handled h
)
SELECT
    {TRACKING_CODE}, %(marker)s, channel, category, priority, status, level,
    CASE category
        WHEN 'unpaid_wages' THEN 'Gaji belum dibayar selama tiga bulan, majikan selalu menunda.'
        WHEN 'excessive_hours' THEN 'Bekerja dari subuh sampai tengah malam tanpa hari libur.'
        WHEN 'violence' THEN 'Dipukul oleh majikan dan dikurung di rumah, keluarga minta dipulangkan.'
        WHEN 'documents_held' THEN 'Paspor dan kontrak ditahan oleh majikan, tidak boleh keluar rumah.'
        WHEN 'illegal_fees' THEN 'Diminta membayar biaya penempatan Rp 15.000.000 lewat potongan gaji.'
        WHEN 'contract_mismatch' THEN 'Pekerjaan dan gaji berbeda dari yang dijanjikan waktu direkrut.'
        WHEN 'trafficking' THEN 'Diberangkatkan lewat jalur tidak resmi oleh calo, sekarang tidak bisa pulang.'
        WHEN 'illness_or_death' THEN 'Sakit keras dan tidak dibawa ke rumah sakit oleh majikan.'
        WHEN 'lost_contact' THEN 'Keluarga hilang kontak sejak enam bulan, nomor tidak aktif.'
        ELSE 'Minta bantuan informasi tentang hak pekerja migran.' END,
    (filed_at - make_interval(days => (r_res * 60)::int))::date,
    involves_minor, a.code,
    CASE WHEN channel IN ('company', 'mission') OR r_country < 0.7
         THEN (%(countries)s::text[])[1 + floor(r_country * cardinality(%(countries)s::text[]))::int] END,
    r_anon < 0.15,
    CASE WHEN r_anon < 0.15 THEN ''
         ELSE (ARRAY['Siti Aminah', 'Baiq Nurhayati', 'Lalu Ahmad Fauzi', 'Maria Goreti Bria', 'Yohanes Nahak',
                     'Ni Made Sari', 'Muhammad Ridwan', 'Hadijah', 'Fransiska Seran', 'Abdul Karim'])[1 + (g %% 10)]
    END,
    CASE WHEN r_anon < 0.15 THEN '' ELSE '08' || lpad(((g * 7919) %% 10000000000)::text, 10, '0') END,
    '',
    CASE WHEN r_anon < 0.15 THEN '' WHEN r_name < 0.3 THEN 'self' WHEN r_name < 0.9 THEN 'family' ELSE 'other' END,
    r_anon >= 0.15 AND r_name < 0.4,
    (ARRAY['Nurul Hidayah', 'Yuliana Tefa', 'Ahmad Zaini', 'Marselina Kase', 'Baiq Rohani', 'Rahmat Hidayat',
           'Agustina Lake', 'Lalu Sudirman'])[1 + (g %% 8)],
    '', '',  -- no NIK given, so no keyed hash either
    ack_due, resolve_due, ack_at, res_at, closed,
    CASE WHEN level = 'regency' THEN NULL
         WHEN target IS NULL THEN LEAST(COALESCE(closed, res_at, %(as_of)s - interval '1 minute'), ack_due)
         WHEN level = 'ministry' AND resolve_due < %(as_of)s
              THEN LEAST(%(as_of)s - interval '1 minute', resolve_due + r_lvl * interval '15 minutes')
         WHEN level = 'ministry'
              THEN LEAST(%(as_of)s - interval '1 minute',
                         ack_due + (ack_due - filed_at) + r_lvl * interval '15 minutes')
         ELSE LEAST(%(as_of)s - interval '1 minute', ack_due + r_lvl * interval '15 minutes') END,
    CASE WHEN status IN ('resolved', 'closed') THEN 'Gaji dibayar dan pekerja dipulangkan setelah mediasi.' ELSE '' END,
    CASE WHEN status = 'rejected' THEN 'Bukan wewenang BP2MI: diteruskan ke instansi lain.' ELSE '' END,
    filed_at,
    GREATEST(filed_at, ack_at, res_at, closed)
FROM levelled l
JOIN bench_area_count ac ON ac.grp = l.grp
JOIN bench_area_pick a ON a.grp = l.grp AND a.i = floor(l.r_area * ac.n)::int
ORDER BY filed_at, g  -- ids follow the filing time, as in a table filled day by day
"""

# The timeline: filed; one status step for those past received; escalated for those raised before.
EVENTS = """
INSERT INTO complaints_complaintevent (complaint_id, at, actor_id, reason, data, kind, from_status, to_status, public)
SELECT id, filed_at, NULL::bigint, '', jsonb_build_object('channel', channel, 'priority', priority),
       'filed', '', 'received', true
FROM complaints_complaint WHERE secret_hash = %(marker)s
UNION ALL
SELECT id, COALESCE(closed_at, resolved_at, acknowledged_at), NULL::bigint, '', '{}'::jsonb,
       'status', 'received', status, true
FROM complaints_complaint WHERE secret_hash = %(marker)s AND status <> 'received'
UNION ALL
SELECT id, escalated_at, NULL::bigint, '', jsonb_build_object('from', 'regency', 'to', level),
       'escalated', '', '', false
FROM complaints_complaint WHERE secret_hash = %(marker)s AND escalated_at IS NOT NULL
"""


def _meta(cursor) -> dict | None:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [META])
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(f"SELECT * FROM {META}")
    row = cursor.fetchone()
    return dict(zip([column.name for column in cursor.description], row, strict=True)) if row else None


def _remove_generated(cursor) -> None:
    """Empty the previous data set: TRUNCATE when the complaints are all generated ones, else DELETE them."""
    cursor.execute(f"DROP TABLE IF EXISTS {SNAPSHOT}; DROP TABLE IF EXISTS {META}")
    cursor.execute("SELECT count(*), count(*) FILTER (WHERE secret_hash = %s) FROM complaints_complaint", [MARKER])
    total, generated = cursor.fetchone()
    if generated == 0:
        return
    log(f"removing the previous data set ({generated:,} generated complaints)")
    if total == generated:
        cursor.execute("TRUNCATE complaints_complaint RESTART IDENTITY CASCADE")
        return
    marked = "SELECT id FROM complaints_complaint WHERE secret_hash = %s"
    for table in ("complaints_complaintevent", "complaints_complaintreferral", "complaints_complaintattachment"):
        cursor.execute(f"DELETE FROM {table} WHERE complaint_id IN ({marked})", [MARKER])
    cursor.execute("DELETE FROM complaints_complaint WHERE secret_hash = %s", [MARKER])


def ensure_complaints(count: int, seed: int) -> dict:
    """The data set of ``count`` complaints: reused when it is there, else generated. Returns its meta."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        meta = _meta(cursor)
        if meta and (meta["complaints"], meta["seed"], meta.get("version")) == (count, seed, GENERATOR):
            cursor.execute("SELECT count(*) FROM complaints_complaint WHERE secret_hash = %s", [MARKER])
            if cursor.fetchone()[0] == count:
                log(f"reusing {count:,} generated complaints (as of {meta['as_of']:%Y-%m-%d %H:%M %Z})")
                return {**meta, "action": "reused"}
    log(f"generating {count:,} complaints (INSERT ... SELECT over generate_series, then their events)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _remove_generated(cursor)
        cursor.execute("SELECT code FROM recruitment_country WHERE code = ANY(%s) ORDER BY code", [DESTINATIONS])
        countries = [row[0] for row in cursor.fetchall()]
        if not countries:
            sys.exit("bench: no destination countries; load the reference data (load_reference_data)")
        cursor.execute("SELECT count(*) FROM complaints_deadlinesetting")
        if cursor.fetchone()[0] < 3:
            sys.exit("bench: the complaint deadlines (one per priority) are missing; migrate complaints")
        cursor.execute("SELECT date_trunc('hour', now())")
        as_of = cursor.fetchone()[0]
        cursor.execute(AREAS)
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        step = time.perf_counter()
        cursor.execute(GENERATE, {"n": count, "as_of": as_of, "marker": MARKER, "countries": countries})
        log(f"  {cursor.rowcount:,} complaints in {time.perf_counter() - step:.1f}s")
        step = time.perf_counter()
        cursor.execute(EVENTS, {"marker": MARKER})
        log(f"  {cursor.rowcount:,} timeline events in {time.perf_counter() - step:.1f}s")
        # What the job may touch at as_of, as generated: each repeat starts from it.
        cursor.execute(
            f"CREATE TABLE {SNAPSHOT} AS SELECT c.id, c.level, c.escalated_at, c.updated_at "
            f"FROM complaints_complaint c WHERE {JOB_WHERE}",
            {"now": as_of},
        )
        cursor.execute(f"ALTER TABLE {SNAPSHOT} ADD PRIMARY KEY (id)")
        seconds = time.perf_counter() - started
        cursor.execute(f"CREATE TABLE {META} (complaints int, seed int, as_of timestamptz, seconds float, version int)")
        cursor.execute(f"INSERT INTO {META} VALUES (%s, %s, %s, %s, %s)", [count, seed, as_of, seconds, GENERATOR])
    _vacuum()
    log(f"generated {count:,} complaints in {seconds:.1f}s (as of {as_of:%Y-%m-%d %H:%M %Z})")
    return {
        "complaints": count,
        "seed": seed,
        "as_of": as_of,
        "seconds": seconds,
        "version": GENERATOR,
        "action": "generated",
    }


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute("VACUUM (ANALYZE) complaints_complaint, complaints_complaintevent")


def data_set_figures(as_of) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, count(*) FROM complaints_complaint WHERE secret_hash = %s GROUP BY 1 ORDER BY 1", [MARKER]
        )
        by_status = dict(cursor.fetchall())
        cursor.execute(
            "SELECT level, count(*) FROM complaints_complaint WHERE secret_hash = %s "
            "AND status IN ('received', 'verified', 'in_progress') GROUP BY 1 ORDER BY 1",
            [MARKER],
        )
        open_by_level = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status = 'received' AND acknowledge_due_at < %(now)s), "
            "count(*) FILTER (WHERE resolve_due_at < %(now)s) FROM complaints_complaint "
            "WHERE status IN ('received', 'verified', 'in_progress')",
            {"now": as_of},
        )
        past_ack, past_resolve = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM complaints_complaintevent")
        events = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_total_relation_size('complaints_complaint'), pg_total_relation_size('complaints_complaintevent')"
        )
        complaint_bytes, event_bytes = cursor.fetchone()
    return {
        "by_status": by_status,
        "open_by_level": open_by_level,
        "open_past_acknowledge_deadline": past_ack,
        "open_past_resolve_deadline": past_resolve,
        "events": events,
        "bytes": {"complaints": complaint_bytes, "events": event_bytes},
    }


# --- the escalation job and its floor -----------------------------------------------------------------------


def restore(as_of) -> None:
    """Put the rows the job may touch back as generated, and remove the events and messages of earlier runs."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE complaints_complaint c SET level = s.level, escalated_at = s.escalated_at, "
            f"updated_at = s.updated_at FROM {SNAPSHOT} s WHERE c.id = s.id "
            f"AND (c.level, c.escalated_at, c.updated_at) IS DISTINCT FROM (s.level, s.escalated_at, s.updated_at)"
        )
        cursor.execute(
            "DELETE FROM complaints_complaintevent WHERE kind = 'escalated' AND at = %s AND actor_id IS NULL", [as_of]
        )
        # Generated complaints have no messages of their own: any about them came from the job.
        cursor.execute(f"DELETE FROM core_outboundmessage WHERE about IN (SELECT 'complaint:' || id FROM {SNAPSHOT})")
    _vacuum()


# The same rows as JOB_WHERE, asked for as the two ranges of the partial indexes (the least a scan can read).
RANGES = """
SELECT count(*) FROM (
    SELECT id FROM complaints_complaint
    WHERE status IN ('received', 'verified', 'in_progress') AND resolve_due_at < %(now)s AND level <> 'ministry'
    UNION
    SELECT id FROM complaints_complaint
    WHERE status = 'received' AND acknowledge_due_at < %(now)s AND level <> 'ministry'
) overdue
"""


def floor_count(as_of, query: str | None = None) -> tuple[float, int, list[str]]:
    """One indexed scan of the overdue rows: count(*) with the job's WHERE as the planner runs it, or
    ``query`` with sequential scans off (on a small table the planner would rather read it all).
    Seconds, rows, and the indexes in the plan."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if query:
            cursor.execute("SET LOCAL enable_seqscan = off")
        query = query or f"SELECT count(*) FROM complaints_complaint c WHERE {JOB_WHERE}"
        cursor.execute("EXPLAIN (FORMAT TEXT) " + query, {"now": as_of})
        plan = "\n".join(row[0] for row in cursor.fetchall())
        started = time.perf_counter()
        cursor.execute(query, {"now": as_of})
        rows = cursor.fetchone()[0]
        seconds = time.perf_counter() - started
    return seconds, rows, sorted(set(re.findall(r"(?:using|on) (complaint_\w+_idx)", plan)))


def measure_escalation(as_of, repeats: int) -> dict:
    from django.db import connection

    from complaints.services import complaints_escalate_overdue

    job_runs, floor_runs, range_runs, escalated, notices = [], [], [], [], []
    floor_rows, plan_indexes, range_indexes = 0, [], []
    # A first run on the table as generated (packed full: no update can stay on its page) is reported
    # apart; after it and its restore the table has the free space a table that is updated keeps.
    restore(as_of)
    started = time.perf_counter()
    first_raised = complaints_escalate_overdue(now=as_of)
    first_run = time.perf_counter() - started
    log(f"first run (not a repeat): {first_run:.3f}s ({first_raised:,} escalated)")
    for repeat in range(1, repeats + 1):
        restore(as_of)
        seconds, range_rows, range_indexes = floor_count(as_of, RANGES)
        range_runs.append(seconds)
        seconds, floor_rows, plan_indexes = floor_count(as_of)
        floor_runs.append(seconds)
        if range_rows != floor_rows:
            sys.exit(f"bench: the two floors counted {floor_rows} and {range_rows} rows")
        started = time.perf_counter()
        raised = complaints_escalate_overdue(now=as_of)
        job_runs.append(time.perf_counter() - started)
        escalated.append(raised)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM core_outboundmessage WHERE about IN (SELECT 'complaint:' || id FROM {SNAPSHOT})"
            )
            notices.append(cursor.fetchone()[0])
        log(
            f"repeat {repeat}: job {job_runs[-1]:.3f}s ({raised:,} escalated), "
            f"floor {seconds:.3f}s ({floor_rows:,} rows)"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data->>'to', count(*) FROM complaints_complaintevent WHERE kind = 'escalated' AND at = %s "
            "GROUP BY 1 ORDER BY 1",
            [as_of],
        )
        to_level = dict(cursor.fetchall())
    restore(as_of)  # leave the data set as generated
    if len(set(escalated + [first_raised])) != 1:
        sys.exit(f"bench: the repeats escalated different numbers of rows: {escalated}")
    job, floor, ranges = statistics.median(job_runs), statistics.median(floor_runs), statistics.median(range_runs)
    return {
        "job": "complaints.services.complaints_escalate_overdue(now=as_of)",
        "repeats": repeats,
        "rows_escalated": escalated[0],
        "escalated_to": to_level,
        "overdue_rows_below_ministry": floor_rows,
        "job_seconds": round(job, 4),
        "job_seconds_each": [round(value, 4) for value in job_runs],
        "floor": "SELECT count(*) with the job's WHERE (one indexed scan of the overdue rows)",
        "floor_indexes": plan_indexes,
        "floor_seconds": round(floor, 4),
        "floor_seconds_each": [round(value, 4) for value in floor_runs],
        "ratio": round(job / floor, 1) if floor else None,
        "floor_index_ranges": "the same rows as the union of two index range scans (resolve_due_at < now on "
        "complaint_resolve_due_idx, acknowledge_due_at < now on complaint_ack_due_idx)",
        "floor_index_ranges_indexes": range_indexes,
        "floor_index_ranges_seconds": round(ranges, 4),
        "floor_index_ranges_seconds_each": [round(value, 4) for value in range_runs],
        "ratio_to_index_ranges": round(job / ranges, 1) if ranges else None,
        "first_run_seconds": round(first_run, 4),
        "officials_notified_per_complaint": escalated[0] <= NOTIFY_LIMIT,
        "notices_queued_each": notices,
        "notifications": (
            f"the job notifies the officials of the new level per complaint only when it raises at most "
            f"{NOTIFY_LIMIT:,} at once; above that (a backlog) it notifies no one and the queue's figures show them"
        ),
    }


# --- the public form under load ------------------------------------------------------------------------------


def _multipart(fields: dict) -> tuple[bytes, str]:
    """The form as a browser sends it (multipart: the form has file fields, here left empty)."""
    boundary = "----benchcomplaints" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    for name in ("attachment_1", "attachment_2", "attachment_3"):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


FORM_PATH = "/pengaduan/baru/"
CATEGORIES = ["unpaid_wages", "violence", "documents_held", "illegal_fees", "lost_contact", "contract_mismatch"]


class Failure(Exception):
    pass


def _trivial(browser, path: str) -> list[tuple[str, float]]:
    before = time.perf_counter()
    page = browser.get(path)
    if page.status != 200:
        raise Failure(f"GET {path} answered {page.status}")
    return [("page", time.perf_counter() - before)]


def _file_complaint(browser, regencies: list[str], rng: random.Random) -> list[tuple[str, float]]:
    from bench.village import parse_page

    browser.cookies = {}  # a new visitor
    steps = []
    before = time.perf_counter()
    form = browser.get(FORM_PATH)
    steps.append(("get_form", time.perf_counter() - before))
    if form.status != 200:
        raise Failure(f"GET {FORM_PATH} answered {form.status}")
    inputs = parse_page(form.text()).inputs
    anonymous = rng.random() < 0.15
    fields = {
        "csrfmiddlewaretoken": inputs.get("csrfmiddlewaretoken", ""),
        "stamp": inputs.get("stamp", ""),
        "website": "",
        "category": rng.choice(CATEGORIES),
        "description": DESCRIPTION_PREFIX + "gaji belum dibayar tiga bulan, majikan menahan paspor.",
        "occurred_on": "",
        "worker_name": "Nurul Hidayah",
        "worker_nik": "",
        "area_code": rng.choice(regencies),
        "country": "MY",
        "complainant_name": "" if anonymous else "Siti Aminah",
        "complainant_phone": "" if anonymous else "0812" + "".join(rng.choice("0123456789") for _ in range(8)),
        "complainant_email": "",
        "complainant_relation": "" if anonymous else "family",
    }
    if anonymous:
        fields["anonymous"] = "on"
    body, content_type = _multipart(fields)
    headers = {"Content-Type": content_type, "Origin": browser.origin, "Referer": browser.origin + FORM_PATH}
    before = time.perf_counter()
    sent = browser.request("POST", FORM_PATH, body=body, headers=headers)
    steps.append(("post", time.perf_counter() - before))
    location = sent.headers.get("location", "")
    if sent.status != 302 or not location:
        raise Failure(f"POST {FORM_PATH} answered {sent.status}: {sent.text()[:600]}")
    before = time.perf_counter()
    filed = browser.get(location.replace(browser.origin, "") if location.startswith("http") else location)
    steps.append(("filed_page", time.perf_counter() - before))
    if filed.status != 200 or "ADU-" not in filed.text():
        raise Failure(f"GET {location} answered {filed.status} without a tracking code")
    return steps


def run_clients(port: int, clients: int, seconds: float, action, *, warmup: float = 2.0) -> dict:
    """``clients`` threads, each running ``action`` in a loop on its own connection for ``seconds`` after a warm-up."""
    from bench.village import Browser

    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds
    results: list[list] = [[] for _ in range(clients)]
    errors: list[str] = []

    def client(index: int) -> None:
        rng = random.Random(index)
        browser = Browser(port)
        try:
            while (now := time.perf_counter()) < stop_at and not errors:
                steps = action(browser, rng)
                if now >= start_at:
                    results[index].append(steps)
        except Exception as error:  # noqa: BLE001 - reported, and the run fails
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            browser.close()

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit(f"bench: {errors[0]}")
    done = [steps for per_client in results for steps in per_client]
    if not done:
        sys.exit("bench: no request finished in the measured time")
    totals = [sum(step for _name, step in steps) * 1000 for steps in done]
    requests = sum(len(steps) for steps in done)
    summary = {
        "round_trips": len(done),
        "round_trips_per_second": round(len(done) / seconds, 1),
        "requests": requests,
        "requests_per_second": round(requests / seconds, 1),
        "p50_ms": round(percentile(totals, 0.5), 1),
        "p95_ms": round(percentile(totals, 0.95), 1),
        "mean_ms": round(statistics.fmean(totals), 1),
    }
    names = [name for name, _step in done[0]]
    if len(names) > 1:
        summary["steps_ms"] = {
            name: {
                "p50": round(percentile([steps[i][1] * 1000 for steps in done], 0.5), 1),
                "p95": round(percentile([steps[i][1] * 1000 for steps in done], 0.95), 1),
            }
            for i, name in enumerate(names)
        }
    return summary


def queue_messages(delete: bool = False) -> int:
    return queued_tasks(BENCH_QUEUE, delete=delete)


def remove_filed() -> int:
    """Delete the complaints the benchmark filed through the form, with their events and messages."""
    from django.db import transaction

    from complaints.models import Complaint
    from core.models import OutboundMessage

    filed = Complaint.objects.filter(channel="web", description__startswith=DESCRIPTION_PREFIX).exclude(
        secret_hash=MARKER
    )
    with transaction.atomic():
        ids = list(filed.values_list("pk", flat=True))
        OutboundMessage.objects.filter(about__in=[f"complaint:{pk}" for pk in ids]).delete()
        filed.delete()
    return len(ids)


def measure_form(clients: int, seconds: float, workers: int) -> dict:
    from django.db import connections
    from django.urls import reverse

    from bench.village import build_static, free_port, server_env
    from villages.models import Regency

    regencies = list(Regency.objects.filter(code__regex=r"^5[23]\.").values_list("code", flat=True)) or list(
        Regency.objects.values_list("code", flat=True)[:50]
    )
    login_path = reverse("accounts:login")
    remove_filed()  # a run stopped halfway leaves nothing behind for the next
    queue_messages(delete=True)
    connections.close_all()
    static_root = tempfile.mkdtemp(prefix="bench-complaints-static-")
    env = {**server_env(static_root), "DJANGO_SETTINGS_MODULE": SETTINGS}
    server = None
    try:
        build_static(env)
        port = free_port()
        server = start_gunicorn(env, port, workers, label=SETTINGS)
        log(f"trivial page: GET {login_path}, {clients} clients x {seconds:g}s")
        trivial = run_clients(port, clients, seconds, lambda browser, rng: _trivial(browser, login_path))
        log(f"trivial page: {trivial}")
        log(f"filing complaints: GET {FORM_PATH} + POST + the page with the code, {clients} clients x {seconds:g}s")
        filing = run_clients(port, clients, seconds, lambda browser, rng: _file_complaint(browser, regencies, rng))
        log(f"filing: {filing}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        connections.close_all()
        tasks = queue_messages(delete=True)
        removed = remove_filed()
    log(f"removed the {removed:,} complaints filed; {tasks:,} tasks the server asked for were dropped")
    return {
        "server": f"gunicorn sync x{workers}, production settings ({SETTINGS}), loopback",
        "clients": clients,
        "seconds_each": seconds,
        "trivial_page": {"path": login_path, **trivial},
        "file_a_complaint": {
            "round_trip": f"GET {FORM_PATH} (CSRF token, signed stamp) + POST (multipart, honeypot empty) "
            "+ GET the page that shows the code (the redirect)",
            **filing,
        },
        "complaints_filed": removed,
        "tasks_asked_for": tasks,
        "ratio_round_trips_to_trivial_requests": round(
            filing["round_trips_per_second"] / trivial["requests_per_second"], 3
        ),
        "ratio_requests_to_trivial_requests": round(filing["requests_per_second"] / trivial["requests_per_second"], 3),
        "ratio_p95_round_trip_to_trivial_p95": round(filing["p95_ms"] / trivial["p95_ms"], 1),
        "production_guards_lifted": {"PUBLIC_FORM_MIN_SECONDS": 0, "PUBLIC_COMPLAINTS_PER_HOUR": "1e9"},
    }


# --- the run -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    options = _options(argv)
    database = use_bench_database()
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    meta = ensure_complaints(options.complaints, options.seed)
    as_of = meta["as_of"]
    figures = data_set_figures(as_of)
    log(f"data set: {figures}")
    escalation = measure_escalation(as_of, options.repeats)
    form = None if options.skip_form else measure_form(options.clients, options.seconds, options.workers)
    emit(
        {
            "benchmark": "complaints",
            "database": database,
            "complaints": options.complaints,
            "data_set": {
                "action": meta["action"],
                "generate_seconds": round(meta["seconds"], 1),
                "seed": meta["seed"],
                "as_of": as_of.isoformat(),
                **figures,
            },
            "escalation": escalation,
            "public_form": form,
        }
    )


if __name__ == "__main__":
    main()
