"""`make bench-load` keeps working: run small, every kind of user does its work without one error,
and the test leaves the data set as it found it (no open placement, no village report).

The benchmark generates a small data set, builds the static files, starts gunicorn and locust and
commits through connections of its own, so it runs here as the Makefile runs it (a subprocess)
against a scratch database on the test server, created by the benchmark and dropped by the
fixture. Timings are not asserted: they are the benchmark's to report, not the suite's to judge.
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

SCRATCH = "test_{}_bench_load".format(urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/") or "siskop2mi")


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
        "BENCH_WORKERS": "3000",
        "BENCH_LOAD_USERS": "12",
        "BENCH_LOAD_SECONDS": "15",
        "BENCH_LOAD_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.dev",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "bench.load"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=900
    )
    connection = psycopg2.connect(dbname=SCRATCH, **server)
    connection.autocommit = True
    yield completed, connection
    connection.close()
    _drop(admin)
    admin.close()


def _result(completed) -> dict:
    """The JSON line the run ends with (generating the data set printed its progress before it)."""
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_every_kind_of_user_works_without_an_error(run):
    result = _result(run[0])
    assert result["benchmark"] == "load"
    assert result["errors"] == 0, result["error_samples"]
    assert result["goal_zero_errors"] is True
    done = result["done"]
    # Officials passed the second factor, companies took candidates through the API to a placement
    # and back out, village officers' phones synced, the public read the vacancy board.
    assert done.get("logins_with_second_factor", 0) >= 1
    assert done.get("placements_created_advanced_cancelled", 0) >= 1
    assert done.get("village_entries_sent", 0) >= 1
    requested = {endpoint["name"] for endpoint in result["endpoints"] if endpoint["requests"]}
    assert {"/accounts/two-factor/", "/api/v1/placements/[id]/advance/", "/api/v1/village-reports/"} <= requested
    assert any(name.startswith("/lowongan/") for name in requested)


def test_it_reports_each_endpoint_and_the_limits_it_changed(run):
    result = _result(run[0])
    for endpoint in result["endpoints"]:
        assert {"method", "name", "requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms"} <= set(endpoint)
    assert result["total"]["requests"] == sum(endpoint["requests"] for endpoint in result["endpoints"])
    assert result["floor_trivial_page"]["requests"] >= 1
    # Flows finished after the time was up are in the statistics too: every cancel answered is counted.
    cancels = next(e for e in result["endpoints"] if e["name"] == "/api/v1/placements/[id]/cancel/")
    assert cancels["requests"] - cancels["errors"] == result["done"]["placements_created_advanced_cancelled"]
    throttle = result["limits_changed"]["API_THROTTLE_RATE"]
    assert throttle["production"] != throttle["here"]
    assert throttle["within_production_rate"] == (
        throttle["busiest_key_or_session_per_minute"] <= int(throttle["production"].split("/")[0])
    )


def test_it_leaves_no_open_placement_and_no_village_report(run):
    _, connection = run
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM placement_placement p JOIN recruitment_registration r ON r.worker_id = p.worker_id "
            "JOIN agencies_apikey k ON k.user_id = r.registered_by_id JOIN accounts_user a ON a.id = k.created_by_id "
            "WHERE a.username LIKE 'bench.load.company.%' AND p.stage <> 99"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM villages_villagereport v JOIN accounts_user u ON u.id = v.reported_by_id "
            "WHERE u.username LIKE 'bench.load.village.%'"
        )
        assert cursor.fetchone()[0] == 0
