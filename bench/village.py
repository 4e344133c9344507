"""`make bench-village`: what a village officer's phone costs the server and the link.

1. Uses BENCH_DATABASE (migrated, areas and reference data; generated data is not needed, and
   used as it is if present) and a village of its own: the first village of a district where no
   one reports and no one has an account (NTB first, then NTT, then anywhere), with an officer,
   `bench.village.officer`, made by the benchmark (the same ones on later runs).
2. Builds the static files as the production image does (compile_translations, collectstatic
   with whitenoise's CompressedManifestStaticFilesStorage into a temporary STATIC_ROOT) and starts
   gunicorn as the image does (sync workers, BENCH_VILLAGE_WORKERS of them) on a loopback port with
   bench/village_settings.py: the production settings, reached as through the TLS proxy
   (X-Forwarded-Proto: https).
3. First load: the officer logs in through the login page like a browser (cookies, CSRF token),
   then opens the village home (/desa/) with a browser's Accept-Encoding; everything the page
   loads (stylesheets, scripts, images, the manifest and the icons it names, the service worker
   the page's script registers) is fetched the same way and the bytes sent are summed (bodies as
   sent, compressed where the server compressed them, plus response headers), against a budget of
   200 KB. The service worker's own first fill of its cache (the forms, the outbox, the static
   files it keeps) is reported beside it, and each of the five forms' bytes.
4. Sync: BENCH_VILLAGE_ENTRIES (1,000) entries, a mix of departures, returns, deaths and brokers
   with names, valid NIKs of the village's district (a quarter with a name only), phones and
   details, each with its own client_id, POSTed one after another to /api/v1/village-reports/ in
   the officer's session (X-CSRFToken) as the phone's outbox sends them; then all of them again
   (replays: each must answer 200 with Idempotent-Replayed and create nothing, which is checked
   on the rows). Entries per second, p50 and p95 per entry.
5. The floor, in the same run: the same rows inserted with one VillageReport.objects.bulk_create
   (committed, then deleted; median of three), per entry = total / entries.
6. The benchmark's rows are deleted at the end; the red-flag re-checks asked for on write (on in
   production) went to a queue no worker reads (bench/village_settings.py), counted and emptied.

One line of JSON: see bench/README.md.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.common import emit, log, percentile, queued_tasks, start_gunicorn, use_bench_database

ENTRIES = int(os.environ.get("BENCH_VILLAGE_ENTRIES", 1000))
WORKERS = int(os.environ.get("BENCH_VILLAGE_WORKERS", 2))
FLOOR_RUNS = 3
BUDGET_BYTES = 200 * 1024  # as tests/portal/test_village_home.py counts it
OFFICER = "bench.village.officer"
FORM_SLUGS = ("niat", "keberangkatan", "kepulangan", "kematian", "calo")
SETTINGS = "bench.village_settings"
# The Celery queue the server's re-check requests go to (no worker reads it; emptied afterwards).
BENCH_QUEUE = "bench-village"
# What a phone's browser sends (Chrome on Android).
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "id-ID,id;q=0.9",
    "X-Forwarded-Proto": "https",  # as the TLS proxy in front of gunicorn says
}
# The mix of entries an officer sends (departures and brokers are what villages see most).
KIND_WEIGHTS = {
    "departure_seen": 40,
    "return_seen": 30,
    "death_or_repatriation": 5,
    "suspected_recruiter": 25,
}


# --- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(static_root: str) -> dict:
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
    }


def build_static(env: dict) -> None:
    """What the production image's build does: the files whitenoise serves, hashed and compressed."""
    from siskop2mi.paths import BASE_DIR

    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    log(f"collectstatic into {env['STATIC_ROOT']} in {time.monotonic() - started:.1f}s")


# --- a phone's browser ----------------------------------------------------------------------------------


class Fetched:
    def __init__(self, path: str, response: http.client.HTTPResponse, body: bytes):
        self.path = path
        self.status = response.status
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        self.body = body
        self.header_bytes = (
            len(f"HTTP/1.1 {response.status} {response.reason}\r\n")
            + sum(len(f"{name}: {value}\r\n") for name, value in response.getheaders())
            + 2
        )

    @property
    def sent_bytes(self) -> int:
        return len(self.body) + self.header_bytes

    @property
    def encoding(self) -> str:
        return self.headers.get("content-encoding", "identity")

    def text(self) -> str:
        body = self.body
        if self.encoding == "gzip":
            body = gzip.decompress(body)
        elif self.encoding == "deflate":
            body = zlib.decompress(body)
        elif self.encoding == "br":
            import brotli  # whitenoise makes .br files only when the brotli package is installed

            body = brotli.decompress(body)
        return body.decode("utf-8", errors="replace")


class Browser:
    """One phone: keep-alive when the server allows it, a cookie jar, the CSRF token."""

    def __init__(self, port: int):
        self.host = f"127.0.0.1:{port}"
        self.origin = f"https://{self.host}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Fetched:
        sent = {"Host": self.host, **BROWSER_HEADERS}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent.update(headers or {})
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()  # the server closed a kept-alive connection: once more, on a new one
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
        data = response.read()
        if response.will_close:
            self.connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Fetched(path, response, data)

    def get(self, path: str) -> Fetched:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict, referer: str) -> Fetched:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + referer,
        }
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)

    def post_json(self, path: str, payload: dict, csrf_token: str, referer: str) -> Fetched:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": csrf_token,
            "Origin": self.origin,
            "Referer": self.origin + referer,
        }
        return self.request("POST", path, body=json.dumps(payload).encode(), headers=headers)

    def close(self) -> None:
        self.connection.close()


class AssetParser(HTMLParser):
    """What a page makes the browser fetch: stylesheets, scripts, images, icons, the manifest; and
    the hidden inputs and meta tags the benchmark needs."""

    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []
        self.inputs: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.data_urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "link":
            rel = set(attributes.get("rel", "").lower().split())
            href = attributes.get("href")
            if not href:
                return
            if "stylesheet" in rel:
                self.assets.append(("stylesheet", href))
            elif "manifest" in rel:
                self.assets.append(("manifest", href))
            elif rel & {"icon", "apple-touch-icon", "preload", "modulepreload"}:
                self.assets.append(("icon" if "preload" not in rel else "preload", href))
        elif tag == "script" and attributes.get("src"):
            self.assets.append(("script", attributes["src"]))
        elif tag == "img" and attributes.get("src") and not attributes["src"].startswith("data:"):
            self.assets.append(("image", attributes["src"]))
        elif tag == "input" and attributes.get("name"):
            self.inputs[attributes["name"]] = attributes.get("value", "")
        elif tag == "meta" and attributes.get("name"):
            self.meta[attributes["name"]] = attributes.get("content", "")
        for name, value in attributes.items():  # e.g. data-sw-url="/desa/sw.js"
            if name.startswith("data-") and value.startswith("/"):
                self.data_urls.append((name, value))


def parse_page(html: str) -> AssetParser:
    parser = AssetParser()
    parser.feed(html)
    parser.close()
    return parser


SW_REGISTER = re.compile(r"serviceWorker\s*\.\s*register\(\s*['\"`]([^'\"`]+)['\"`]")
SW_PATH = re.compile(r"['\"`](/[^'\"`\s]*sw\.js)['\"`]")


def service_worker_path(scripts: list[str], page: AssetParser) -> str | None:
    """The service worker the page's scripts register, if they register one."""
    source = "\n".join(scripts)
    if "serviceWorker" not in source:
        return None
    for pattern in (SW_REGISTER, SW_PATH):
        for found in pattern.findall(source):
            if found.startswith("/"):
                return found
    # The script reads the URL from the page (data-sw-url="/desa/sw.js" here): a script URL in a
    # data- attribute that names the worker first, then any script URL in one.
    candidates = [url for name, url in page.data_urls if "sw" in name or "worker" in name]
    candidates += [url for _name, url in page.data_urls] + list(page.meta.values())
    for url in candidates:
        if url.startswith("/") and url.split("?")[0].endswith(".js"):
            return url
    return None


def service_worker_keeps(source: str) -> list[str]:
    """The URLs the service worker puts in its cache when installed (its config's pages and static)."""
    start = source.find('{"version"')
    if start < 0:
        return []
    try:
        config, _end = json.JSONDecoder().raw_decode(source[start:])
    except ValueError:
        return []
    return [url for url in [*config.get("pages", []), *config.get("static", [])] if isinstance(url, str)]


def local_path(url: str, origin: str) -> str | None:
    """The path of a same-origin URL (None for another site's: a page of ours must load none)."""
    if url.startswith(origin):
        return url[len(origin) :] or "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url


def first_load(browser: Browser, path: str) -> dict:
    """A page and everything it loads, fetched with a cold cache; bytes as sent."""
    page = browser.get(path)
    if page.status != 200:
        return {"path": path, "status": page.status}
    html = page.text()
    parsed = parse_page(html)
    files = [{"kind": "page", "url": path, "bytes": page.sent_bytes, "encoding": page.encoding}]
    fetched = {path}
    external: list[str] = []
    failed: list[dict] = []
    scripts: list[str] = []

    def fetch(kind: str, url: str) -> Fetched | None:
        target = local_path(url, browser.origin)
        if target is None:
            external.append(url)
            return None
        if target in fetched:
            return None
        fetched.add(target)
        response = browser.get(target)
        files.append({"kind": kind, "url": target, "bytes": response.sent_bytes, "encoding": response.encoding})
        if response.status != 200:
            log(f"{target} (loaded by {path}) answered {response.status}")
            failed.append({"url": target, "status": response.status})
            return None
        return response

    for kind, url in parsed.assets:
        response = fetch(kind, url)
        if response is None:
            continue
        if kind == "manifest":
            manifest = json.loads(response.text())
            for icon in manifest.get("icons", []):
                if icon.get("src"):
                    fetch("manifest icon", icon["src"])
        elif kind == "script":
            scripts.append(response.text())
    worker_path = service_worker_path(scripts, parsed)
    keeps: list[str] = []
    if worker_path:
        worker = fetch("service worker", worker_path)
        if worker is not None:
            keeps = service_worker_keeps(worker.text())
    sent = sum(item["bytes"] for item in files)
    return {
        "path": path,
        "status": 200,
        "bytes": sent,
        "requests": len(files),
        "files": files,
        "external": external,
        "failed": failed,
        "service_worker": worker_path,
        "service_worker_keeps": keeps,
        "fetched": fetched,
        "page": parsed,
    }


def precache(browser: Browser, keeps: list[str], fetched: set[str]) -> dict:
    """What the service worker fetches when it installs, beyond what the page already loaded."""
    total, requests = 0, 0
    for url in keeps:
        target = local_path(url, browser.origin)
        if target is None or target in fetched:
            continue
        response = browser.get(target)
        if response.status == 200:
            total += response.sent_bytes
            requests += 1
    return {"requests": requests, "bytes": total}


def log_in(browser: Browser, password: str) -> Fetched:
    from django.urls import reverse

    login_path = reverse("accounts:login")
    page = browser.get(login_path)
    parsed = parse_page(page.text())
    fields = {
        "csrfmiddlewaretoken": parsed.inputs.get("csrfmiddlewaretoken", ""),
        "username": OFFICER,
        "password": password,
        "next": "/desa/",
    }
    answer = browser.post_form(login_path, fields, referer=login_path)
    if answer.status != 302 or "sessionid" not in browser.cookies:
        sys.exit(f"bench: logging in as {OFFICER} answered {answer.status}: {answer.text()[:300]}")
    return page


# --- the village, its officer and the entries -------------------------------------------------------


def prepare_officer():
    """The benchmark's village and officer (made on the first run, reused afterwards) and a password."""
    from django.db.models import Exists, OuterRef

    from accounts.choices import Role
    from accounts.models import User
    from villages.models import District, Village, VillageReport

    officer = User.objects.filter(username=OFFICER).select_related("village").first()
    if officer is None:
        village = None
        quiet = District.objects.exclude(
            Exists(VillageReport.objects.filter(village__district=OuterRef("pk")))
        ).exclude(Exists(User.objects.filter(village__district=OuterRef("pk"))))
        for prefix in ("52.", "53.", ""):
            district = quiet.filter(code__startswith=prefix, villages__isnull=False).order_by("code").first()
            if district is not None:
                village = Village.objects.filter(district=district).order_by("code").first()
                break
        if village is None:
            sys.exit("bench: no village without reports and accounts; load the areas (import_areas)")
        officer = User(username=OFFICER, full_name="Perangkat Desa (bench)", role=Role.VILLAGE_OFFICER, village=village)
    password = secrets.token_urlsafe(16)
    officer.is_active = True
    officer.set_password(password)
    officer.save()
    return officer, password


def clean_rows(officer) -> int:
    from villages.models import VillageReport

    deleted, _by_model = VillageReport.objects.filter(reported_by=officer).delete()
    return deleted


def make_entries(count: int, district_code: str, seed: int = 13) -> list[dict]:
    """What an officer queues over weeks: who left, who came back, a death, the brokers seen."""
    from datetime import date

    from core.nik import FEMALE, MALE, compose_nik
    from siskop2mi.synthetic.catalogue import FAMILIES, MEN, PHONE_PREFIXES, SASAK_PREFIXES, WOMEN

    rng = random.Random(seed)
    today = date.today() - timedelta(days=1)  # yesterday in UTC is never tomorrow in Jakarta
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
    places = [
        "pasar desa",
        "masjid dusun Barat",
        "pelabuhan Tanjung Luar",
        "warung di jalan raya",
        "rumah kepala dusun",
    ]
    vehicles = ["Avanza hitam", "motor Vario merah", "Xenia silver DR 1234 AB", "pikap putih"]
    companies = ["PT Cahaya Mandiri", "PT Bina Karya Sejahtera", "PT Sumber Rejeki", "tidak menyebut"]
    destinations = ["Malaysia", "Arab Saudi", "Hong Kong", "Taiwan", "Singapura"]

    def phone() -> str:
        return rng.choice(PHONE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))

    def person(index: int) -> tuple[str, str]:
        sex = rng.choice([FEMALE, MALE])
        given = rng.choice(WOMEN if sex == FEMALE else MEN)
        name = f"{SASAK_PREFIXES[sex]} {given} {rng.choice(FAMILIES)}"
        if rng.random() < 0.25:
            return "", name  # the officer knows the name, not the NIK
        birth = date(rng.randint(1975, 2004), rng.randint(1, 12), rng.randint(1, 28))
        nik = compose_nik(district_code=district_code, birth_date=birth, sex=sex, serial=9000 + index % 1000)
        return nik, name

    entries = []
    for index, kind in enumerate(kinds):
        occurred = today - timedelta(days=rng.randint(0, 60))
        written = f"{occurred.isoformat()}T{rng.randint(7, 20):02d}:{rng.randint(0, 59):02d}:00+08:00"
        entry = {
            "client_id": str(uuid.uuid4()),
            "kind": kind,
            "occurred_on": occurred.isoformat(),
            "recorded_at": written,
        }
        if kind == "suspected_recruiter":
            nickname = rng.choice(["Pak Haji", "Bang Ucok", "Mas Tekong", "Om Ferdi", ""])
            entry.update(
                broker_name=f"{rng.choice(MEN)} {rng.choice(FAMILIES)}",
                broker_nickname=nickname,
                broker_phones=[phone() for _ in range(rng.choice([1, 1, 2]))],
                broker_vehicle=rng.choice(vehicles),
                seen_at_place=rng.choice(places),
                approached=f"Menawari {rng.randint(2, 6)} pemuda kerja ke {rng.choice(destinations)} tanpa biaya",
                claimed_company=rng.choice(companies),
                details="Datang malam hari, meminta fotokopi KTP dan KK.",
            )
        else:
            nik, name = person(index)
            entry.update(person_nik=nik, person_name=name)
            if kind == "departure_seen":
                entry["details"] = f"Berangkat ke {rng.choice(destinations)} dijemput {rng.choice(vehicles)}."
            elif kind == "return_seen":
                entry["needs"] = rng.sample(["unpaid_wages", "health", "psychological", "work"], rng.randint(0, 2))
                entry["details"] = "Pulang lebih awal dari kontrak."
            else:
                entry.update(
                    contact_name=f"{rng.choice(MEN)} {rng.choice(FAMILIES)}",
                    contact_phone=phone(),
                    details="Keluarga menunggu kabar pemulangan jenazah.",
                )
        entries.append(entry)
    return entries


def floor_rows(entries: list[dict], officer) -> list:
    """The rows the entries make, as model instances (built before the clock starts)."""
    from datetime import date, datetime

    from core.crypto import keyed_hash
    from villages.models import VillageReport
    from villages.services import normalise_phone

    rows = []
    for entry in entries:
        facts = {
            name: value
            for name, value in entry.items()
            if name not in ("client_id", "kind", "occurred_on", "recorded_at", "broker_phones")
        }
        rows.append(
            VillageReport(
                village_id=officer.village_id,
                kind=entry["kind"],
                occurred_on=date.fromisoformat(entry["occurred_on"]),
                recorded_at=datetime.fromisoformat(entry["recorded_at"]),
                client_id=uuid.uuid4(),
                reported_by=officer,
                broker_phones=[normalise_phone(p) for p in entry.get("broker_phones", [])],
                person_nik_hash=keyed_hash(facts.get("person_nik", "")),
                **facts,
            )
        )
    return rows


def measure_floor(entries: list[dict], officer) -> float:
    """Seconds to insert the same rows with one bulk_create (and commit), median of FLOOR_RUNS."""
    from django.db import transaction

    from villages.models import VillageReport

    runs = []
    for _ in range(FLOOR_RUNS):
        rows = floor_rows(entries, officer)
        started = time.perf_counter()
        with transaction.atomic():
            VillageReport.objects.bulk_create(rows)
        runs.append(time.perf_counter() - started)
        VillageReport.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return statistics.median(runs)


# --- the sync ---------------------------------------------------------------------------------------------


def send_all(browser: Browser, entries: list[dict], csrf_token: str, *, replay: bool) -> dict:
    path = "/api/v1/village-reports/"
    expected = 200 if replay else 201
    timings = []
    started = time.perf_counter()
    for index, entry in enumerate(entries, 1):
        before = time.perf_counter()
        answer = browser.post_json(path, entry, csrf_token, referer="/desa/kotak-keluar/")
        timings.append((time.perf_counter() - before) * 1000)
        if answer.status != expected or (replay and answer.headers.get("idempotent-replayed") != "true"):
            sys.exit(f"bench: entry {index} ({entry['kind']}) answered {answer.status}: {answer.text()[:400]}")
        if index % 250 == 0:
            log(f"{'replayed' if replay else 'sent'} {index:,} of {len(entries):,}")
    seconds = time.perf_counter() - started
    return {
        "entries": len(entries),
        "seconds": round(seconds, 3),
        "entries_per_second": round(len(entries) / seconds, 1),
        "p50_ms": round(percentile(timings, 0.5), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
    }


def counts(officer) -> tuple[int, int]:
    from villages.models import VillageReport, VillageReportEvent

    reports = VillageReport.objects.filter(reported_by=officer)
    return reports.count(), VillageReportEvent.objects.filter(report__in=reports).count()


def recheck_queue(delete: bool = False) -> int:
    return queued_tasks(BENCH_QUEUE, delete=delete)


# --- the run -----------------------------------------------------------------------------------------------


def main() -> None:
    database = use_bench_database()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    call_command("compile_translations", verbosity=0)
    officer, password = prepare_officer()
    clean_rows(officer)  # a run stopped halfway leaves nothing behind for the next
    recheck_queue(delete=True)
    village = officer.village
    entries = make_entries(ENTRIES, village.district_id)
    kinds = {kind: sum(1 for e in entries if e["kind"] == kind) for kind in KIND_WEIGHTS}
    log(f"village {village.code} {village.name}, officer {OFFICER}; {ENTRIES:,} entries {kinds}")
    connections.close_all()

    static_root = tempfile.mkdtemp(prefix="bench-village-static-")
    env = server_env(static_root)
    server = None
    try:
        build_static(env)
        br_files = sum(1 for _root, _dirs, names in os.walk(static_root) for name in names if name.endswith(".br"))
        port = free_port()
        server = start_gunicorn(env, port, WORKERS, label=SETTINGS)

        # 1. First load: the login page, then the village home as a phone opens it with nothing cached.
        browser = Browser(port)
        log_in(browser, password)
        home = first_load(browser, "/desa/")
        if home["status"] == 404:  # before the village pages moved under /desa/
            home = first_load(browser, "/")
        if home["status"] != 200:
            sys.exit(f"bench: the village home answered {home['status']}")
        worker_fill = (
            precache(browser, home["service_worker_keeps"], home["fetched"]) if home["service_worker"] else None
        )
        forms = {}
        for slug in FORM_SLUGS:
            cold = Browser(port)
            cold.cookies = dict(browser.cookies)
            form = first_load(cold, f"/desa/lapor/{slug}/")
            cold.close()
            forms[slug] = (
                {"page_bytes": form["files"][0]["bytes"], "first_load_bytes": form["bytes"]}
                if form["status"] == 200
                else None
            )
        statics = [item for item in home["files"] if item["url"].startswith(settings.STATIC_URL)]
        log(f"first load of {home['path']}: {home['bytes']:,} bytes in {home['requests']} requests")

        # 2. The sync: the officer's session and CSRF token, as the outbox script has them.
        csrf_token = home["page"].meta.get("csrf-token") or browser.cookies.get("csrftoken", "")
        sync = send_all(browser, entries, csrf_token, replay=False)
        rows, events = counts(officer)
        if rows != ENTRIES:
            sys.exit(f"bench: {ENTRIES} entries made {rows} reports")
        enqueued = recheck_queue()
        log(f"sync: {sync}")
        replay = send_all(browser, entries, csrf_token, replay=True)
        rows_after, events_after = counts(officer)
        if (rows_after, events_after) != (rows, events):
            sys.exit(
                f"bench: replays changed the rows: {rows}/{events} reports/events, now {rows_after}/{events_after}"
            )
        enqueued_by_replays = recheck_queue() - enqueued
        log(f"replay: {replay}")
        browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        connections.close_all()
        removed = clean_rows(officer)
        recheck_queue(delete=True)

    # 3. The floor: the same rows, one bulk_create.
    floor_seconds = measure_floor(entries, officer)
    floor_per_entry_ms = floor_seconds * 1000 / ENTRIES
    log(f"floor: bulk_create of {ENTRIES:,} rows in {floor_seconds:.3f}s; removed {removed:,} benchmark rows")
    throttle = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partner"]  # what production allows
    per_minute = int(throttle.split("/")[0]) * {"s": 60, "m": 1, "h": 1 / 60, "d": 1 / 1440}[throttle.split("/")[1][0]]

    emit(
        {
            "benchmark": "village",
            "database": database,
            "village": village.code,
            "server": f"gunicorn sync x{WORKERS}, production settings ({SETTINGS})",
            "first_load": {
                "path": home["path"],
                "bytes": home["bytes"],
                "budget_bytes": BUDGET_BYTES,
                "ratio_to_budget": round(home["bytes"] / BUDGET_BYTES, 3),
                "within_budget": home["bytes"] <= BUDGET_BYTES,
                "requests": home["requests"],
                "files": [
                    {"url": item["url"], "kind": item["kind"], "bytes": item["bytes"], "encoding": item["encoding"]}
                    for item in home["files"]
                ],
                "external": home["external"],
                "failed": home["failed"],
                # The service worker fills its cache in the background on the first visit too.
                "bytes_with_service_worker_install": home["bytes"] + (worker_fill or {}).get("bytes", 0),
            },
            "service_worker": home["service_worker"],
            "service_worker_install_fetch": worker_fill,
            "forms": forms,
            "static_files": {
                "storage": "whitenoise CompressedManifestStaticFilesStorage",
                "served_compressed": sorted({item["url"] for item in statics if item["encoding"] != "identity"}),
                "served_uncompressed": sorted({item["url"] for item in statics if item["encoding"] == "identity"}),
                "brotli_files": br_files,
            },
            "sync": {"kinds": kinds, **sync},
            "replay": {**replay, "reports_created": rows_after - rows, "events_created": events_after - events},
            "floor_bulk_create": {
                "seconds": round(floor_seconds, 4),
                "per_entry_ms": round(floor_per_entry_ms, 4),
                "entries_per_second": round(ENTRIES / floor_seconds, 1),
                "median_of": FLOOR_RUNS,
            },
            "ratio_p95_to_floor_per_entry": round(sync["p95_ms"] / floor_per_entry_ms, 1),
            "ratio_replay_p95_to_floor_per_entry": round(replay["p95_ms"] / floor_per_entry_ms, 1),
            "ratio_throughput_to_floor": round(sync["entries_per_second"] / (ENTRIES / floor_seconds), 4),
            "red_flag_rechecks_on_write": bool(settings.OVERSIGHT_RECHECK_ON_WRITE),
            "recheck_tasks_enqueued": {"sync": enqueued, "replay": enqueued_by_replays},
            "production_api_throttle": throttle,
            # One officer's outbox sent at this pace meets the per-user budget (429) before it is empty.
            "sync_meets_production_throttle": per_minute < ENTRIES and sync["entries_per_second"] * 60 > per_minute,
        }
    )


if __name__ == "__main__":
    main()
