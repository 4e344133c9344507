"""`make bench-village` keeps working: run at a tiny size, it measures what it says and leaves no rows.

The benchmark builds the static files, starts gunicorn and commits through connections of its own,
so it runs here as the Makefile runs it (a subprocess) against a scratch database on the test
server, created by the benchmark and dropped by the fixture. Timings are not asserted: they are the
benchmark's to report, not the suite's to judge.
"""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg2
import pytest
from psycopg2 import sql

from siskop2mi.paths import BASE_DIR

pytestmark = pytest.mark.slow

SCRATCH = "test_{}_bench_village".format(urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/") or "siskop2mi")
ENTRIES = 12


def _server_params(url: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url)
    params = {"user": config["USER"], "password": config["PASSWORD"], "host": config["HOST"], "port": config["PORT"]}
    return {key: value for key, value in params.items() if value}


def _drop(admin) -> None:
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH)))


@pytest.fixture(scope="module")
def run():
    server = _server_params(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    _drop(admin)
    env = {
        **os.environ,
        "BENCH_DATABASE": SCRATCH,
        "BENCH_VILLAGE_ENTRIES": str(ENTRIES),
        "BENCH_VILLAGE_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.dev",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "bench.village"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    connection = psycopg2.connect(dbname=SCRATCH, **server)
    connection.autocommit = True
    yield completed, connection
    connection.close()
    _drop(admin)
    admin.close()


def test_it_ends_with_one_line_of_json(run):
    completed, _ = run
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout[-2000:]
    result = json.loads(lines[0])
    assert result["benchmark"] == "village"
    for key in ("first_load", "forms", "sync", "replay", "floor_bulk_create", "ratio_p95_to_floor_per_entry"):
        assert key in result, key


def test_it_loads_the_village_home_and_what_it_needs_compressed(run):
    result = json.loads(run[0].stdout)
    first = result["first_load"]
    assert first["path"] == "/desa/"
    assert first["budget_bytes"] == 200 * 1024
    kinds = {item["kind"] for item in first["files"]}
    assert {"page", "stylesheet", "script"} <= kinds
    page = first["files"][0]
    assert page["url"] == "/desa/" and page["encoding"] == "gzip"
    assert first["bytes"] == sum(item["bytes"] for item in first["files"])
    # whitenoise serves the stylesheets pre-compressed under the production settings.
    assert any(url.endswith(".css") for url in result["static_files"]["served_compressed"])
    assert first["external"] == []
    # Under the production settings (hashed static names) everything the page loads answers: the
    # rest of the suite runs with plain static storage and cannot see a page or script that fails there.
    assert first["failed"] == [], f"{first['failed']}; the server said:\n{run[0].stderr[-3000:]}"


def test_every_entry_makes_one_report_and_replays_make_none(run):
    result = json.loads(run[0].stdout)
    assert result["sync"]["entries"] == ENTRIES
    assert sum(result["sync"]["kinds"].values()) == ENTRIES
    assert result["replay"]["entries"] == ENTRIES
    assert result["replay"]["reports_created"] == 0
    assert result["replay"]["events_created"] == 0
    assert result["floor_bulk_create"]["median_of"] == 3


def test_it_leaves_no_reports_behind(run):
    _, connection = run
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM villages_villagereport r JOIN accounts_user u ON u.id = r.reported_by_id "
            "WHERE u.username = 'bench.village.officer'"
        )
        assert cursor.fetchone()[0] == 0
