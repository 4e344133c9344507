"""What the benchmarks share: a database of their own beside the dev one, and how results are printed.

The benchmarks run through the dev stack (`python -m siskop2mi.devstack exec`, as the
Makefile does), which sets DATABASE_URL to the embedded PostgreSQL's `siskop2mi`
database. They use another database on the same server, BENCH_DATABASE
(`siskop2mi_bench`), so the demo data `make run` shows is never touched: created
if missing, migrated, areas and reference data loaded (all idempotent).
"""

from __future__ import annotations

import json
import os
import sys
import time
from urllib.parse import urlsplit, urlunsplit

DEFAULT_WORKERS = 1_000_000


def bench_workers() -> int:
    """BENCH_WORKERS (default 1,000,000): how many workers the benchmark data set has."""
    return int(os.environ.get("BENCH_WORKERS", DEFAULT_WORKERS))


def bench_seed() -> int:
    return int(os.environ.get("BENCH_SEED", 1))


def bench_database() -> str:
    return os.environ.get("BENCH_DATABASE", "siskop2mi_bench")


def log(message: str) -> None:
    """Progress for people goes to stderr; stdout carries only the final JSON line."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def emit(result: dict) -> None:
    print(json.dumps(result, separators=(", ", ": ")), flush=True)


def use_bench_database() -> str:
    """Point Django at the benchmark database (creating and preparing it), set Django up; return its name."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("bench: DATABASE_URL is not set; run through make (the dev stack) or set it to a PostgreSQL server.")
    name = bench_database()
    parts = urlsplit(url)
    _create_database(parts, name)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siskop2mi.settings.dev")
    os.environ.setdefault("DEBUG", "0")  # no per-query bookkeeping while measuring

    import django

    django.setup()
    from django.core.management import call_command

    log(f"preparing database {name}: migrate, areas, reference data")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("import_areas", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    return name


def _create_database(parts, name: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(urlunsplit(parts))
    server = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    connection = psycopg2.connect(**{key: value for key, value in server.items() if value})
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def generated_workers() -> int | None:
    """How many workers the generated data set in this database has (None: no generated data)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM accounts_user WHERE username = 'gen.import')")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT count(*) FROM recruitment_worker")
        return cursor.fetchone()[0]


def ensure_generated_data(database: str) -> int:
    """The data set's size in workers, generating BENCH_WORKERS of them first if there are none."""
    workers = generated_workers()
    if workers is None:
        from django.core.management import call_command

        log(f"no generated data in {database}: generating {bench_workers():,} workers first")
        call_command("generate_data", workers=bench_workers(), seed=bench_seed())
        workers = generated_workers()
    return workers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def queued_tasks(queue: str, *, delete: bool = False) -> int:
    """Tasks the benchmark's server asked for (re-checks, outbox delivery) waiting in its own Celery
    queue, which no worker reads; emptied when asked."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    waiting = client.llen(queue)
    if delete:
        keys = [key for key in client.scan_iter(match=f"*{queue}*") if b"unacked" not in key]
        if keys:
            client.delete(*keys)
    return waiting


def log_in_with_second_factor(client, user) -> None:
    """Log the benchmark's official in as after both steps (password and authenticator code), so the
    pages measured are the ones officials see, second-factor check included."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def start_gunicorn(env: dict, port: int, workers: int, *, label: str):
    """gunicorn as the production image starts it (sync workers, recycled after ~1,000 requests) on a
    loopback port, once it answers the login page; ``label`` names its settings in the log."""
    import http.client
    import subprocess

    from siskop2mi.paths import BASE_DIR

    command = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "siskop2mi.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        *(["--worker-tmp-dir=/dev/shm"] if os.path.isdir("/dev/shm") else []),  # noqa: S108 - as the image
        "--max-requests=1000",
        "--max-requests-jitter=100",
        "--log-level=warning",
    ]
    log(f"starting gunicorn on 127.0.0.1:{port} ({workers} sync workers, {label})")
    server = subprocess.Popen(command, env=env, cwd=BASE_DIR)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            connection.getresponse().read()
            connection.close()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("bench: gunicorn did not answer in time")
