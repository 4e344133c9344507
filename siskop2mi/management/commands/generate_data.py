"""Generate a coherent synthetic data set at scale, for benchmarks: `generate_data --workers N`.

N workers with their applications, placements spread over the stages as time
would spread them, documents, training, fees, timelines and village reports,
plus the companies, branches, employers, training providers, field recruiters,
job orders and permits they need (see siskop2mi/synthetic/).
Everything is streamed with COPY in id order with explicit ids, in one
transaction, with every constraint and foreign key in force; sequences are set
after it and the tables analysed. Reference tables (areas, countries,
occupations, embarkation points, moratoria) are read, never written.

Refuses a database that already holds data in the tables it fills, unless
--replace, which empties them first (TRUNCATE ... CASCADE, and the red-flag
tables derived from them) in the same transaction.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from datetime import timezone as dt_timezone

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.partitions import MONTHS_AHEAD, add_months, is_partitioned, month_of, month_partitions_ensure
from placement.models import EmbarkationPoint
from recruitment.models import Country, Moratorium, Occupation
from siskop2mi.synthetic import catalogue
from siskop2mi.synthetic.copy import CopyWriter, copy_rows, open_connection
from siskop2mi.synthetic.generator import (
    BATCH_TABLES,
    COLUMNS,
    GENERATED_TABLES,
    HISTORY_DAYS,
    REFERENCE_TABLES,
    Areas,
    Generator,
)
from villages.models import Village

# Emptied by --replace (with their dependants, by CASCADE). Users and companies are deleted row by
# row instead: accounts (the demo logins) may point at a company, and TRUNCATE would take them too.
TRUNCATED = [table for table in GENERATED_TABLES if table not in ("accounts_user", "agencies_agency")]
GENERATED_USERS = "gen.%"
EVENTS = "placement_placementevent"  # partitioned by month (core.partitions)


WIB = dt_timezone(timedelta(hours=7))  # the generator writes its times with +07


def latest_minute_today(today: date) -> int:
    """The last minute of ``today`` (after midnight, WIB, as the generator's times are) a row may carry:
    now, when the data set ends today; the day's end for a data set ending on another day."""
    now = timezone.now().astimezone(WIB)
    return now.hour * 60 + now.minute if now.date() == today else 24 * 60 - 1


class Command(BaseCommand):
    help = "Generate a coherent synthetic data set of N workers with PostgreSQL COPY (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, required=True, help="how many workers to generate")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1): same seed, same data")
        parser.add_argument("--batch", type=int, default=20_000, help="workers per COPY batch (default 20000)")
        parser.add_argument("--replace", action="store_true", help="empty the generated tables first")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="the day the data set ends (default: today)"
        )

    def handle(self, *args, workers: int, seed: int, batch: int, replace: bool, today, verbosity: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_data needs PostgreSQL (it loads with COPY).")
        if workers < 1 or batch < 1:
            raise CommandError("--workers and --batch must be positive.")
        today = today or timezone.localdate()
        self.verbosity = verbosity
        started = time.monotonic()
        self._check_reference_data()
        if not replace:
            self._refuse_if_filled()
        areas = self._areas()
        language_test, cost_caps = self._countries()
        moratoria = self._moratoria(today)
        connection.close()  # the raw connection below does all the writing

        raw = open_connection()
        notices_before = len(raw.notices)
        try:
            with raw.cursor() as cursor:
                if replace:
                    self._empty(cursor)
                self._make_event_partitions(cursor, today)
                first_ids = self._first_ids(cursor)
                cursor.execute("SELECT name FROM agencies_agency")
                taken = {name for (name,) in cursor.fetchall()}
                generator = Generator(
                    workers=workers, seed=seed, today=today, areas=areas, language_test=language_test,
                    cost_caps=cost_caps, first_ids=first_ids, taken_agency_names=taken, moratoria=moratoria,
                    latest_minute_today=latest_minute_today(today),
                )  # fmt: skip
                reference = generator.reference_rows()
                plan = generator.plan()
                reference.update(generator.job_order_rows())
                for table in REFERENCE_TABLES:
                    if reference[table]:
                        copy_rows(cursor, table, COLUMNS[table], "".join(reference[table]).encode())
            reference_seconds = time.monotonic() - started
            writer = CopyWriter(raw)
            writer.start()
            progress = Progress(workers, enabled=verbosity > 0)
            try:
                for start in range(0, workers, batch):
                    stop = min(start + batch, workers)
                    rows = generator.batch(plan, start, stop)
                    payload = [
                        (table, COLUMNS[table], "".join(rows[table]).encode()) for table in BATCH_TABLES if rows[table]
                    ]
                    writer.submit(payload, stop - start)
                    progress.show(stop, writer.workers_written)
            finally:
                writer.finish()
            progress.done()
            with raw.cursor() as cursor:
                for table in GENERATED_TABLES:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), "
                        f"MAX(id) IS NOT NULL) FROM {table}"
                    )
            commit_started = time.monotonic()
            raw.commit()
            commit_seconds = time.monotonic() - commit_started
        except BaseException:
            raw.rollback()
            raw.close()
            raise
        load_seconds = time.monotonic() - started
        raw.autocommit = True
        analyse_started = time.monotonic()
        with raw.cursor() as cursor:
            for table in GENERATED_TABLES:
                cursor.execute(f"ANALYZE {table}")
        analyse_seconds = time.monotonic() - analyse_started
        cascaded = [notice.strip() for notice in raw.notices[notices_before:] if "truncate cascades" in notice]
        raw.close()
        total = time.monotonic() - started
        if verbosity:
            for notice in cascaded:
                self.stdout.write(f"  --replace: {notice.removeprefix('NOTICE:  ')}")
            self.stdout.write(
                f"Generated {workers:,} workers (seed {seed}, up to {today}) in {total:.1f}s: reference rows "
                f"{reference_seconds:.1f}s, batches {load_seconds - reference_seconds - commit_seconds:.1f}s "
                f"(of which COPY {writer.copy_seconds:.1f}s), commit {commit_seconds:.1f}s, ANALYZE "
                f"{analyse_seconds:.1f}s."
            )
            width = max(len(table) for table in GENERATED_TABLES)
            for table in GENERATED_TABLES:
                copy_seconds = writer.seconds_by_table.get(table)
                spent = f"  COPY {copy_seconds:6.1f}s" if copy_seconds is not None else ""
                self.stdout.write(f"  {table:<{width}} {generator.rows[table]:>12,} rows{spent}")
        self.rows = dict(generator.rows)

    # ---- checks ----------------------------------------------------------------------------------

    def _check_reference_data(self) -> None:

        if not Village.objects.exists():
            raise CommandError("Import the areas first: manage.py import_areas")
        occupations = {job[2] for job in catalogue.JOBS}
        points = {code for codes in catalogue.POINTS.values() for code in codes}
        missing = (occupations - set(Occupation.objects.values_list("code", flat=True))) | (
            points - set(EmbarkationPoint.objects.filter(official=True).values_list("code", flat=True))
        )
        if missing:
            raise CommandError(
                f"Reference data missing ({', '.join(sorted(missing))}): run manage.py load_reference_data"
            )

    def _refuse_if_filled(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM accounts_user WHERE username = 'gen.import')")
            if cursor.fetchone()[0]:
                raise CommandError(
                    "This database already holds generated data. Run with --replace to empty the generated tables "
                    "and generate again."
                )
            filled = []
            for table in TRUNCATED:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if cursor.fetchone()[0]:
                    filled.append(table)
        if filled:
            raise CommandError(
                f"These tables already hold data: {', '.join(filled)}. generate_data fills an empty data set: use a "
                "database of its own (as bench/ does) or --replace, which empties them."
            )

    def _areas(self) -> Areas:
        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM villages_village ORDER BY code")
            villages = [code for (code,) in cursor.fetchall()]
            cursor.execute("SELECT code, name FROM villages_regency ORDER BY code")
            regency_names = dict(cursor.fetchall())
            cursor.execute("SELECT code, name FROM villages_province ORDER BY code")
            province_names = dict(cursor.fetchall())
        by_regency: dict[str, list[int]] = {}
        for index, code in enumerate(villages):
            by_regency.setdefault(code[:5], []).append(index)
        regencies_by_province: dict[str, list[str]] = {}
        for regency in sorted(by_regency):
            regencies_by_province.setdefault(regency[:2], []).append(regency)
        return Areas(villages, by_regency, regencies_by_province, regency_names, province_names)

    def _countries(self) -> tuple[dict[str, bool], dict[str, int | None]]:

        rows = Country.objects.values_list("code", "requires_language_test", "worker_cost_cap_idr")
        return (
            {code: test for code, test, _ in rows},
            {code: int(cap) if cap is not None else None for code, _, cap in rows},
        )

    def _moratoria(self, today: date) -> set[tuple[str, str]]:
        from django.db.models import Q

        active = Moratorium.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        return set(active.values_list("country_id", "sector"))

    # ---- --replace ---------------------------------------------------------------------------------

    def _empty(self, cursor) -> None:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'oversight\\_%%' "
            "AND tablename <> 'oversight_rulesetting'"
        )
        derived = sorted(name for (name,) in cursor.fetchall())  # red flags found in the data being replaced
        cursor.execute(f"TRUNCATE {', '.join(TRUNCATED + derived)} RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE %s", [GENERATED_USERS])
        cursor.execute(
            "DELETE FROM agencies_agency a WHERE NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.agency_id = a.id)"
        )

    @staticmethod
    def _make_event_partitions(cursor, today: date) -> None:
        """Every month the events will fall in gets its partition before the COPY, which then routes each
        row straight to its month instead of into the DEFAULT partition (events reach back HISTORY_DAYS
        from a registration; a day more for the time zone)."""
        if is_partitioned(cursor, EVENTS):
            first, through = today - timedelta(days=HISTORY_DAYS + 2), add_months(month_of(today), MONTHS_AHEAD)
            month_partitions_ensure(cursor, table=EVENTS, key="at", first=first, through=through)

    @staticmethod
    def _first_ids(cursor) -> dict[str, int]:
        first = {}
        for table in GENERATED_TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            first[table] = cursor.fetchone()[0]
        return first


class Progress:
    """A plain-text progress line on stderr: redrawn in place on a terminal, every 10 % otherwise."""

    def __init__(self, total: int, *, enabled: bool = True):
        self.total, self.enabled = total, enabled
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_tenth = -1

    def show(self, drawn: int, written: int) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        share = written / self.total
        rate = written / elapsed if elapsed and written else 0
        eta = f"{(self.total - written) / rate:.0f}s" if rate else "?"
        bar = "#" * int(share * 30)
        line = (
            f"[{bar:<30}] {share:6.1%} {written:,}/{self.total:,} workers written ({drawn:,} drawn) "
            f"{elapsed:.0f}s, ETA {eta}"
        )
        if self.tty:
            sys.stderr.write(f"\r{line}")
        elif int(drawn / self.total * 10) > self.last_tenth:
            self.last_tenth = int(drawn / self.total * 10)
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            self.last_tenth = -1  # always draw the last line
            self.show(self.total, self.total)
            if self.tty:
                sys.stderr.write("\n")
