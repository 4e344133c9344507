"""`make bench-dashboard`: the officials' dashboard over the benchmark data set.

1. Uses the data set of `make bench-data` in BENCH_DATABASE (generated first if missing).
2. One summary refresh (dashboard.services.dashboard_refresh), timed, beside its floor: a plain
   sequential count(*) of the tables it reads (index scans off, median of three).
3. The page's server time, in process through the whole Django stack (middleware, session,
   the view, the template) with the test Client: for a ministry official (the country), a
   province official and a regency official (the province and the regency with the most
   workers), BENCH_PAGE_REQUESTS (default 30) warm requests each; p50 and p95 in ms.
4. Floors in the same run, same client and stack: a trivial page (login required, SELECT 1,
   base.html) and reading the summary alone (the page's queries and shaping, no template).
5. One line of JSON; the goal is a p95 under 500 ms for each of the three.

The three users are created in the benchmark database if missing (usernames bench.dashboard.*,
no usable password); the refresh replaces any previous summary there.
"""

import os
import statistics
import time
from types import ModuleType

from bench.common import (
    emit,
    ensure_generated_data,
    log,
    log_in_with_second_factor,
    percentile,
    use_bench_database,
)

REFRESH_TABLES = ["placement_placement", "recruitment_worker", "recruitment_joborder", "oversight_flag"]
GOAL_MS = 500


def summary(timings: list[float]) -> dict:
    return {"p50": round(percentile(timings, 0.5), 1), "p95": round(percentile(timings, 0.95), 1)}


def refresh_floor_seconds() -> float:
    from django.db import connection, transaction

    total = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off; "
                       "SET LOCAL enable_bitmapscan = off")  # fmt: skip
        for table in REFRESH_TABLES:
            started = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM {table}")
            cursor.fetchone()
            total += time.perf_counter() - started
    return total


def largest_areas() -> tuple[str, str]:
    """The regency with the most workers, and its province."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT left(village_id, 5) FROM recruitment_worker GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        regency = cursor.fetchone()[0]
    return regency[:2], regency


def bench_users(province: str, regency: str) -> dict:
    from accounts.choices import Role
    from accounts.models import User

    wanted = {
        "national": ("bench.dashboard.ministry", {"role": Role.MINISTRY_OFFICIAL}),
        "province": ("bench.dashboard.province", {"role": Role.PROVINCE_OFFICIAL, "province_id": province}),
        "regency": ("bench.dashboard.regency", {"role": Role.REGENCY_OFFICIAL, "regency_id": regency}),
    }
    users = {}
    for key, (username, fields) in wanted.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=username, email=f"{username}@example.invalid", **fields)
            user.set_unusable_password()
            user.save()
        else:
            User.objects.filter(pk=user.pk).update(**{"province_id": None, "regency_id": None, **fields})
            user.refresh_from_db()
        users[key] = user
    return users


def timed_requests(client, url: str, count: int, warm: int = 3) -> list[float]:
    for _ in range(warm):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return timings


def floor_view(request):
    """The least a page costs here: the same middleware, session and user, one query, base.html."""
    from django.db import connection
    from django.shortcuts import render

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return render(request, "base.html", {})


def main() -> None:
    database = use_bench_database()
    workers = ensure_generated_data(database)
    from django.contrib.auth.decorators import login_required
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import path

    import siskop2mi.urls
    from dashboard.selectors import dashboard_for
    from dashboard.services import dashboard_refresh

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    floor_refresh = statistics.median(refresh_floor_seconds() for _ in range(3))
    log(f"refresh floor (sequential count of {len(REFRESH_TABLES)} tables): {floor_refresh:.2f}s")
    started = time.perf_counter()
    snapshot = dashboard_refresh()
    refresh_seconds = time.perf_counter() - started
    log(f"refresh: {refresh_seconds:.1f}s, {snapshot.areas:,} areas")

    province, regency = largest_areas()
    users = bench_users(province, regency)
    count = int(os.environ.get("BENCH_PAGE_REQUESTS", 30))
    floor_url = path("bench-floor/", login_required(floor_view))
    urlconf = ModuleType("bench_dashboard_urls")  # the portal's URLs and the floor page
    urlconf.urlpatterns = [*siskop2mi.urls.urlpatterns, floor_url]
    pages, floors, reads, queries = {}, [], [], {}
    with override_settings(ROOT_URLCONF=urlconf, ALLOWED_HOSTS=["testserver"]):
        for key, user in users.items():
            client = Client(HTTP_ACCEPT_LANGUAGE="id")
            log_in_with_second_factor(client, user)
            floors += timed_requests(client, "/bench-floor/", count)
            timings = timed_requests(client, "/dasbor/", count)
            with CaptureQueriesContext(connection) as captured:
                client.get("/dasbor/")
            queries[key] = len(captured)
            for _ in range(count):
                started = time.perf_counter()
                dashboard_for(user)
                reads.append((time.perf_counter() - started) * 1000)
            pages[key] = {"area": user.jurisdiction_code or "", **summary(timings)}
            log(f"{key} ({pages[key]['area'] or 'national'}): p50 {pages[key]['p50']} ms, p95 {pages[key]['p95']} ms")
    floor_page = summary(floors)
    worst_p95 = max(page["p95"] for page in pages.values())
    emit(
        {
            "benchmark": "dashboard",
            "workers": workers,
            "refresh_seconds": round(refresh_seconds, 2),
            "refresh_floor_seconds": round(floor_refresh, 3),
            "refresh_ratio": round(refresh_seconds / floor_refresh, 1) if floor_refresh else None,
            "summary_areas": snapshot.areas,
            "requests_each": count,
            "page_ms": pages,
            "queries_per_page": queries,
            "floor_trivial_page_ms": floor_page,
            "floor_summary_read_ms": summary(reads),
            "ratio_p95_to_floor_p95": round(worst_p95 / floor_page["p95"], 1) if floor_page["p95"] else None,
            "goal_ms": GOAL_MS,
            "goal_p95_under_500ms": worst_p95 < GOAL_MS,
        }
    )


if __name__ == "__main__":
    main()
