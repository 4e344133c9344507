"""What a full red-flag scan finds, in a form that can be compared across engines and databases.

The flags the engine raised before its facts table (issue 17) were captured once, on the demo data
and on a generated 20,000-worker set mutated so that every rule fires, into
``tests/oversight/expectations/``; tests/oversight/test_scan_expectations.py runs today's engine on
the same inputs and compares. Ids depend on the database's sequences, so every id (a flag's subject
and the records its evidence names) is written as its rank in its table; dates are fixed by running
on a fixed day (``shifted_clock``).

Run as a module, it mutates the generated data set in ``DATABASE_URL`` and prints the scan's flags:
``python -m tests.oversight.scan_expectations --today 2026-06-30``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

EXPECTATIONS = Path(__file__).parent / "expectations"
DEMO_DAY = date(2026, 6, 30)
GENERATED_DAY = date(2026, 6, 30)
GENERATED_WORKERS = 20_000
GENERATED_SEED = 17

SUBJECT_TABLES = {
    "placement": "placement_placement",
    "worker": "recruitment_worker",
    "job_order": "recruitment_joborder",
    "agency": "agencies_agency",
    "recruiter": "agencies_fieldrecruiter",
    "village_report": "villages_villagereport",
    "employer": "agencies_employer",
}
# Evidence keys that name another record, and its table.
EVIDENCE_IDS = {"placement": "placement", "job_order": "job_order", "other_worker": "worker"}


@contextmanager
def shifted_clock(day: date):
    """Django's clock (and so the seeding, the services and the engine) runs on ``day`` at noon in
    Jakarta, still ticking, so the rows written keep their order in time."""
    from django.utils import timezone

    real_now = timezone.now
    shift = datetime.combine(day, time(12), tzinfo=ZoneInfo("Asia/Jakarta")) - real_now()
    timezone.now = lambda: real_now() + shift
    try:
        yield
    finally:
        timezone.now = real_now


def _ranks(cursor, table: str, ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    cursor.execute(
        f"SELECT id, rank FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM {table}) ranked "
        "WHERE id = ANY(%s)",
        [sorted(ids)],
    )
    return dict(cursor.fetchall())


def open_flags() -> list[list]:
    """Every unresolved flag as [rule, subject type, subject rank, area, evidence with ranks for ids], sorted."""
    from django.db import connection

    from oversight.choices import OPEN_FLAG_STATUSES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rule_code, subject_type, subject_id, area_code, evidence FROM oversight_flag "
            "WHERE status = ANY(%s)",
            [list(OPEN_FLAG_STATUSES)],
        )
        rows = [(code, kind, pk, area, json.loads(evidence) if isinstance(evidence, str) else evidence)
                for code, kind, pk, area, evidence in cursor.fetchall()]  # fmt: skip
        wanted: dict[str, set[int]] = {kind: set() for kind in SUBJECT_TABLES}
        for _code, kind, pk, _area, evidence in rows:
            wanted[kind].add(pk)
            for key, kind_named in EVIDENCE_IDS.items():
                if evidence.get(key) is not None:
                    wanted[kind_named].add(int(evidence[key]))
            for report in evidence.get("reports") or []:
                wanted["village_report"].add(int(report["id"]))
        ranks = {kind: _ranks(cursor, SUBJECT_TABLES[kind], ids) for kind, ids in wanted.items()}
    flags = []
    for code, kind, pk, area, evidence in rows:
        for key, kind_named in EVIDENCE_IDS.items():
            if evidence.get(key) is not None:
                evidence[key] = ranks[kind_named][int(evidence[key])]
        for report in evidence.get("reports") or []:
            report["id"] = ranks["village_report"][int(report["id"])]
        flags.append([code, kind, ranks[kind][pk], area, evidence])
    return sorted(flags, key=lambda flag: json.dumps(flag, sort_keys=True))


def dumps(flags: list[list]) -> str:
    """Compact JSON, one flag a line, so a difference shows as a line in a diff."""
    lines = (json.dumps(flag, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for flag in flags)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def compared(expected_file: str, flags: list[list]) -> tuple[list, list]:
    """(expected but not found, found but not expected); with SCAN_EXPECTATIONS_WRITE=1 the file is
    written from ``flags`` instead (capture)."""
    path = EXPECTATIONS / expected_file
    if os.environ.get("SCAN_EXPECTATIONS_WRITE") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(dumps(flags))
    expected = json.loads(path.read_text())
    key = lambda flag: json.dumps(flag, sort_keys=True)  # noqa: E731
    found, wanted = {key(flag) for flag in flags}, {key(flag) for flag in expected}
    return sorted(wanted - found), sorted(found - wanted)


# Deterministic changes to a generated data set (whose lawful rows raise few flags) so that every
# rule fires on some subjects and stays quiet on most. Ids are chosen by remainder, dates from
# %(today)s; each statement is what a careless company, a broker or a forger would leave behind.
MUTATIONS = [
    # DEPART_INCOMPLETE: the insurance of some departed workers missing, the passport of others expired.
    "DELETE FROM placement_document d USING placement_placement p WHERE p.id = d.placement_id "
    "AND p.stage IN (10, 11, 12) AND p.id %% 97 = 1 AND d.kind = 'bpjs'",
    "UPDATE placement_document d SET expires_on = p.departed_on - 1 FROM placement_placement p "
    "WHERE p.id = d.placement_id AND p.stage IN (10, 11, 12) AND p.id %% 97 = 2 AND d.kind = 'passport'",
    # STAGE_SKIPPED: no record of the medical check.
    "DELETE FROM placement_placementevent e WHERE e.to_stage = 3 AND e.placement_id %% 89 = 3",
    # LICENCE_INACTIVE: two companies suspended while still at work.
    "UPDATE agencies_agency SET licence_status = 'suspended' WHERE id IN (SELECT id FROM agencies_agency "
    "WHERE EXISTS (SELECT 1 FROM placement_placement p WHERE p.agency_id = agencies_agency.id) ORDER BY id LIMIT 2)",
    # JOB_ORDER_UNVERIFIED and QUOTA_EXCEEDED.
    "UPDATE recruitment_joborder SET status = 'submitted' WHERE id %% 53 = 5",
    "UPDATE recruitment_joborder SET quota = 1 WHERE id %% 61 = 7",
    # OUTSIDE_PERMIT_REGION: permits that lost their regions.
    "DELETE FROM recruitment_recruitmentpermit_regions WHERE recruitmentpermit_id %% 71 = 9",
    # UNDERAGE (and NIK_MISMATCH): a recorded birth date making the worker 17 at registration.
    "UPDATE recruitment_worker w SET birth_date = (w.created_at - interval '17 years')::date WHERE w.id %% 211 = 11",
    # NIK_MISMATCH: the recorded sex not the NIK's.
    "UPDATE recruitment_worker SET sex = CASE WHEN sex = 'F' THEN 'M' ELSE 'F' END WHERE id %% 199 = 13",
    # DUPLICATE_IDENTITY: a second record of the previous worker, a letter apart, under another NIK.
    "UPDATE recruitment_worker w SET village_id = o.village_id, birth_date = o.birth_date, "
    "full_name = o.full_name || 'h' FROM recruitment_worker o WHERE o.id = w.id - 1 AND w.id %% 307 = 17",
    # ...whose placements were made in that village too: a placement copies its worker's village when
    # it is made (placement.models), and the placement rules read the copy.
    "UPDATE placement_placement p SET village_id = w.village_id FROM recruitment_worker w "
    "WHERE w.id = p.worker_id AND p.village_id <> w.village_id",
    # MORATORIUM: informal work in Saudi Arabia on open job orders.
    "UPDATE recruitment_joborder SET country_id = 'SA', sector = 'informal' "
    "WHERE id %% 59 = 11 AND status IN ('submitted', 'verified', 'published')",
    # ZERO_COST_CHARGED and EXCESSIVE_FEES: costs signed over, fees paid on top.
    "UPDATE placement_placement SET agreement_worker_costs = 90000000 WHERE id %% 101 = 19",
    "INSERT INTO placement_fee (amount_idr, description, paid_on, paid_to, recorded_by_id, placement_id) "
    "SELECT 45000000, 'processing', %(today)s::date - 40, 'sponsor', "
    "(SELECT id FROM accounts_user WHERE username = 'gen.import'), p.id FROM placement_placement p "
    "WHERE p.id %% 103 = 23",
    # SALARY_BELOW_ORDER.
    "UPDATE placement_placement p SET contract_salary = j.salary - 100 FROM recruitment_joborder j "
    "WHERE j.id = p.job_order_id AND p.contract_salary IS NOT NULL AND p.id %% 107 = 29",
    # WRONG_VISA: a visit visa where the work visa was.
    "UPDATE placement_document d SET kind = 'visit_visa' FROM placement_placement p "
    "WHERE p.id = d.placement_id AND p.stage IN (10, 11, 12) AND p.id %% 109 = 31 AND d.kind = 'work_visa'",
    # UNOFFICIAL_EXIT: a jalur tikus.
    "INSERT INTO placement_embarkationpoint (code, name, kind, official, regency_id) "
    "SELECT 'TKS', 'Jalur tikus Sebatik', 'land', FALSE, regency_id FROM placement_embarkationpoint "
    "WHERE code = 'NNX'",
    "UPDATE placement_placement SET embarkation_point_id = 'TKS' WHERE stage IN (10, 11, 12) AND id %% 113 = 37",
    # RECRUITER_UNREGISTERED: recruiters whose company let them go.
    "UPDATE agencies_fieldrecruiter SET agency_id = NULL WHERE id %% 19 = 3",
    # RECRUITER_CLUSTER: one recruiter behind many recent applications from many villages.
    "UPDATE recruitment_application SET recruiter_id = (SELECT min(id) FROM agencies_fieldrecruiter "
    "WHERE agency_id IS NOT NULL) WHERE applied_on >= %(today)s::date - 30 AND id %% 3 = 0",
    # BROKER_REPORTED: intentions turned into reports of a broker, a few sharing a phone number.
    "UPDATE villages_villagereport SET kind = 'suspected_recruiter', broker_name = 'Pak ' || (id %% 7), "
    "broker_phones = ARRAY['0812' || lpad((id %% 5)::text, 7, '0')] WHERE kind = 'intent' AND id %% 11 = 4",
    # VILLAGE_DEPARTURE_UNMATCHED: seen leaving long before any recorded departure.
    "UPDATE villages_villagereport SET occurred_on = occurred_on - 200 WHERE kind = 'departure_seen' AND id %% 13 = 1",
    # STALLED: stuck in a stage before departure for most of a year.
    "UPDATE placement_placement SET stage_changed_at = stage_changed_at - interval '300 days' "
    "WHERE stage BETWEEN 1 AND 9 AND id %% 17 = 2",
    # NO_ARRIVAL_REPORT: departed two months ago, never arrived.
    "UPDATE placement_placement SET departed_on = %(today)s::date - 60 WHERE stage = 10 AND id %% 7 = 3",
    # COMPLAINT_HOTSPOT: complaints about a few companies and employers.
    "INSERT INTO complaints_complaint (tracking_code, secret_hash, channel, category, priority, status, level, "
    "description, involves_minor, area_code, anonymous, complainant_name, complainant_phone, complainant_email, "
    "complainant_relation, identity_shared_with_company, worker_name, worker_nik, acknowledge_due_at, "
    "resolve_due_at, outcome, rejection_reason, filed_at, updated_at, agency_id, employer_id, placement_id, "
    "worker_nik_hash) "
    "SELECT 'GEN' || lpad(p.id::text, 10, '0'), '', 'web', "
    "(ARRAY['unpaid_wages', 'abuse', 'contract'])[1 + p.id %% 3], 'normal', 'received', 'regency', 'generated', "
    "FALSE, w.village_id, TRUE, '', '', '', 'family', FALSE, w.full_name, '', "
    "%(today)s::timestamptz, %(today)s::timestamptz + interval '30 days', '', '', "
    "%(today)s::timestamptz - make_interval(days => (p.id %% 200)::int), %(today)s::timestamptz, "
    "p.agency_id, j.employer_id, p.id, '' "
    "FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id "
    "JOIN recruitment_joborder j ON j.id = p.job_order_id "
    "WHERE p.id %% 23 = 5 AND (j.employer_id %% 41 = 1 OR p.agency_id %% 5 = 1)",
]


# Placements whose reached_stages column (kept by the events' triggers, read by re-checks) says
# otherwise than their timeline (read by the full scan).
REACHED_STAGES_UNLIKE_TIMELINE = """
SELECT count(*) FROM placement_placement p
LEFT JOIN (SELECT placement_id, bit_or(1::bigint << to_stage) AS stages FROM placement_placementevent
           WHERE to_stage BETWEEN 0 AND 62 GROUP BY placement_id) reached ON reached.placement_id = p.id
WHERE p.reached_stages <> COALESCE(reached.stages, 0)
"""


def reached_stages_unlike_timeline() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(REACHED_STAGES_UNLIKE_TIMELINE)
        return cursor.fetchone()[0]


def villages_unlike_workers() -> int:
    """Placements whose copy of the worker's village is not the worker's: none, or the placement
    rules would place their flags elsewhere than the worker rules do."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id "
            "WHERE p.village_id <> w.village_id"
        )
        return cursor.fetchone()[0]


def rechecks_unlike_the_scan() -> dict:
    """How far re-checks agree with the full scan that just ran (issue 17: a re-check runs all its
    rules as one statement, a scan each rule alone). In a transaction rolled back: every flag is
    set aside, one re-check of every flagged subject raises them again (``unlike``: flags of one and
    not the other), and a second re-check of the same subjects changes nothing (``changed``: flags
    it opened or resolved)."""
    from django.db import connection, transaction

    from oversight.choices import OPEN_FLAG_STATUSES
    from oversight.engine import recheck

    scanned = {json.dumps(flag, sort_keys=True) for flag in open_flags()}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT subject_type, array_agg(DISTINCT subject_id) FROM oversight_flag "
                "WHERE status = ANY(%s) GROUP BY subject_type",
                [list(OPEN_FLAG_STATUSES)],
            )
            subjects = dict(cursor.fetchall())
            cursor.execute("UPDATE oversight_flag SET status = 'resolved' WHERE status <> 'resolved'")
        recheck(subjects)
        rechecked = {json.dumps(flag, sort_keys=True) for flag in open_flags()}
        again = recheck(subjects)
        transaction.set_rollback(True)
    return {
        "unlike": len(scanned ^ rechecked),
        "changed": sum(counts["new"] + counts["resolved"] for counts in again.values()),
    }


def mutate_generated(today: date) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in MUTATIONS:
            cursor.execute(statement, {"today": today})
        cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--today", type=date.fromisoformat, default=GENERATED_DAY)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siskop2mi.settings.dev")
    import django

    django.setup()
    from oversight.engine import full_scan

    mutate_generated(options.today)
    with shifted_clock(options.today):
        scan = full_scan()
        rechecks = rechecks_unlike_the_scan()
    print(
        json.dumps(
            {
                "results": scan.results,
                "flags": open_flags(),
                "reached_stages_unlike_timeline": reached_stages_unlike_timeline(),
                "villages_unlike_workers": villages_unlike_workers(),
                "rechecks_unlike_the_scan": rechecks,
            },
            separators=(",", ":"),
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
