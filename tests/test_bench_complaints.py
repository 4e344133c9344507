"""`make bench-complaints` keeps working: run at a tiny size, it generates its complaints, escalates the
same rows at every repeat, files complaints through the public form under gunicorn, and leaves the
data set as generated with none of the form's complaints behind.

The benchmark starts gunicorn and commits through connections of its own, so it runs here as the
Makefile runs it (a subprocess) against a scratch database on the test server, created by the
benchmark and dropped by the fixture. Timings are not asserted: they are the benchmark's to report,
not the suite's to judge.
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

SCRATCH = "test_{}_bench_complaints".format(urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/") or "siskop2mi")
COMPLAINTS = 3000


def _server_params(url: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url)
    params = {"user": config["USER"], "password": config["PASSWORD"], "host": config["HOST"], "port": config["PORT"]}
    return {key: value for key, value in params.items() if value}


def _drop(admin) -> None:
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH)))


def _bench(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench.complaints", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def run():
    server = _server_params(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    _drop(admin)
    env = {**os.environ, "BENCH_DATABASE": SCRATCH, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.dev"}
    size = ["--complaints", str(COMPLAINTS), "--repeats", "2"]
    first = _bench(env, *size, "--clients", "2", "--seconds", "4", "--workers", "1")  # time for a loaded machine
    again = _bench(env, *size, "--skip-form")  # the same data set, reused
    connection = psycopg2.connect(dbname=SCRATCH, **server)
    connection.autocommit = True
    yield first, again, connection
    connection.close()
    _drop(admin)
    admin.close()


def _result(completed) -> dict:
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout[-2000:]
    return json.loads(lines[0])


def test_it_ends_with_one_line_of_json(run):
    result = _result(run[0])
    assert result["benchmark"] == "complaints"
    assert result["complaints"] == COMPLAINTS
    for key in ("data_set", "escalation", "public_form"):
        assert key in result, key


def test_it_generates_a_mix_with_overdue_rows_at_each_deadline(run):
    data = _result(run[0])["data_set"]
    assert data["action"] == "generated"
    assert sum(data["by_status"].values()) == COMPLAINTS
    assert {"received", "verified", "in_progress", "resolved", "closed", "rejected"} <= set(data["by_status"])
    assert data["open_past_acknowledge_deadline"] > 0
    assert data["open_past_resolve_deadline"] > 0


def test_every_repeat_escalates_the_same_rows_beside_its_floor(run):
    escalation = _result(run[0])["escalation"]
    assert escalation["repeats"] == 2
    assert escalation["rows_escalated"] > 0
    assert sum(escalation["escalated_to"].values()) == escalation["rows_escalated"]
    assert escalation["overdue_rows_below_ministry"] >= escalation["rows_escalated"]
    assert len(escalation["job_seconds_each"]) == len(escalation["floor_seconds_each"]) == 2
    # As the planner runs the job's WHERE (a small table may be read whole), and as the two index ranges.
    assert set(escalation["floor_indexes"]) <= {"complaint_ack_due_idx", "complaint_resolve_due_idx"}
    assert escalation["floor_index_ranges_indexes"] == ["complaint_ack_due_idx", "complaint_resolve_due_idx"]
    assert len(escalation["floor_index_ranges_seconds_each"]) == 2
    assert escalation["officials_notified_per_complaint"] == (escalation["rows_escalated"] <= 1000)


def test_a_second_run_reuses_the_data_set_and_escalates_the_same_rows(run):
    first, again = _result(run[0]), _result(run[1])
    assert again["data_set"]["action"] == "reused"
    assert again["data_set"]["as_of"] == first["data_set"]["as_of"]
    assert again["escalation"]["rows_escalated"] == first["escalation"]["rows_escalated"]
    assert again["public_form"] is None


def test_the_public_form_files_complaints_under_gunicorn(run):
    form = _result(run[0])["public_form"]
    assert form["trivial_page"]["requests"] > 0
    filing = form["file_a_complaint"]
    assert filing["round_trips"] > 0
    assert filing["requests"] == 3 * filing["round_trips"]
    assert set(filing["steps_ms"]) == {"get_form", "post", "filed_page"}
    assert form["complaints_filed"] >= filing["round_trips"]


def test_it_leaves_the_data_set_as_generated_and_no_filed_complaint(run):
    connection = run[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM complaints_complaint WHERE secret_hash <> 'generated:bench'")
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM complaints_complaint c JOIN bench_complaints_snapshot s ON s.id = c.id "
            "WHERE (c.level, c.escalated_at) IS DISTINCT FROM (s.level, s.escalated_at)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM complaints_complaintevent e JOIN bench_complaints_meta m ON e.at = m.as_of "
            "WHERE e.kind = 'escalated'"
        )
        assert cursor.fetchone()[0] == 0
