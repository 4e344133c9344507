"""generate_data: a coherent synthetic data set, the same for the same seed, never on top of data.

It commits through a connection of its own, so it runs here against a scratch database on the
test server (created, prepared and dropped by the fixture), in a subprocess like an operator would.
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2 import sql

from siskop2mi.paths import BASE_DIR

pytestmark = pytest.mark.slow

# Named after the test database, so runs against different databases (say, in parallel) do not collide.
SCRATCH = "test_{}_generate".format(urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/") or "siskop2mi")
TODAY = "2026-06-30"


def _server_params(url: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url)
    params = {"user": config["USER"], "password": config["PASSWORD"], "host": config["HOST"], "port": config["PORT"]}
    return {key: value for key, value in params.items() if value}


def _manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.dev", "DEBUG": "0"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=check
    )


@pytest.fixture(scope="module")
def scratch():
    url = os.environ["DATABASE_URL"]
    server = _server_params(url)
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH)))
    scratch_url = urlunsplit(urlsplit(url)._replace(path=f"/{SCRATCH}"))
    for command in (["migrate", "-v0"], ["import_areas", "-v0"], ["load_reference_data", "-v0"]):
        _manage(scratch_url, *command)
    generated = _manage(scratch_url, "generate_data", "--workers", "400", "--seed", "7", "--today", TODAY)
    connection = psycopg2.connect(dbname=SCRATCH, **server)
    connection.autocommit = True
    yield scratch_url, connection, generated
    connection.close()
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))
    admin.close()


def _one(connection, query: str):
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()


def _fingerprint(connection) -> tuple:
    """Every column but the encrypted ones, whose tokens carry a fresh random nonce each run (their
    keyed hashes, which are the numbers' fingerprints, stay in)."""
    tables = {
        "recruitment_worker": "nik",
        "placement_placement": "",
        "placement_document": "number",
        "placement_placementevent": "",
    }
    query = "SELECT md5(string_agg((to_jsonb(t) - '{sealed}')::text, '|' ORDER BY t.id)) FROM {table} t"
    return tuple(_one(connection, query.format(sealed=sealed, table=table))[0] for table, sealed in tables.items())


def test_it_writes_every_table_and_reports_the_rows(scratch):
    _, connection, generated = scratch
    assert "Generated 400 workers" in generated.stdout
    assert _one(connection, "SELECT count(*) FROM recruitment_worker")[0] == 400
    for table in ("placement_placement", "placement_document", "placement_placementevent", "recruitment_joborder"):
        assert _one(connection, f"SELECT count(*) FROM {table}")[0] > 0, table
    # Sequences follow the explicit ids: the next row the portal writes does not collide.
    assert _one(connection, "SELECT nextval(pg_get_serial_sequence('recruitment_worker', 'id'))")[0] == 401


def test_every_event_lands_in_the_partition_of_its_month(scratch):
    """The data set reaches back four years before --today, long before the months the migration made:
    generate_data makes their partitions first, so no event falls into DEFAULT."""
    _, connection, _ = scratch
    its_month = "'placement_placementevent_p' || to_char(at AT TIME ZONE 'UTC', 'YYYY_MM')"
    misplaced = f"SELECT count(*) FROM placement_placementevent WHERE tableoid::regclass::text <> {its_month}"
    assert _one(connection, misplaced)[0] == 0
    assert _one(connection, "SELECT count(DISTINCT tableoid) FROM placement_placementevent")[0] > 36


def test_niks_are_valid_unique_and_match_the_worker(scratch):
    """Read from what is kept beside the encrypted NIK: its district, birth date, sex and keyed hash."""
    _, connection, _ = scratch
    bad = _one(
        connection,
        """
        SELECT count(*) FILTER (WHERE d.code IS NULL OR w.nik_district <> replace(left(w.village_id, 8), '.', '')),
               count(*) FILTER (WHERE w.nik_birth_date IS DISTINCT FROM w.birth_date OR w.nik_sex <> w.sex),
               count(*) - count(DISTINCT w.nik_hash),
               count(*) FILTER (WHERE age(w.created_at::date, w.birth_date) < interval '18 years'),
               count(*) FILTER (WHERE w.nik NOT LIKE 'e1:%' OR w.nik_last4 !~ '^[0-9]{4}$')
        FROM recruitment_worker w LEFT JOIN villages_district d ON replace(d.code, '.', '') = w.nik_district
        """,
    )
    assert bad == (0, 0, 0, 0, 0)


def test_the_portal_reads_the_generated_numbers(scratch):
    """The generator encrypts with the portal's keys: the command-line portal decrypts what it wrote."""
    url, connection, _ = scratch
    worker_id, nik_hash = _one(connection, "SELECT id, nik_hash FROM recruitment_worker ORDER BY id LIMIT 1")
    read = _manage(
        url,
        "shell",
        "-c",
        "from core.crypto import keyed_hash; from recruitment.models import Worker; "
        f"w = Worker.objects.get(pk={worker_id}); print(len(w.nik), keyed_hash(w.nik))",
    )
    assert read.stdout.split()[-2:] == ["16", nik_hash]  # after the shell's own notice of its imports


def test_placements_follow_the_procedure(scratch):
    _, connection, _ = scratch
    problems = _one(
        connection,
        """
        SELECT
          (SELECT count(*) FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id
           WHERE NOT EXISTS (SELECT 1 FROM recruitment_recruitmentpermit s
                             JOIN recruitment_recruitmentpermit_regions r ON r.recruitmentpermit_id = s.id
                             WHERE s.job_order_id = p.job_order_id AND s.status = 'issued'
                               AND r.regency_id = left(w.village_id, 5))),
          (SELECT count(*) FROM recruitment_joborder j
           WHERE (SELECT count(*) FROM placement_placement p WHERE p.job_order_id = j.id AND p.stage <> 99) > j.quota),
          (SELECT count(*) FROM placement_placement p
           WHERE p.stage IN (10, 11, 12) AND NOT EXISTS (
               SELECT 1 FROM placement_document d WHERE d.placement_id = p.id AND d.kind = 'work_visa'
               AND d.issued_on <= p.departed_on AND d.expires_on >= p.departed_on)),
          (SELECT count(*) FROM placement_placement p JOIN placement_embarkationpoint e
               ON e.code = p.embarkation_point_id WHERE NOT e.official),
          (SELECT count(*) FROM placement_placement p JOIN recruitment_joborder j ON j.id = p.job_order_id
           WHERE p.contract_salary < j.salary),
          (SELECT count(*) FROM placement_placement p
           WHERE p.version <> (SELECT count(*) FROM placement_placementevent e WHERE e.placement_id = p.id)),
          (SELECT count(*) FROM placement_placement p WHERE p.stage BETWEEN 2 AND 12 AND EXISTS (
               SELECT generate_series(1, p.stage) EXCEPT
               SELECT e.to_stage FROM placement_placementevent e WHERE e.placement_id = p.id)),
          (SELECT count(*) FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id
           JOIN recruitment_joborder j ON j.id = p.job_order_id
           WHERE (p.village_id, p.worker_sex, p.country_id, p.sector)
                 IS DISTINCT FROM (w.village_id, w.sex, j.country_id, j.sector))
        """,
    )
    assert problems == (0, 0, 0, 0, 0, 0, 0, 0)
    # The national registry: a company reaches a person through its registration (with consent),
    # made before the person's first application to it; the company that first registered them has one.
    unregistered = _one(
        connection,
        """
        SELECT
          (SELECT count(*) FROM recruitment_application a JOIN recruitment_joborder j ON j.id = a.job_order_id
           WHERE NOT EXISTS (SELECT 1 FROM recruitment_registration r WHERE r.worker_id = a.worker_id
                             AND r.agency_id = j.agency_id AND r.channel = 'company' AND r.consent_on <= a.applied_on)),
          (SELECT count(*) FROM recruitment_worker w WHERE w.agency_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM recruitment_registration r WHERE r.worker_id = w.id AND r.agency_id = w.agency_id))
        """,
    )
    assert unregistered == (0, 0)
    stages = {stage for (stage,) in _rows(connection, "SELECT DISTINCT stage FROM placement_placement")}
    assert {1, 11, 12, 99} <= stages


def _rows(connection, query: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def test_it_refuses_a_database_with_generated_data(scratch):
    url, _, _ = scratch
    refused = _manage(url, "generate_data", "--workers", "10", check=False)
    assert refused.returncode != 0
    assert "already holds generated data" in refused.stderr


def test_the_same_seed_gives_the_same_rows_whatever_the_batch(scratch):
    url, connection, _ = scratch
    before = _fingerprint(connection)
    _manage(url, "generate_data", "--workers", "400", "--seed", "7", "--today", TODAY, "--batch", "37", "--replace")
    assert _fingerprint(connection) == before
    _manage(url, "generate_data", "--workers", "400", "--seed", "8", "--today", TODAY, "--replace")
    assert _fingerprint(connection) != before
    assert _one(connection, "SELECT count(*) FROM recruitment_worker")[0] == 400


def test_a_data_set_ending_today_has_nothing_stamped_later_than_when_it_was_made(scratch):
    """Runs last: it replaces the scratch data set with one ending today (the default)."""
    url, connection, _ = scratch
    _manage(url, "generate_data", "--workers", "400", "--seed", "7", "--replace")
    stamped = {
        "recruitment_worker": "updated_at",
        "placement_placement": "updated_at",
        "placement_placementevent": "at",
        "recruitment_joborder": "updated_at",
    }
    for table, column in stamped.items():
        later = _one(connection, f"SELECT count(*) FROM {table} WHERE {column} > now()")[0]  # noqa: S608
        assert later == 0, f"{later} rows of {table} stamped after the data set was made"
