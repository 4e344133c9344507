"""A real Celery worker process against the real Redis: not eager mode."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from siskop2mi import health
from siskop2mi.celery import app
from siskop2mi.tasks import beat_heartbeat

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(tmp_path):
    celery = Path(sys.executable).with_name("celery")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.test"}
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(celery), "-A", "siskop2mi", "worker", "--pool", "solo", "-l", "INFO", "-n", "pytest@%h", "-Q", "pytest"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_a_real_worker_runs_the_heartbeat_and_returns_its_result(worker):
    assert not app.conf.task_always_eager
    health.redis_client().delete(health.BEAT_HEARTBEAT_KEY)

    result = beat_heartbeat.apply_async(queue="pytest")
    returned = result.get(timeout=60)

    assert worker.poll() is None
    recorded = health.redis_client().get(health.BEAT_HEARTBEAT_KEY).decode()
    assert datetime.fromisoformat(returned) == datetime.fromisoformat(recorded)


def test_the_schedule_is_declared_once_with_the_heartbeat():
    entry = app.conf.beat_schedule["beat-heartbeat"]
    assert entry["task"] == beat_heartbeat.name
    assert app.conf.task_acks_late is True
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
