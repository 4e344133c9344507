"""Separate queues: a flood of red-flag re-checks (the demo seeding queues about a thousand)
never delays beat's heartbeat, which /healthz reads, nor anything people wait for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from oversight.tasks import recheck_subjects
from siskop2mi import devstack, health, queues
from siskop2mi.celery import app
from siskop2mi.paths import BASE_DIR
from siskop2mi.tasks import beat_heartbeat

RECHECKS = 1_000


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def consumed_queues() -> set[str]:
    return {queue for group in queues.WORKER_GROUPS.values() for queue in group}


def test_every_task_goes_to_a_queue_some_worker_reads():
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert ours
    for name in ours:
        assert queue_of(name) in consumed_queues(), name
    for name in app.conf.beat_schedule.values():
        assert queue_of(name["task"]) in consumed_queues()


def test_the_heartbeat_and_what_people_wait_for_do_not_share_a_worker_with_bulk_work():
    interactive = set(queues.WORKER_GROUPS["interactive"])
    for name in ("siskop2mi.tasks.beat_heartbeat", "core.deliver_outbox", "exports.run"):
        assert queue_of(name) in interactive
    for name in ("oversight.recheck", "oversight.full_scan", "dashboard.refresh", "complaints.escalate_overdue"):
        assert queue_of(name) not in interactive


def test_docker_compose_runs_a_worker_per_queue():
    """Each queue scales on its own there (more processes or containers); the dev stack groups them."""
    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    consumed = []
    for service in services.values():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "siskop2mi", "worker"]:
            consumed.append(tuple(command[command.index("-Q") + 1].split(",")))
    assert sorted(consumed) == sorted((queue,) for queue in consumed_queues())


@pytest.fixture
def interactive_worker(tmp_path):
    """The dev stack's own command for the interactive worker, against the test Redis."""
    keys = [*consumed_queues(), "unacked", "unacked_index"]
    health.redis_client().delete(*keys)
    argv = devstack.worker_commands(str(Path(sys.executable).with_name("celery")))["worker-interactive"]
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        argv, env={**os.environ, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.test"}, stdout=log, stderr=log
    )
    yield process
    process.terminate()
    process.wait(timeout=60)
    log.close()
    health.redis_client().delete(*keys)


@pytest.mark.slow
def test_the_heartbeat_runs_while_a_thousand_rechecks_wait(interactive_worker):
    client = health.redis_client()
    client.delete(health.BEAT_HEARTBEAT_KEY)
    for n in range(RECHECKS):
        recheck_subjects.apply_async(args=[{"placement": [n + 1]}])
    assert client.llen(queues.RECHECK) == RECHECKS

    returned = beat_heartbeat.apply_async().get(timeout=60)

    assert client.get(health.BEAT_HEARTBEAT_KEY).decode() == returned
    # It did not wait its turn behind them: every re-check is still queued, for their own worker.
    assert client.llen(queues.RECHECK) == RECHECKS
