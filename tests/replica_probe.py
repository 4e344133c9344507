"""Run by tests/test_replica.py in a process of its own, with DATABASE_URL naming a primary and
DATABASE_REPLICA_URL its streaming standby: shows which database each kind of read went to.

A company with a placement is written and replayed on the standby; the standby's replay is paused;
a second company and a second placement are written on the primary only. What each read sees then
tells where it went: the primary has both, the standby only the first. A full red-flag scan then
shows whose placements its facts were computed from. Prints one line of JSON for the test to judge.
"""

import json
import os
import time
from pathlib import Path

import django

SEEN = "PT Replika Terlihat"
HIDDEN = "PT Replika Tertahan"
REPLAY_TIMEOUT = 60


def standby_control():
    """A plain connection to the standby for the recovery functions (Django's replica alias is read-only)."""
    import psycopg2
    from django.conf import settings

    replica = settings.DATABASES["replica"]
    connection = psycopg2.connect(
        host=replica["HOST"], port=replica["PORT"] or 5432, user=replica["USER"], dbname=replica["NAME"]
    )
    connection.autocommit = True
    return connection


def wait_for_replay(control) -> None:
    """Until the standby has replayed everything the primary had written when this was called."""
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + REPLAY_TIMEOUT
    with control.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay up to {target} in {REPLAY_TIMEOUT} s")
            time.sleep(0.1)


def pause_replay(control) -> None:
    with control.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + REPLAY_TIMEOUT
        while True:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the standby's replay did not pause")
            time.sleep(0.1)


def names_in(text: str) -> list[str]:
    return [name for name in (SEEN, HIDDEN) if name in text]


def placed_worker(staff, job_order, *, serial: int, full_name: str) -> int:
    """A worker of the company registered, selected for the job order and placed, through the services."""
    from tests.placement.journey import place, register_worker, select

    worker = register_worker(actor=staff, agency=staff.agency, serial=serial, full_name=full_name)
    return place(staff, select(staff, worker, job_order)).placement.pk


def placements_in_scan_facts(placements: dict[str, int]) -> list[str]:
    """A full scan runs; which of ``placements`` (name: id) the facts it judged hold."""
    from oversight.engine import full_scan

    full_scan()
    return placements_in_facts_table(placements)


def placements_in_facts_table(placements: dict[str, int]) -> list[str]:
    from django.db import connections

    from oversight.facts import FACTS_TABLE

    with connections["default"].cursor() as cursor:
        cursor.execute(
            f"SELECT placement_id FROM {FACTS_TABLE} WHERE placement_id = ANY(%s)", [list(placements.values())]
        )
        found = {row[0] for row in cursor.fetchall()}
    return [name for name, placement_id in placements.items() if placement_id in found]


def facts_rebuild_failing_on_the_replica(placements: dict[str, int]) -> dict:
    """A rebuild whose SELECT fails on the replica at one placement's row, after others were sent:
    the error it raises and the placements the facts table holds afterwards."""
    from unittest import mock

    from oversight import facts

    facts_sql = facts.placement_facts_sql
    failing_at = placements["held_back"]

    def failing_sql(*, ids: bool) -> str:
        # Only evaluated where rows are produced: on the replica, not in the primary's WITH NO DATA.
        return (
            f"SELECT * FROM ({facts_sql(ids=ids)}) facts "
            f"WHERE 1 / (CASE WHEN facts.placement_id = {failing_at} THEN 0 ELSE 1 END) = 1 ORDER BY placement_id"
        )

    with mock.patch.object(facts, "placement_facts_sql", failing_sql):
        try:
            facts.placement_facts_rebuild()
            error = None
        except Exception as raised:
            error = type(raised).__name__
    return {"error": error, "facts_kept": placements_in_facts_table(placements)}


def facts_copied_equal_the_primarys_own() -> bool:
    """Whether facts copied from the standby, once caught up, are row for row and column for column
    what the facts SELECT gives on the primary, and the rebuild counts the rows it copied."""
    from django.db import connections

    from oversight.facts import FACTS_TABLE, facts_parameters, placement_facts_rebuild, placement_facts_sql

    counted = placement_facts_rebuild()
    with connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT * FROM {FACTS_TABLE} ORDER BY placement_id")
        copied = ([column.name for column in cursor.description], cursor.fetchall())
        cursor.execute(
            f"SELECT * FROM ({placement_facts_sql(ids=False)}) facts ORDER BY placement_id", facts_parameters()
        )
        computed = ([column.name for column in cursor.description], cursor.fetchall())
    return counted == len(copied[1]) > 0 and copied == computed


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siskop2mi.settings.test")
    django.setup()

    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from accounts.models import User
    from agencies.models import Agency
    from core.replica import reporting_alias, reporting_reads
    from core.roles import Role
    from exports.choices import ExportKind
    from exports.models import ExportJob
    from exports.services import export_job_run
    from public.registers import REGISTERS
    from tests.factories import EmployerFactory, UserFactory
    from tests.placement.journey import job_order, license_agency

    control = standby_control()
    call_command("import_areas", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    company = license_agency(Agency.objects.create(name=SEEN))
    official = User.objects.create(username="replica-ministry", full_name="Ministry", role=Role.MINISTRY_OFFICIAL)
    staff = UserFactory(username="replica-staff", role=Role.AGENCY_STAFF, agency=company)
    order = job_order(company=staff, mission=official, agency=company, employer=EmployerFactory())
    placements = {"replayed": placed_worker(staff, order, serial=1, full_name="Baiq Rohani")}
    wait_for_replay(control)
    pause_replay(control)
    Agency.objects.create(name=HIDDEN)
    placements["held_back"] = placed_worker(staff, order, serial=2, full_name="Lalu Hamdani")

    seen = {}
    seen["reporting_alias"] = reporting_alias()
    seen["plain_read"] = [name for name in (SEEN, HIDDEN) if Agency.objects.filter(name=name).exists()]
    with reporting_reads():
        seen["reporting_read"] = [name for name in (SEEN, HIDDEN) if Agency.objects.filter(name=name).exists()]
        with transaction.atomic():  # inside a transaction on the primary a read stays there
            seen["reporting_read_in_transaction"] = [
                name for name in (SEEN, HIDDEN) if Agency.objects.filter(name=name).exists()
            ]
    seen["companies_register"] = [row[1] for row in REGISTERS["companies"].table().rows]
    client = Client()
    seen["open_data_csv"] = names_in(client.get("/data/v1/companies.csv").content.decode())
    seen["company_check_search"] = names_in(client.get("/cek/perusahaan/", {"q": "PT Replika"}).content.decode())
    # The other public pages that read the replica work on a read-only standby.
    seen["public_page_statuses"] = {path: client.get(path).status_code for path in ("/lowongan/", "/informasi/")}
    job = ExportJob.objects.create(owner=official, kind=ExportKind.COMPANIES, format="csv", query="", language="en")
    job = export_job_run(job_id=job.pk)
    seen["export_job_status"] = job.status
    seen["export_file"] = names_in((Path(os.environ["EXPORT_DIR"]) / job.file_path).read_text(encoding="utf-8-sig"))
    # The facts of a full scan are computed on the standby, its table filled on the primary.
    seen["scan_facts"] = placements_in_scan_facts(placements)

    with control.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(control)
    seen["companies_register_after_resume"] = [row[1] for row in REGISTERS["companies"].table().rows]
    seen["scan_facts_after_resume"] = placements_in_scan_facts(placements)
    seen["failed_facts_rebuild"] = facts_rebuild_failing_on_the_replica(placements)
    seen["scan_facts_equal_the_primarys"] = facts_copied_equal_the_primarys_own()
    control.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
