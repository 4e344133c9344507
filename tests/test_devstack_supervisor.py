"""The dev stack keeps going when a part dies: a dead worker is started again (with a growing
pause if it keeps dying), and the embedded Redis keeps its queued messages across a restart
or a kill (append-only file)."""

import signal
import subprocess
import sys
import time

import pytest
import redis

from siskop2mi import devstack, paths
from siskop2mi.devstack import EmbeddedRedis, Portal
from siskop2mi.queues import WORKER_GROUPS

pytestmark = pytest.mark.slow

DIES_AT_ONCE = (sys.executable, "-c", "import sys; sys.exit(3)")
RUNS_ON = (sys.executable, "-c", "import time; time.sleep(120)")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def exited(child: subprocess.Popen) -> None:
    child.wait(timeout=30)


@pytest.fixture
def portal():
    clock = Clock()
    portal = Portal({}, port=0, clock=clock)
    portal.clock_ = clock
    yield portal
    portal.stop()


def test_a_child_that_keeps_dying_is_started_again_after_a_growing_pause(portal, capsys):
    clock = portal.clock_
    portal.spawn("pytest-crasher", *DIES_AT_ONCE)
    pauses = []
    for _ in range(4):
        first = portal.children["pytest-crasher"]
        exited(first)
        portal.supervise()  # noticed: a pause before the next start
        pause = portal.restart_at["pytest-crasher"] - clock.now
        pauses.append(pause)
        clock.now += pause - 0.5
        portal.supervise()
        assert portal.children["pytest-crasher"] is first  # not yet
        clock.now += 0.5
        portal.supervise()
        assert portal.children["pytest-crasher"] is not first  # started again
    assert pauses == [1, 2, 4, 8]
    assert "pytest-crasher exited unexpectedly (code 3)" in capsys.readouterr().out

    # After a long healthy run a death is restarted at once, and the pauses start over.
    last = portal.children["pytest-crasher"]
    exited(last)
    clock.now += Portal.STABLE_AFTER
    portal.supervise()
    assert portal.children["pytest-crasher"] is not last and portal.quick_deaths["pytest-crasher"] == 0


def test_a_worker_killed_with_sigkill_is_started_again_and_stop_ends_everything(tmp_path):
    portal = Portal({}, port=0)
    try:
        portal.spawn("pytest-worker", *RUNS_ON)
        portal.spawn("pytest-other", *RUNS_ON)
        killed = portal.children["pytest-worker"]
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        deadline = time.monotonic() + 30
        while portal.children["pytest-worker"] is killed and time.monotonic() < deadline:
            portal.supervise()
            time.sleep(0.1)
        replacement = portal.children["pytest-worker"]
        assert replacement is not killed and replacement.poll() is None
        assert portal.children["pytest-other"].poll() is None  # the rest kept running
    finally:
        portal.stop()
    assert all(child.poll() is not None for child in portal.children.values())
    portal.supervise()  # a stopped portal starts nothing again
    assert all(child.poll() is not None for child in portal.children.values())


def test_the_dev_stack_runs_a_worker_per_queue_group():
    commands = devstack.worker_commands("celery")
    assert set(commands) == {f"worker-{group}" for group in WORKER_GROUPS}
    for group, queues in WORKER_GROUPS.items():
        argv = commands[f"worker-{group}"]
        assert argv[argv.index("-Q") + 1] == ",".join(queues)


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_queued_messages_survive_a_restart_of_the_embedded_redis(tmp_path, how):
    paths.LOG_DIR.mkdir(parents=True, exist_ok=True)
    server = EmbeddedRedis(tmp_path / "redis", tmp_path / "redis.sock")
    server.start()
    try:
        client = redis.Redis(unix_socket_path=str(server.socket_path))
        client.lpush("bulk", b'{"task": "dashboard.refresh"}')
        if how == "stop":
            server.stop()
        else:  # no time to save anything on the way out
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=30)
        assert not server.is_running()

        server.start()
        client = redis.Redis(unix_socket_path=str(server.socket_path))
        assert client.lrange("bulk", 0, -1) == [b'{"task": "dashboard.refresh"}']
        assert client.config_get("appendonly") == {"appendonly": "yes"}
    finally:
        server.stop()


class StoppedServices:
    def __init__(self):
        self.stopped = []

    def stop(self):
        self.stopped.append(True)


@pytest.fixture
def shared_stack(tmp_path, monkeypatch):
    """A Stack whose services only record being stopped, its users counted in tmp_path."""
    monkeypatch.setattr(devstack, "USERS_DIR", tmp_path / "users")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    stack = devstack.Stack()
    stack.postgres, stack.redis = StoppedServices(), StoppedServices()
    stack.user_file = devstack.USERS_DIR / str(stack.user_file.name)
    devstack.USERS_DIR.mkdir()
    stack.user_file.touch()
    return stack


def test_a_stack_stopping_while_another_uses_the_services_leaves_them_running(shared_stack):
    other = subprocess.Popen(RUNS_ON)
    try:
        (devstack.USERS_DIR / str(other.pid)).touch()
        shared_stack.stop()
        assert shared_stack.postgres.stopped == [] and shared_stack.redis.stopped == []
    finally:
        other.kill()
        other.wait()


def test_the_last_stack_to_stop_stops_the_services_even_past_a_user_that_died(shared_stack):
    dead = subprocess.Popen(DIES_AT_ONCE)
    exited(dead)
    (devstack.USERS_DIR / str(dead.pid)).touch()
    shared_stack.stop()
    assert shared_stack.postgres.stopped == [True] and shared_stack.redis.stopped == [True]
    assert list(devstack.USERS_DIR.iterdir()) == []
