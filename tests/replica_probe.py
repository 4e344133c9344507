"""Run by tests/test_replica.py in a process of its own, with DATABASE_URL naming a primary and
DATABASE_REPLICA_URL its streaming standby: shows which database each kind of read went to.

A company is written and replayed on the standby; the standby's replay is paused; a second company
is written on the primary only. What each read sees then tells where it went: the primary has
both, the standby only the first. Prints one line of JSON for the test to judge.
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


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siskop2mi.settings.test")
    django.setup()

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

    control = standby_control()
    Agency.objects.create(name=SEEN)
    official = User.objects.create(username="replica-ministry", full_name="Ministry", role=Role.MINISTRY_OFFICIAL)
    wait_for_replay(control)
    pause_replay(control)
    Agency.objects.create(name=HIDDEN)

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

    with control.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(control)
    seen["companies_register_after_resume"] = [row[1] for row in REGISTERS["companies"].table().rows]
    control.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
