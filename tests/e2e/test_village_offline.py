"""A village officer on a cheap phone with JavaScript on and a signal that comes and goes (issue 13,
point 2): the pages open from the phone's cache after one visit, entries written with no signal
wait in the phone's outbox (surviving a closed page), and are sent once when the signal returns;
what the server refuses comes back to "Needs fixing" with its message; a change made on two phones
shows both versions to choose from; a photo is shrunk on the phone before it is queued.

The phone is 360x740, in English (the language switcher's cookie); every page it loads gets the
page checks of the other browser tests (tests/e2e/conftest.py).
"""

from __future__ import annotations

import re
import struct
import zlib
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.nik import compose_nik
from core.roles import Role
from tests.e2e.conftest import PAGE_CHECKS, SCREENSHOTS, checked_pages
from tests.factories import TEST_PASSWORD, UserFactory
from villages.models import Village, VillageReport

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser tests are skipped (conftest.py)
    PlaywrightError = Exception

TANJUNG_LUAR = "52.03.01.2001"
BAD_NIK = "9999015204980001"  # 16 digits, but district 99.99.01 does not exist

# The phone's outbox as the page keeps it (IndexedDB), read and written from the test.
READ_OUTBOX = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("siskop2mi-village", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction("outbox").objectStore("outbox").getAll();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
    request.onerror = () => reject(request.error);
  };
})"""
PUT_OUTBOX = """(entries) => new Promise((resolve, reject) => {
  const open = indexedDB.open("siskop2mi-village", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("outbox", "readwrite");
    entries.forEach((entry) => tx.objectStore("outbox").put(entry));
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
})"""


class Phone:
    """A phone's browser: one context (its cache, its IndexedDB), tabs opened and closed in it."""

    def __init__(self, context):
        self.context = context
        self.findings: list[dict] = []
        self.tab = None

    def open(self):
        if self.tab is not None:
            self.close_tab()
        self.tab = self.context.new_page()
        return self.tab

    def close_tab(self):
        self.findings += checked_pages(self.tab)
        self.tab.close()
        self.tab = None


@pytest.fixture
def phone(browser, live_server, e2e_db):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        service_workers="allow",
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    context.add_init_script(PAGE_CHECKS)
    context.set_default_timeout(15_000)
    device = Phone(context)
    device.open()
    yield device
    try:
        if device.tab is not None:
            device.close_tab()
    finally:
        context.close()
    failures = [f"{p['url']} at {p['width']} px: {problem}" for p in device.findings for problem in p["problems"]]
    assert not failures, "Pages that do not read well:\n" + "\n".join(failures)


@pytest.fixture
def officer(e2e_db):
    return UserFactory(
        username="desa.tanjungluar",
        role=Role.VILLAGE_OFFICER,
        village=Village.objects.get(code=TANJUNG_LUAR),
        full_name="Lalu Kadus",
    )


def log_in_and_install(tab, user) -> None:
    """Log in, open the village home once with a signal: the service worker installs and keeps the pages."""
    tab.goto("/accounts/login/")
    tab.get_by_label("Username").fill(user.username)
    tab.get_by_label("Password").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(re.compile(r"/desa/$"))
    assert tab.evaluate("() => navigator.serviceWorker.ready.then((registration) => registration.scope)").endswith(
        "/desa/"
    )
    # The worker took the page over (clients.claim) and the pages are kept.
    tab.wait_for_function("() => navigator.serviceWorker.controller !== null")
    tab.wait_for_function(
        """() => caches.keys()
             .then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys()))))
             .then((lists) => lists.flat().some((request) => request.url.endsWith("/desa/kotak-keluar/")))"""
    )


def snap(tab, step: str) -> None:
    """A full-page screenshot of this step, beside the other browser tests' (var/e2e-screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"village-offline-phone-{step}.png"), full_page=True)


def wait_for_counts(tab, *, waiting: int, fix: int) -> None:
    tab.wait_for_function(
        """([waiting, fix]) => {
          const count = (which) => {
            const node = document.querySelector(`#outbox-bar [data-count="${which}"] strong`);
            return node ? parseInt(node.textContent, 10) : 0;
          };
          return document.documentElement.dataset.outboxReady === "true"
            && count("waiting") === waiting && count("fix") === fix;
        }""",
        arg=[waiting, fix],
    )


def submit(tab) -> None:
    tab.locator("form[data-village-form] button[type=submit]").click()
    tab.wait_for_url(re.compile(r"/desa/$"))


def fill_departure(tab, *, name: str, on: date) -> None:
    tab.goto("/desa/lapor/keberangkatan/")
    tab.locator("[name=person_name]").fill(name)
    tab.locator("[name=occurred_on]").fill(on.isoformat())
    tab.locator("[name=details]").fill("Left on the early bus to Mataram with a man from outside the village.")
    submit(tab)


def fill_broker(tab, *, on: date) -> None:
    tab.goto("/desa/lapor/calo/")
    tab.locator("[name=broker_name]").fill("Pak Amir")
    tab.locator("[name=broker_nickname]").fill("Amir Tekong")
    phones = tab.locator("[name=broker_phones]")
    phones.nth(0).fill("0812-3456-7890")
    phones.nth(1).fill("+62 813 1111 2222")
    tab.locator("[name=occurred_on]").fill(on.isoformat())
    tab.locator("[name=seen_at_place]").fill("The mosque's yard")
    tab.locator("[name=claimed_company]").fill("PT Maju Jaya")
    submit(tab)


def fill_intent(tab, *, nik: str, birth_date: date, sex: str, photo: str | None = None) -> None:
    today = timezone.localdate()
    tab.goto("/desa/lapor/niat/")
    tab.locator("[name=nik]").fill(nik)
    tab.locator("[name=full_name]").fill("Baiq Nurul")
    tab.locator("[name=birth_date]").fill(birth_date.isoformat())
    tab.locator("[name=sex]").select_option(sex)
    tab.locator("[name=birth_place]").fill("Selong")
    tab.locator("[name=education]").select_option("sma")
    tab.locator("[name=marital_status]").select_option("single")
    tab.locator("[name=hoped_work]").fill("Factory worker")
    tab.locator("[name=consenter_name]").fill("Inaq Saenah")
    tab.locator("[name=consent_relation]").select_option("parent")
    tab.locator("[name=consent_given_on]").fill((today - timedelta(days=3)).isoformat())
    if photo:
        tab.locator("[name=consent_letter]").set_input_files(photo)
    submit(tab)


def test_entries_written_offline_are_sent_once_and_a_refused_one_comes_back_to_fix(phone, officer):
    tab = phone.tab
    today = timezone.localdate()
    before = VillageReport.objects.count()
    log_in_and_install(tab, officer)

    phone.context.set_offline(True)
    # Really offline, service worker included: a page never visited does not open...
    probe = phone.context.new_page()
    with pytest.raises(PlaywrightError):
        probe.goto("/desa/laporan/999999/ubah/")
    probe.close()
    # ...while the kept ones do.
    fill_departure(tab, name="Halimah", on=today - timedelta(days=1))
    tab.get_by_text("Saved on the phone; it will be sent.").wait_for()
    wait_for_counts(tab, waiting=1, fix=0)
    fill_broker(tab, on=today)
    fill_intent(tab, nik=BAD_NIK, birth_date=date(1998, 4, 12), sex="F")
    wait_for_counts(tab, waiting=3, fix=0)

    # The browser is closed and opened again, still with no signal: the outbox kept all three.
    phone.close_tab()
    tab = phone.open()
    tab.goto("/desa/")
    tab.get_by_role("heading", name="Tanjung Luar").wait_for()
    wait_for_counts(tab, waiting=3, fix=0)
    snap(tab, "reopened-offline")
    kept = tab.evaluate(READ_OUTBOX)
    assert VillageReport.objects.count() == before  # nothing reached the server

    # "Send now" with no signal says so and keeps everything; when the signal returns the page
    # sends the outbox by itself (the "online" event).
    tab.get_by_role("button", name="Send now").click()
    tab.locator("#outbox-bar").get_by_text("No connection").wait_for()
    wait_for_counts(tab, waiting=3, fix=0)
    phone.context.set_offline(False)
    wait_for_counts(tab, waiting=0, fix=1)
    assert VillageReport.objects.count() == before + 2
    assert set(VillageReport.objects.values_list("kind", flat=True)[before:] or []) <= {
        "departure_seen",
        "suspected_recruiter",
    }
    assert VillageReport.objects.filter(person_name="Halimah", kind="departure_seen").count() == 1
    # The phone's cache kept pages and static files, never an answer of the API.
    kept_urls = tab.evaluate(
        """() => caches.keys()
             .then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys()))))
             .then((lists) => lists.flat().map((request) => new URL(request.url).pathname))"""
    )
    assert "/desa/" in kept_urls and "/static/js/village-offline.js" in kept_urls
    assert not [url for url in kept_urls if url.startswith("/api/")]
    broker = VillageReport.objects.get(kind="suspected_recruiter", broker_name="Pak Amir")
    assert broker.broker_phones == ["081234567890", "081311112222"]
    assert {str(r.client_id) for r in VillageReport.objects.all()} >= {
        e["data"]["client_id"] for e in kept if e["data"]["kind"] != "intent"
    }

    # The refused one waits in "Needs fixing" with the server's message about the NIK.
    tab.locator("#outbox-bar").get_by_role("link", name=re.compile("Needs fixing")).click()
    tab.wait_for_url(re.compile(r"/desa/kotak-keluar/$"))
    refused = tab.locator('#outbox-fix .outbox-entry[data-state="fix"]')
    refused.wait_for()
    assert refused.count() == 1
    snap(tab, "needs-fixing")
    assert "are not an existing district" in refused.inner_text()
    assert "Baiq Nurul" in refused.inner_text()

    # Sent again (as a phone that never heard the answer would): the server keeps one row each.
    sent_again = [entry for entry in kept if entry["data"]["kind"] != "intent"]
    tab.evaluate(PUT_OUTBOX, sent_again)
    tab.goto("/desa/")
    wait_for_counts(tab, waiting=0, fix=1)
    assert VillageReport.objects.count() == before + 2

    # The officer fixes the NIK from the outbox and sends it again: it is saved, the list is empty.
    tab.goto("/desa/kotak-keluar/")
    tab.locator('#outbox-fix [data-action="fix"]').click()
    tab.wait_for_url(re.compile(r"/desa/lapor/niat/#perbaiki-"))
    tab.locator("#outbox-fixing").wait_for()
    snap(tab, "fixing")
    assert "are not an existing district" in tab.locator("#outbox-fixing").inner_text()
    assert tab.locator("[name=full_name]").input_value() == "Baiq Nurul"
    assert tab.locator("[name=consent_relation]").input_value() == "parent"
    good_birth = date(1998, 4, 12)
    tab.locator("[name=nik]").fill(compose_nik(district_code="520301", birth_date=good_birth, sex="F", serial=7))
    submit(tab)
    wait_for_counts(tab, waiting=0, fix=0)
    assert VillageReport.objects.count() == before + 3
    assert VillageReport.objects.filter(kind="intent").count() == 1


def _big_photo(path) -> str:
    """A 3000x2000 PNG like a photo of a letter (paper, lines of ink, some grain): about 2 MB."""
    width, height = 3000, 2000
    rows = bytearray()
    seed = 12345
    for y in range(height):
        rows.append(0)
        ink = (y // 40) % 3 == 0 and (y % 40) < 6
        line = bytearray()
        for x in range(width):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            grain = (seed >> 16) & 0x1F
            base = 70 if ink and 200 < x < 2800 else 235 - (x * 20) // width
            value = max(0, min(255, base + grain - 16))
            line += bytes((value, value, max(0, value - 10)))
        rows += line
    raw = bytes(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return str(path)


def test_a_photo_of_the_consent_letter_is_shrunk_on_the_phone_before_it_is_queued(phone, officer, tmp_path):
    tab = phone.tab
    photo = _big_photo(tmp_path / "letter.png")
    size = (tmp_path / "letter.png").stat().st_size
    assert size > 1_000_000
    log_in_and_install(tab, officer)

    phone.context.set_offline(True)
    birth = date(1999, 6, 3)
    fill_intent(tab, nik=compose_nik(district_code="520301", birth_date=birth, sex="F", serial=9), birth_date=birth,
                sex="F", photo=photo)  # fmt: skip
    entries = tab.evaluate(READ_OUTBOX)
    assert len(entries) == 1
    letter = entries[0]["data"]["consent_letter"]
    assert letter.startswith("data:image/jpeg;base64,")
    queued = len(letter.split(",", 1)[1]) * 3 // 4
    assert queued < 100 * 1024, f"{queued} bytes queued for a {size}-byte photo"
    side = tab.evaluate(
        """(url) => new Promise((resolve) => { const image = new Image();
             image.onload = () => resolve(Math.max(image.naturalWidth, image.naturalHeight)); image.src = url; })""",
        letter,
    )
    assert side <= 1024

    # Back online, it reaches the server with its photo: the family's consent keeps the letter.
    phone.context.set_offline(False)  # the page sends its outbox when the signal returns
    wait_for_counts(tab, waiting=0, fix=0)
    report = VillageReport.objects.get(kind="intent")
    assert report.family_consent.letter
    assert report.family_consent.letter.size == len(__import__("base64").b64decode(letter.split(",", 1)[1]))


def test_a_report_changed_on_two_phones_shows_both_versions_and_the_officer_keeps_theirs(phone, officer):
    from villages.services import village_report_create, village_report_update

    tab = phone.tab
    today = timezone.localdate()
    report = village_report_create(
        actor=officer,
        village=officer.village,
        kind="departure_seen",
        occurred_on=today - timedelta(days=2),
        person_name="Halimah",
        details="Seen leaving at dawn.",
    )
    log_in_and_install(tab, officer)
    tab.goto(f"/desa/laporan/{report.pk}/ubah/")  # the copy of version 1, kept on this phone

    phone.context.set_offline(True)
    tab.locator("[name=details]").fill("Seen leaving at dawn with Pak Amir's car (white Avanza).")
    submit(tab)
    wait_for_counts(tab, waiting=1, fix=0)

    # Meanwhile a colleague's phone, on its own copy of version 1, sent its change first.
    colleague = UserFactory(username="desa.tanjungluar.2", role=Role.VILLAGE_OFFICER, village=officer.village)
    village_report_update(
        actor=colleague, report_id=report.pk, base_version=1, details="Seen leaving at dawn on the bus."
    )

    phone.context.set_offline(False)
    wait_for_counts(tab, waiting=0, fix=1)
    report.refresh_from_db()
    assert report.version == 2 and report.details == "Seen leaving at dawn on the bus."  # nothing overwritten

    tab.goto("/desa/kotak-keluar/")
    conflict = tab.locator('#outbox-conflict .outbox-entry[data-state="conflict"]')
    conflict.wait_for()
    mine = conflict.locator('tr.table-warning td[data-version="mine"]')
    theirs = conflict.locator('tr.table-warning td[data-version="theirs"]')
    assert mine.inner_text() == "Seen leaving at dawn with Pak Amir's car (white Avanza)."
    assert theirs.inner_text() == "Seen leaving at dawn on the bus."
    assert "Saved version (2)" in conflict.inner_text()
    snap(tab, "conflict")

    conflict.get_by_role("button", name="Save my version").click()
    tab.locator('#outbox-conflict [data-state="conflict"]').wait_for(state="detached")
    wait_for_counts(tab, waiting=0, fix=0)
    report.refresh_from_db()
    assert report.version == 3
    assert report.details == "Seen leaving at dawn with Pak Amir's car (white Avanza)."


def test_an_entry_kept_while_the_session_has_ended_is_sent_after_logging_in_again(phone, officer, live_server):
    tab = phone.tab
    today = timezone.localdate()
    before = VillageReport.objects.count()
    log_in_and_install(tab, officer)

    phone.context.set_offline(True)
    fill_departure(tab, name="Halimah", on=today)
    wait_for_counts(tab, waiting=1, fix=0)
    # The session ends while the phone has no signal (8 hours in the field, or a logout elsewhere).
    phone.context.clear_cookies()
    phone.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])

    phone.context.set_offline(False)
    login = tab.locator('#outbox-bar [data-notice="login"]')
    login.wait_for()
    assert login.inner_text() == "Log in again to send"
    wait_for_counts(tab, waiting=1, fix=0)  # kept, not dropped
    assert VillageReport.objects.count() == before

    login.click()
    tab.get_by_label("Username").fill(officer.username)
    tab.get_by_label("Password").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(re.compile(r"/desa/$"))
    wait_for_counts(tab, waiting=0, fix=0)
    assert VillageReport.objects.filter(person_name="Halimah").count() == 1


def fill_complaint(tab, *, description: str) -> None:
    tab.goto("/desa/")
    tab.get_by_role("link", name="A complaint of a family").click()
    tab.wait_for_url(re.compile(r"/desa/lapor/pengaduan/$"))
    tab.locator("[name=category]").select_option("documents_held")
    tab.locator("[name=description]").fill(description)
    tab.locator("[name=country]").select_option("MY")
    tab.get_by_label("A child (under 18) is involved").check()
    tab.locator("[name=worker_name]").fill("Baiq Nurul")
    tab.locator("[name=complainant_name]").fill("Inaq Saenah")
    tab.locator("[name=complainant_phone]").fill("081900002222")
    tab.locator("[name=complainant_relation]").select_option("family")
    submit(tab)


def test_a_complaint_written_offline_is_filed_once_when_the_signal_returns(phone, officer):
    """Issue 14, point 1: the family came to the village office with no signal; the complaint
    waits on the phone, goes to the complaints' API when online, and the SMS carries the secret."""
    from complaints.models import Complaint
    from complaints.services import complaint_for_code
    from core.models import OutboundMessage

    tab = phone.tab
    log_in_and_install(tab, officer)

    phone.context.set_offline(True)
    fill_complaint(tab, description="Her passport is held by the employer in Kuala Lumpur.")
    wait_for_counts(tab, waiting=1, fix=0)
    fill_complaint(tab, description="Passport")  # too short: the server refuses it
    wait_for_counts(tab, waiting=2, fix=0)
    kept = tab.evaluate(READ_OUTBOX)
    assert {entry["apiUrl"] for entry in kept} == {"/api/v1/village-complaints/"}
    assert all("kind" not in entry["data"] for entry in kept)
    assert not Complaint.objects.exists()

    phone.context.set_offline(False)
    wait_for_counts(tab, waiting=0, fix=1)
    complaint = Complaint.objects.get()
    good = next(entry for entry in kept if entry["data"]["description"].startswith("Her passport"))
    assert (complaint.channel, str(complaint.client_id), complaint.involves_minor, complaint.priority) == (
        "village",
        good["data"]["client_id"],
        True,
        "urgent",
    )
    sms = OutboundMessage.objects.get(channel="sms", recipient="081900002222").body
    secret = sms.split("secret ", 1)[1].split(":", 1)[0]
    assert complaint.tracking_code in sms and complaint_for_code(complaint.tracking_code, secret) == complaint

    # Sent again, as a phone that never heard the answer would: still one complaint.
    tab.evaluate(PUT_OUTBOX, [good])
    tab.goto("/desa/")
    wait_for_counts(tab, waiting=0, fix=1)
    assert Complaint.objects.count() == 1
    # The village home lists it, so the officer can tell the family its code.
    tab.get_by_text(complaint.tracking_code).wait_for()

    # The refused one is fixed on its own form and sent to the complaints' API again.
    tab.goto("/desa/kotak-keluar/")
    tab.locator('#outbox-fix [data-action="fix"]').click()
    tab.wait_for_url(re.compile(r"/desa/lapor/pengaduan/#perbaiki-"))
    tab.locator("#outbox-fixing").wait_for()
    assert "at least 10 letters" in tab.locator("#outbox-fixing").inner_text()
    assert tab.locator("[name=complainant_name]").input_value() == "Inaq Saenah"
    assert tab.get_by_label("A child (under 18) is involved").is_checked()
    snap(tab, "complaint-fixing")
    tab.locator("[name=description]").fill("His passport is held too, by the same agent in Johor.")
    submit(tab)
    wait_for_counts(tab, waiting=0, fix=0)
    assert Complaint.objects.count() == 2
