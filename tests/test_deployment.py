"""The compose deployment and PgBouncer: what an operator starting `docker compose up` relies on.

Docker does not run on these machines, so docker-compose.yml and deploy/pgbouncer/pgbouncer.ini
are checked by reading them: every process reaches the database through a pool whose mode suits
what it does, and the production settings start with exactly the environment compose gives them.
"""

import base64
import configparser
import os
import re
import subprocess
import sys

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core.crypto import new_key_entry
from core.locks import advisory_lock, advisory_lock_held
from oversight.engine import full_scan
from siskop2mi.celery import app
from siskop2mi.paths import BASE_DIR

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Tasks that hold a session advisory lock across many transactions (core/locks.py).
SESSION_LOCK_TASKS = ("exports.run", "oversight.full_scan")
DATABASE_URL = re.compile(r"@(?P<host>[\w.-]+):(?P<port>\d+)/(?P<database>\w+)$")


def pgbouncer_pool_modes() -> dict[str, str]:
    """PgBouncer's databases and each one's pool mode (its own, else the [pgbouncer] default)."""
    ini = configparser.ConfigParser(comment_prefixes=(";", "#"), inline_comment_prefixes=None)
    ini.read(BASE_DIR / "deploy" / "pgbouncer" / "pgbouncer.ini")
    default = ini["pgbouncer"].get("pool_mode", "session")
    modes = {}
    for name, connect_string in ini["databases"].items():
        options = dict(pair.split("=", 1) for pair in connect_string.split())
        modes[name] = options.get("pool_mode", default)
    return modes


def app_services() -> dict[str, dict]:
    """The services running the portal's image, with their environment."""
    return {
        name: service
        for name, service in SERVICES.items()
        if "DJANGO_SETTINGS_MODULE" in service.get("environment", {})
    }


def queues_of(service: dict) -> list[str]:
    command = service.get("command") or []
    if command[:4] != ["celery", "-A", "siskop2mi", "worker"]:
        return []
    return command[command.index("-Q") + 1].split(",")


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_every_portal_process_uses_a_pool_whose_mode_its_settings_expect():
    modes = pgbouncer_pool_modes()
    assert app_services()
    for name, service in app_services().items():
        environment = service["environment"]
        url = DATABASE_URL.search(environment["DATABASE_URL"])
        assert url, name
        if url["host"] == "pgbouncer":
            assert url["database"] in modes, f"{name} names a database PgBouncer does not have"
            expected = modes[url["database"]]
        else:
            assert url["host"] == "postgres", name
            expected = "session"  # a direct connection is a session
        assert environment["DATABASE_POOL_MODE"] == expected, name


def test_web_and_the_recheck_worker_share_the_transaction_pool_and_migrations_connect_directly():
    modes = pgbouncer_pool_modes()
    web, recheck = SERVICES["web"]["environment"], SERVICES["worker-recheck"]["environment"]
    for environment in (web, recheck):
        url = DATABASE_URL.search(environment["DATABASE_URL"])
        assert url["host"] == "pgbouncer" and modes[url["database"]] == "transaction"
    assert DATABASE_URL.search(SERVICES["migrate"]["environment"]["DATABASE_URL"])["host"] == "postgres"


def test_the_workers_of_tasks_that_hold_session_locks_run_on_a_session():
    for task in SESSION_LOCK_TASKS:
        workers = [service for service in app_services().values() if queue_of(task) in queues_of(service)]
        assert workers, task
        for service in workers:
            assert service["environment"]["DATABASE_POOL_MODE"] == "session", task


def test_the_replica_is_optional_and_reached_through_pgbouncer():
    assert SERVICES["replica"]["profiles"] == ["replica"]
    assert pgbouncer_pool_modes()["siskop2mi_replica"] == "session"
    for name, service in app_services().items():
        # Empty unless the operator sets it with the profile: no replica, no replica reads.
        assert service["environment"]["DATABASE_REPLICA_URL"] in {"${DATABASE_REPLICA_URL:-}", ""}, name


def compose_value(text: str, given: dict[str, str]) -> str:
    """Compose's interpolation of ${NAME}, ${NAME:-default} and ${NAME:?error} with ``given``."""

    def one(match: re.Match) -> str:
        name, operator, rest = match["name"], match["operator"], match["rest"]
        if name in given:
            return given[name]
        assert operator != ":?", f"{name} is required by docker-compose.yml"
        return rest if operator == ":-" else ""

    return re.sub(r"\$\{(?P<name>\w+)(?:(?P<operator>:[-?])(?P<rest>[^}]*))?\}", one, text)


@pytest.mark.parametrize("service", ["web", "worker-bulk"])
def test_production_settings_start_with_the_environment_compose_gives(service):
    """Every variable production requires is passed through, and compose refuses to start without it."""
    secrets_in_env_file = {
        "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "POSTGRES_PASSWORD": "password-from-env-file",
        "PERSONAL_DATA_KEYS": new_key_entry("k1"),
        "PERSONAL_DATA_HASH_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    environment = {
        name: compose_value(str(value), secrets_in_env_file) for name, value in SERVICES[service]["environment"].items()
    }
    for name in ("SECRET_KEY", "PERSONAL_DATA_KEYS", "PERSONAL_DATA_HASH_KEY"):
        assert re.search(r"\$\{" + name + r":\?", SERVICES[service]["environment"][name]), name
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def settings_of(**env) -> str:
    """Each database alias and whether it may declare server-side cursors, under ``env``."""
    script = (
        "from django.conf import settings;"
        "print(sorted((a, d['DISABLE_SERVER_SIDE_CURSORS']) for a, d in settings.DATABASES.items()))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.test", **env}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )
    return result.stdout.strip() if result.returncode == 0 else result.stderr


def test_a_transaction_pooled_process_declares_no_server_side_cursor_on_any_database():
    replica = {"DATABASE_REPLICA_URL": "postgres://portal@replica.example:6432/siskop2mi_replica"}
    assert settings_of(DATABASE_POOL_MODE="transaction", **replica) == "[('default', True), ('replica', True)]"
    assert settings_of(DATABASE_POOL_MODE="session", **replica) == "[('default', False), ('replica', False)]"
    assert settings_of() == "[('default', False)]"


def test_an_unknown_pool_mode_is_refused_at_start():
    assert "DATABASE_POOL_MODE must be 'session' or 'transaction', not 'statement'" in settings_of(
        DATABASE_POOL_MODE="statement"
    )


@pytest.mark.django_db(transaction=True)
@override_settings(DATABASE_POOL_MODE="transaction")
def test_a_transaction_pooled_process_refuses_a_session_lock_instead_of_leaking_it():
    with pytest.raises(ImproperlyConfigured, match="session advisory lock"), advisory_lock(72_000_001):
        pass
    assert not advisory_lock_held(72_000_001)
    # A full scan says why it cannot run, rather than "another scan is running" forever after.
    with pytest.raises(ImproperlyConfigured):
        full_scan()


@pytest.mark.django_db(transaction=True)
def test_a_session_takes_and_releases_the_lock():
    with advisory_lock(72_000_002) as taken:
        assert taken and advisory_lock_held(72_000_002)
    assert not advisory_lock_held(72_000_002)
