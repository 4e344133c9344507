"""The engine raises the same flags with the same evidence as the engine before its facts table
(issue 17): on the demo data and on a generated 20,000-worker set mutated so that every rule fires;
and re-checks of the flagged subjects raise those flags too.
The expectations were captured from that engine (tests/oversight/scan_expectations.py says how;
SCAN_EXPECTATIONS_WRITE=1 captures them anew)."""

import json
import os
import subprocess
import sys
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from django.core.management import call_command
from psycopg2 import sql

from oversight.engine import full_scan
from oversight.rules import RULES
from siskop2mi import paths
from siskop2mi.paths import BASE_DIR
from tests.oversight.scan_expectations import (
    DEMO_DAY,
    GENERATED_DAY,
    GENERATED_SEED,
    GENERATED_WORKERS,
    compared,
    open_flags,
    reached_stages_unlike_timeline,
    rechecks_unlike_the_scan,
    shifted_clock,
    villages_unlike_workers,
)

pytestmark = pytest.mark.slow

SCRATCH = "test_{}_scan_expectations".format(
    urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/") or "siskop2mi"
)


@pytest.mark.django_db
def test_the_demo_raises_the_flags_and_evidence_it_raised_before(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DEMO_DIR", tmp_path)
    with shifted_clock(DEMO_DAY):
        call_command("seed_demo", verbosity=0)
        full_scan()
        missing, unexpected = compared("demo.json", open_flags())
        rechecks = rechecks_unlike_the_scan()
    assert (missing, unexpected) == ([], [])
    assert rechecks == {"unlike": 0, "changed": 0}  # re-checks raise what the scan raised
    assert reached_stages_unlike_timeline() == 0  # what a re-check reads agrees with what the scan read
    assert villages_unlike_workers() == 0  # the placement rules read the placement's copy


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.dev", "DEBUG": "0"}
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True)


@pytest.fixture
def generated_database():
    """A scratch database on the test server holding the generated set (generate_data commits)."""
    url = os.environ["DATABASE_URL"]
    import dj_database_url

    config = dj_database_url.parse(url)
    server = {key: config[name] for key, name in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST"),
                                                  ("port", "PORT")) if config[name]}  # fmt: skip
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH)))
    scratch_url = urlunsplit(urlsplit(url)._replace(path=f"/{SCRATCH}"))
    try:
        for command in (["migrate", "-v0"], ["import_areas", "-v0"], ["load_reference_data", "-v0"]):
            _manage(scratch_url, "manage.py", *command)
        _manage(scratch_url, "manage.py", "generate_data", "--workers", str(GENERATED_WORKERS),
                "--seed", str(GENERATED_SEED), "--today", GENERATED_DAY.isoformat())  # fmt: skip
        yield scratch_url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))
        admin.close()


def test_a_generated_set_with_every_rule_broken_raises_the_flags_and_evidence_it_raised_before(generated_database):
    scanned = _manage(generated_database, "-m", "tests.oversight.scan_expectations",
                      "--today", GENERATED_DAY.isoformat())  # fmt: skip
    output = json.loads(scanned.stdout.strip().splitlines()[-1])
    flags = output["flags"]
    assert set(Counter(flag[0] for flag in flags)) == {rule.code for rule in RULES}, "a rule that never fires"
    assert set(output["results"]) == {rule.code for rule in RULES}
    assert output["reached_stages_unlike_timeline"] == 0  # the generator's rows and the mutations
    assert output["villages_unlike_workers"] == 0
    assert output["rechecks_unlike_the_scan"] == {"unlike": 0, "changed": 0}
    missing, unexpected = compared("generated_20k.json", flags)
    assert (len(missing), len(unexpected)) == (0, 0), (missing[:5], unexpected[:5])
