"""`make bench-api`: the partner API under load, beside a bare baseline, in the same run.

1. Uses the data set of `make bench-data` in BENCH_DATABASE (generated first if missing) and
   the company with the most placements; issues that company a read-write API key.
2. Starts gunicorn (gthread, BENCH_API_WORKERS processes x BENCH_API_THREADS threads) on a
   loopback port over that database, with bench/api_settings.py: the real URLs plus two
   baseline endpoints (bench/api_site.py) that return the same placement rows through
   `.values()` and a plain JsonResponse.
3. For each of four scenarios (API list, baseline list, API detail, baseline detail),
   BENCH_API_CLIENTS (16) client threads on keep-alive connections send requests for
   BENCH_API_SECONDS (15) in all, measured in BENCH_API_ROUNDS (5) turns taken in rotation
   (after a 3 s warm-up in the first turn, 0.5 s in the others), so that an API and its
   baseline meet the same load from the machine's other work: the list is the first page of
   50, newest first; the detail a random placement of the company's. Every answer must be 200.
4. One line of JSON: p50, p95 (ms) and requests per second per scenario, and the ratios
   API / baseline of throughput and of p95. The goals (issue 17), against the baseline measured
   in the same run: the list's p95 at most 1.5x the baseline list's p95 and its throughput at
   least 0.7x; the detail's throughput at least 0.5x.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time

from bench.common import (
    emit,
    ensure_generated_data,
    log,
    percentile,
    use_bench_database,
)

CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", 16))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", 15))
WARMUP_SECONDS = 3.0
TURN_WARMUP_SECONDS = 0.5
# Each scenario's BENCH_API_SECONDS are measured in this many turns, taken in rotation.
ROUNDS = int(os.environ.get("BENCH_API_ROUNDS", 5))
WORKERS = int(os.environ.get("BENCH_API_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_API_THREADS", 8))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def busiest_company() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT agency_id, count(*) FROM placement_placement GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        return cursor.fetchone()


def issue_key(agency_id: int) -> str:
    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import api_key_create

    admin, _created = User.objects.get_or_create(
        username="bench.api.admin",
        defaults={"full_name": "Bench API", "role": Role.AGENCY_ADMIN, "agency_id": agency_id},
    )
    if admin.agency_id != agency_id:
        admin.agency_id = agency_id
        admin.save(update_fields=["agency"])
    return api_key_create(actor=admin, name="make bench-api", scope="read_write")[1]


def sample_ids(agency_id: int, size: int = 5000) -> list[int]:
    from placement.models import Placement

    ids = list(Placement.objects.filter(agency_id=agency_id).values_list("id", flat=True).order_by("?")[:size])
    return ids


def wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("bench: gunicorn did not answer in time")


def run_scenario(port: int, make_path, headers: dict, seconds: float, warmup: float) -> list[float]:
    """CLIENTS threads, each on its own keep-alive connection, for `seconds` (after `warmup`
    seconds); the latencies (ms) of the answers measured."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures: list[str] = []
    start_measuring = time.monotonic() + warmup
    stop = start_measuring + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            path = make_path(rng)
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                failures.append(f"{response.status} {path} {body[:200]!r}")
                break
            if now >= start_measuring:
                latencies[index].append(elapsed * 1000)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"bench: a request failed: {failures[0]}")
    return [t for per_client in latencies for t in per_client]


def summary(timings: list[float], seconds: float) -> dict:
    return {
        "requests": len(timings),
        "rps": round(len(timings) / seconds, 1),
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "mean_ms": round(statistics.fmean(timings), 1),
    }


def main() -> None:
    database = use_bench_database()
    workers = ensure_generated_data(database)
    agency_id, placements = busiest_company()
    key = issue_key(agency_id)
    ids = sample_ids(agency_id)
    from django.db import connections

    connections.close_all()
    log(f"{workers:,} workers; company {agency_id} has {placements:,} placements; {len(ids):,} sampled for detail")

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.api_settings", "DEBUG": "0"}
    command = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "siskop2mi.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--worker-class=gthread",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--log-level=warning",
    ]
    log(f"starting gunicorn on 127.0.0.1:{port} ({WORKERS} workers x {THREADS} threads)")
    server = subprocess.Popen(command, env=env)
    try:
        wait_for(port, server)
        auth = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        plain = {"Accept": "application/json"}
        scenarios = {
            "api_list": (lambda rng: "/api/v1/placements/?page_size=50", auth),
            "baseline_list": (lambda rng: f"/bench/placements/?agency={agency_id}", plain),
            "api_detail": (lambda rng: f"/api/v1/placements/{rng.choice(ids)}/", auth),
            "baseline_detail": (lambda rng: f"/bench/placements/{rng.choice(ids)}/?agency={agency_id}", plain),
        }
        # The scenarios take turns, ROUNDS times: the machine's other work changes over a minute,
        # and each ratio should compare the API and its baseline under the same load.
        timings: dict[str, list[float]] = {name: [] for name in scenarios}
        for round_number in range(1, ROUNDS + 1):
            for name, (make_path, headers) in scenarios.items():
                log(f"{name} (round {round_number}/{ROUNDS}): {CLIENTS} clients for {SECONDS / ROUNDS:.1f}s")
                # The first turn warms the server up; later ones only open their connections.
                warmup = WARMUP_SECONDS if round_number == 1 else TURN_WARMUP_SECONDS
                timings[name] += run_scenario(port, make_path, headers, SECONDS / ROUNDS, warmup)
        results = {name: summary(measured, SECONDS) for name, measured in timings.items()}
        for name, result in results.items():
            log(f"{name}: {result}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    def ratio(kind: str, measure: str) -> float:
        return round(results[f"api_{kind}"][measure] / results[f"baseline_{kind}"][measure], 2)

    throughput = {"list": ratio("list", "rps"), "detail": ratio("detail", "rps")}
    p95 = {"list": ratio("list", "p95_ms"), "detail": ratio("detail", "p95_ms")}
    emit(
        {
            "benchmark": "api",
            "workers": workers,
            "company_placements": placements,
            "clients": CLIENTS,
            "seconds_each": SECONDS,
            "rounds": ROUNDS,
            "server": f"gunicorn gthread {WORKERS}x{THREADS}",
            **results,
            "throughput_ratio_api_to_baseline": throughput,
            "p95_ratio_api_to_baseline": p95,
            "goal_list_p95_within_1_5x_baseline": p95["list"] <= 1.5,
            "goal_list_throughput_at_least_0_7x": throughput["list"] >= 0.7,
            "goal_detail_throughput_at_least_0_5x": throughput["detail"] >= 0.5,
        }
    )


if __name__ == "__main__":
    main()
