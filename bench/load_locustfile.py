"""The users of `make bench-load`: officials, companies, the public and village officers, weighted.

bench/load.py prepares their accounts and data in the benchmark database, writes them to a plan
(BENCH_LOAD_PLAN, JSON) and runs this file with locust against gunicorn on loopback. This process
does not set Django up: it only speaks HTTP, with two pure helpers of the project's (a NIK's digits,
an authenticator's code).

Every step says what it expects (a status, and for some the answer's content); anything else is a
failure in locust's statistics, so an error is counted whether it is a 500, a refusal, or a
redirect to the login page. The statistics, what the users did (flows finished, entries sent and
replayed) and the busiest API client's requests per minute are written to BENCH_LOAD_SUMMARY at the end.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import random
import re
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's own modules

from django_otp.oath import totp  # noqa: E402 - django-otp's RFC 6238 code, what the server checks

from core.nik import compose_nik  # noqa: E402

with open(os.environ["BENCH_LOAD_PLAN"]) as _plan_file:
    PLAN = json.load(_plan_file)

# Each official and village officer account is used by one simulated person at a time (an
# authenticator code is accepted once, and each phone keeps its own outbox): a user takes one when
# it starts and gives it back when it stops (locust starts another user in the place of one that
# stopped). The companies' keys are shared.
FREE_ACCOUNTS = {"official": list(reversed(PLAN["officials"])), "village officer": list(reversed(PLAN["villages"]))}
COMPANIES = itertools.cycle(PLAN["companies"])
# Places free on each company's job orders: a flow holds one from registering its candidate to
# cancelling the placement, so no two flows fill the last place of a job order at once.
SLOTS = {
    company["agency_id"]: [order for order in company["job_orders"] for _ in range(order["slots"])]
    for company in PLAN["companies"]
}
IDENTITIES = itertools.count(PLAN["identity_start"])
DONE: collections.Counter = collections.Counter()
# Requests per API client (a key, or a village officer's session) per minute, as the throttle counts.
API_CLIENT_MINUTES: collections.Counter = collections.Counter()

BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile",
    "Accept-Language": "id-ID,id;q=0.9",
    "X-Forwarded-Proto": "https",  # as the TLS proxy in front of gunicorn says
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LOGIN_FORM = 'name="password"'


def cookies_as_over_tls(session) -> None:
    """gunicorn is reached over plain HTTP where the TLS proxy would stand: the cookies the server
    marks Secure are sent back as a browser sends them over https (requests would keep them back)."""
    for cookie in session.cookies:
        cookie.secure = False


def note_api_client(client: str) -> None:
    API_CLIENT_MINUTES[(client, int(time.time() // 60))] += 1


def stats_of(entry) -> dict:
    """One line of locust's statistics (an endpoint, or all of them), in milliseconds."""
    return {
        "requests": entry.num_requests,
        "errors": entry.num_failures,
        "rps": round(entry.total_rps, 2),
        "p50_ms": round(entry.get_response_time_percentile(0.5), 1),
        "p95_ms": round(entry.get_response_time_percentile(0.95), 1),
        "p99_ms": round(entry.get_response_time_percentile(0.99), 1),
        "mean_ms": round(entry.avg_response_time, 1),
        "max_ms": round(entry.max_response_time, 1),
    }


@events.quitting.add_listener
def write_summary(environment, **kwargs):
    """Everything the report needs, once every user has stopped (the flows finished after the
    time was up included, which locust's CSV files written at that moment leave out)."""
    path = os.environ.get("BENCH_LOAD_SUMMARY")
    if not path:
        return
    stats = environment.runner.stats
    summary = {
        "endpoints": [
            {"method": method, "name": name, **stats_of(entry)}
            for (name, method), entry in sorted(stats.entries.items())
        ],
        "total": stats_of(stats.total),
        "error_samples": [
            {"method": error.method, "name": error.name, "error": str(error.error)[:300], "count": error.occurrences}
            for error in sorted(stats.errors.values(), key=lambda error: -error.occurrences)
        ],
        "done": dict(sorted(DONE.items())),
        "busiest_api_client_per_minute": max(API_CLIENT_MINUTES.values(), default=0),
    }
    with open(path, "w") as handle:
        json.dump(summary, handle)


def judged(response, expect, check):
    """The response if its status is one of ``expect`` and ``check(response)`` finds nothing wrong
    (it returns what is wrong); otherwise it is marked a failure, and None."""
    if response.status_code not in expect:
        response.failure(f"{response.status_code}, expected {expect}: {response.text[:300]!r}")
        return None
    problem = check(response) if check else None
    if problem:
        response.failure(problem)
        return None
    response.success()
    return response


class Visitor(HttpUser):
    """A browser: its cookie jar, the headers a phone's browser sends, steps that check their answer."""

    abstract = True

    def on_start(self):
        self.client.headers.update(BROWSER_HEADERS)
        self.origin = "https://" + urlsplit(self.host).netloc

    def step(self, method: str, path: str, *, name: str | None = None, expect=(200,), check=None, **kwargs):
        """One request; a failure unless its status is one of `expect` and `check(response)` finds
        nothing wrong (it returns what is wrong). Redirects are not followed: a redirect that was not
        expected (to the login page, say) is an error too."""
        with self.client.request(
            method, path, name=name or path, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            cookies_as_over_tls(self.client)
            return judged(response, expect, check)

    def page(self, path: str, *, name: str | None = None):
        """A page a logged-in person reads: 200 and not the login form."""
        return self.step(
            "GET", path, name=name, check=lambda r: "the login form instead" if LOGIN_FORM in r.text else None
        )

    def form_headers(self, referer: str) -> dict:
        return {"Origin": self.origin, "Referer": self.origin + referer}

    def log_in(self, username: str, next_url: str, totp_account: dict | None = None) -> bool:
        """The login page, the password, then (officials) the authenticator's code, as a person does."""
        login = self.step("GET", "/accounts/login/")
        if login is None:
            return False
        fields = {
            "csrfmiddlewaretoken": csrf_of(login.text),
            "username": username,
            "password": PLAN["password"],
            "next": next_url,
        }
        answer = self.step(
            "POST", "/accounts/login/", expect=(302,), data=fields, headers=self.form_headers("/accounts/login/")
        )
        if answer is None:
            return False
        if totp_account is None:
            DONE["logins"] += 1
            return True
        path = "/accounts/two-factor/?" + urlencode({"next": next_url})
        form = self.step("GET", path, name="/accounts/two-factor/")
        if form is None:
            return False
        code = totp(bytes.fromhex(totp_account["totp_key"]), step=totp_account["step"], digits=totp_account["digits"])
        fields = {
            "csrfmiddlewaretoken": csrf_of(form.text),
            "otp_token": f"{code:0{totp_account['digits']}d}",
            "next": next_url,
        }
        verified = self.step(
            "POST",
            path,
            name="/accounts/two-factor/",
            expect=(302,),
            data=fields,
            headers=self.form_headers(path),
            check=lambda r: (
                None if r.headers.get("Location", "").endswith(next_url) else f"sent to {r.headers.get('Location')}"
            ),
        )
        if verified is None:
            return False
        DONE["logins_with_second_factor"] += 1
        return True


def csrf_of(html: str) -> str:
    found = CSRF_INPUT.search(html)
    return found.group(1) if found else ""


def take_account(environment, kind: str) -> dict:
    """A free account of this kind; none left is an error of the test (and the user stops)."""
    if FREE_ACCOUNTS[kind]:
        return FREE_ACCOUNTS[kind].pop()
    environment.events.request.fire(
        request_type="SETUP",
        name=f"{kind} account",
        response_time=0,
        response_length=0,
        exception=RuntimeError(f"no {kind} account left in the plan"),
        context={},
    )
    raise StopUser()


def give_back_account(user, kind: str) -> None:
    account = getattr(user, "account", None)
    if account is not None:
        FREE_ACCOUNTS[kind].append(account)
        user.account = None


# --- officials -----------------------------------------------------------------------------------------


class Official(Visitor):
    """A ministry, province or regency official: logs in with the second factor, then reads the
    dashboard and the lists of their jurisdiction."""

    weight = 3
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.account = take_account(self.environment, "official")
        self.samples = PLAN["official_samples"]
        if not self.log_in(self.account["username"], "/dasbor/", totp_account=self.account):
            raise StopUser()

    def on_stop(self):
        give_back_account(self, "official")

    @task(3)
    def dashboard(self):
        area = self.account["area"]
        self.page(f"/dasbor/?area={area}" if area else "/dasbor/", name="/dasbor/")

    @task(1)
    def home(self):
        self.page("/")

    @task(2)
    def workers(self):
        self.page(random.choice(["/rekrutmen/pekerja/", "/rekrutmen/pekerja/?page=2"]), name="/rekrutmen/pekerja/")

    @task(2)
    def placements(self):
        self.page(random.choice(["/penempatan/", "/penempatan/?stage=9", "/penempatan/?stage=1"]), name="/penempatan/")

    @task(1)
    def job_orders(self):
        self.page("/rekrutmen/lowongan/")

    @task(1)
    def companies(self):
        self.page("/perusahaan/")

    @task(1)
    def village_reports(self):
        self.page("/laporan-desa/")

    @task(1)
    def red_flags(self):
        """The red flags' overview, then the queue: its bare address sends the browser on to the
        queue's default filters."""
        self.page("/pengawasan/")
        bare = self.step("GET", "/pengawasan/antrean/", expect=(302,))
        if bare is not None:
            self.page(bare.headers["Location"], name="/pengawasan/antrean/?(default filters)")

    @task(1)
    def worker(self):
        if self.samples["worker_ids"]:
            self.page(
                f"/rekrutmen/pekerja/{random.choice(self.samples['worker_ids'])}/", name="/rekrutmen/pekerja/[id]/"
            )

    @task(1)
    def placement(self):
        if self.samples["placement_ids"]:
            self.page(f"/penempatan/{random.choice(self.samples['placement_ids'])}/", name="/penempatan/[id]/")


# --- companies, through the API --------------------------------------------------------------------


class Company(HttpUser):
    """A company's system on the partner API with its read-write key: registers candidates and takes
    each through application, selection, placement and the next stage, every POST with an
    Idempotency-Key (some sent twice, as after a lost answer); and reads its lists."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.company = next(COMPANIES)
        self.client.headers.update(
            {
                "Authorization": f"Bearer {self.company['key']}",
                "Accept": "application/json",
                "Accept-Language": "en",
                "X-Forwarded-Proto": "https",  # as the TLS proxy in front of gunicorn says
            }
        )
        self.today = date.fromisoformat(PLAN["today"])

    def call(self, method: str, path: str, *, name: str, expect=(200,), check=None, headers=None, **kwargs):
        note_api_client(f"key-{self.company['agency_id']}")
        with self.client.request(
            method, path, name=name, catch_response=True, allow_redirects=False, headers=headers, **kwargs
        ) as response:
            return judged(response, expect, check)

    def post(
        self, path: str, body: dict, *, name: str, expect=(201,), key: str | None = None, headers=None, check=None
    ):
        sent = {"Idempotency-Key": key or str(uuid.uuid4()), **(headers or {})}
        return self.call("POST", path, name=name, expect=expect, json=body, headers=sent, check=check)

    def identity(self, village: str) -> dict:
        spec = PLAN["identity"]
        index = next(IDENTITIES)
        birth = date.fromisoformat(spec["birth_base"]) + timedelta(days=index // spec["serials"])
        sex = "F" if index % 2 == 0 else "M"
        serial = spec["serial_base"] + index % spec["serials"]
        names = PLAN["names"]
        given = random.choice(names["women"] if sex == "F" else names["men"])
        return {
            "nik": compose_nik(district_code=village.rsplit(".", 1)[0], birth_date=birth, sex=sex, serial=serial),
            "full_name": f"{given} {random.choice(names['families'])}",
            "sex": sex,
            "birth_date": birth.isoformat(),
            "birth_place": "Mataram",
            "village": village,
            "education": "sma",
            "marital_status": "single",
            "next_of_kin_name": f"{random.choice(names['women'])} {random.choice(names['families'])}",
            "next_of_kin_relation": "ibu",
            "phone": f"0812{random.randint(10_000_000, 99_999_999)}",
            "family_consent_on": (self.today - timedelta(days=7)).isoformat(),
            "consent_on": (self.today - timedelta(days=6)).isoformat(),
        }

    @task(3)
    def candidate_to_placement(self):
        slots = SLOTS[self.company["agency_id"]]
        if not slots:  # every free place of the company is held by another flow
            DONE["flows_without_free_place"] += 1
            self.placements()
            return
        job_order = slots.pop(random.randrange(len(slots)))
        try:
            self.flow(job_order)
        finally:
            slots.append(job_order)

    def flow(self, job_order: dict) -> None:
        body, key = self.identity(random.choice(job_order["villages"])), str(uuid.uuid4())
        worker = self.post("/api/v1/workers/", body, name="/api/v1/workers/", key=key)
        if worker is None:
            return
        worker_id = worker.json()["id"]
        if random.random() < 0.2:  # the answer was lost: the same request again gets the same answer
            replay = self.post(
                "/api/v1/workers/",
                body,
                name="/api/v1/workers/ (replay)",
                key=key,
                check=lambda r: (
                    None
                    if r.headers.get("Idempotent-Replayed") == "true" and r.json()["id"] == worker_id
                    else "not the first answer replayed"
                ),
            )
            if replay is None:
                return
            DONE["api_replays"] += 1
        application = self.post(
            "/api/v1/applications/",
            {"worker": worker_id, "job_order": job_order["id"], "applied_on": self.today.isoformat()},
            name="/api/v1/applications/",
        )
        if application is None:
            return
        application_id = application.json()["id"]
        decided = self.post(
            f"/api/v1/applications/{application_id}/decide/",
            {"selected": True, "notes": "Lulus wawancara."},
            name="/api/v1/applications/[id]/decide/",
            expect=(200,),
        )
        if decided is None:
            return
        placement = self.post("/api/v1/placements/", {"application": application_id}, name="/api/v1/placements/")
        if placement is None:
            return
        placement_id = placement.json()["id"]
        advanced = self.post(
            f"/api/v1/placements/{placement_id}/advance/",
            {"to_stage": 2, "reason": "Lulus seleksi"},
            name="/api/v1/placements/[id]/advance/",
            expect=(200,),
            headers={"If-Match": placement.headers.get("ETag", "")},
            check=lambda r: None if r.json()["stage"] == 2 else f"stage {r.json()['stage']}",
        )
        if advanced is None:
            return
        read = self.call("GET", f"/api/v1/placements/{placement_id}/", name="/api/v1/placements/[id]/")
        if read is None:
            return
        cancelled = self.post(
            f"/api/v1/placements/{placement_id}/cancel/",
            {"reason": "Calon pekerja mengundurkan diri sebelum pemeriksaan kesehatan."},
            name="/api/v1/placements/[id]/cancel/",
            expect=(200,),
            headers={"If-Match": read.headers.get("ETag", "")},
        )
        if cancelled is not None:
            DONE["placements_created_advanced_cancelled"] += 1

    @task(2)
    def placements(self):
        self.call("GET", "/api/v1/placements/?page_size=50", name="/api/v1/placements/?page_size=50")

    @task(1)
    def workers(self):
        self.call("GET", "/api/v1/workers/?page_size=50", name="/api/v1/workers/?page_size=50")

    @task(1)
    def placement(self):
        if self.company["placement_ids"]:
            placement_id = random.choice(self.company["placement_ids"])
            self.call("GET", f"/api/v1/placements/{placement_id}/", name="/api/v1/placements/[id]/")

    @task(1)
    def job_orders(self):
        self.call("GET", "/api/v1/job-orders/?status=published", name="/api/v1/job-orders/?status=published")


# --- the public -------------------------------------------------------------------------------------------


class Public(Visitor):
    """Someone thinking of working abroad: the vacancy board, checks of a company and of a job
    order, the safe-migration page. No login."""

    weight = 4
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.data = PLAN["public"]

    @task(3)
    def vacancies(self):
        self.step("GET", "/lowongan/")

    @task(2)
    def vacancies_near_me(self):
        self.step("GET", "/lowongan/?" + urlencode({"area": random.choice(self.data["areas"])}), name="/lowongan/?area")

    @task(1)
    def vacancies_by_country(self):
        query = {"country": random.choice(self.data["countries"]), "sort": random.choice(["salary", "quota", "newest"])}
        self.step("GET", "/lowongan/?" + urlencode(query), name="/lowongan/?country&sort")

    @task(1)
    def vacancies_page_two(self):
        self.step("GET", "/lowongan/?page=2", name="/lowongan/?page")

    @task(2)
    def company_search(self):
        if self.data["company_words"]:
            word = random.choice(self.data["company_words"])
            self.step("GET", "/cek/perusahaan/?" + urlencode({"q": word}), name="/cek/perusahaan/?q")

    @task(2)
    def company_check(self):
        self.step("GET", f"/cek/perusahaan/{random.choice(self.data['company_ids'])}/", name="/cek/perusahaan/[id]/")

    @task(1)
    def job_order_search(self):
        if self.data["job_order_references"]:
            number = random.choice(self.data["job_order_references"])
            # One job order found: its page (a redirect); a reference shared by several: the list.
            self.step(
                "GET", "/cek/lowongan/?" + urlencode({"nomor": number}), name="/cek/lowongan/?nomor", expect=(200, 302)
            )

    @task(2)
    def job_order_check(self):
        self.step("GET", f"/cek/lowongan/{random.choice(self.data['job_order_ids'])}/", name="/cek/lowongan/[id]/")

    @task(1)
    def safe_migration(self):
        self.step("GET", "/informasi/")

    @task(1)
    def login_page(self):
        """The trivial page of the mix (the floor the report compares with)."""
        self.step("GET", "/accounts/login/")


# --- village officers --------------------------------------------------------------------------------------


class VillageOfficer(Visitor):
    """A village officer's phone: logs in, opens the village home, and syncs its outbox when the
    signal comes: a few entries at a time, each with its client_id; sometimes an entry again (the
    answer was lost), which must come back as a replay."""

    weight = 2
    wait_time = between(3, 8)

    def on_start(self):
        super().on_start()
        self.account = take_account(self.environment, "village officer")
        # The phone's outbox goes with the account: what was sent stays sent.
        self.account.setdefault("next_entry", 0)
        self.account.setdefault("sent", [])
        if not self.log_in(self.account["username"], "/desa/"):
            raise StopUser()
        self.token = ""
        self.home()
        if not self.token:
            raise StopUser()
        self.sync()  # opening the app with a signal sends what the outbox holds

    def on_stop(self):
        give_back_account(self, "village officer")

    @task(2)
    def home(self):
        page = self.page("/desa/")
        if page is not None:
            found = CSRF_META.search(page.text)
            self.token = found.group(1) if found else self.client.cookies.get("csrftoken", "")

    @task(1)
    def outbox_page(self):
        self.page("/desa/kotak-keluar/")

    def send(self, entry: dict, *, replay: bool):
        note_api_client(f"user-{self.account['username']}")
        headers = {
            "Accept": "application/json",
            "X-CSRFToken": self.token,
            **self.form_headers("/desa/kotak-keluar/"),
        }
        return self.step(
            "POST",
            "/api/v1/village-reports/",
            name="/api/v1/village-reports/ (replay)" if replay else "/api/v1/village-reports/",
            expect=(200,) if replay else (201,),
            json=entry,
            headers=headers,
            check=(lambda r: None if r.headers.get("Idempotent-Replayed") == "true" else "not replayed")
            if replay
            else None,
        )

    @task(4)
    def sync(self):
        account = self.account
        for _ in range(random.randint(1, 5)):
            if account["next_entry"] >= len(account["entries"]):
                DONE["village_outbox_empty"] += 1
                return
            entry = account["entries"][account["next_entry"]]
            if self.send(entry, replay=False) is None:
                return  # the phone keeps it for the next sync
            account["next_entry"] += 1
            account["sent"].append(entry)
            DONE["village_entries_sent"] += 1

    @task(1)
    def resend(self):
        sent = self.account["sent"]
        if sent and self.send(random.choice(sent), replay=True) is not None:
            DONE["village_entries_replayed"] += 1
