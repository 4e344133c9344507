"""The public's complaint pages (issue 14): a person with no account files a complaint on a
phone-sized form, gets a code and a secret once, and follows the complaint with them. Scripts are
kept out by a honeypot, a signed time stamp and a budget per address; the tracking page shows
nothing personal, and a wrong code or secret is the same 404."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint, ComplaintAttachment
from complaints.services import complaint_file, complaint_refer, complaint_transition, referral_answer
from core.models import OutboundMessage
from core.roles import Role
from public.guard import make_stamp
from public.views import OPENED_KEY
from tests.factories import UserFactory
from tests.placement.journey import nik_for

pytestmark = pytest.mark.django_db

NEW = reverse("public:complaint_new")
FILED = reverse("public:complaint_filed")
TRACK = reverse("public:complaint_track")
ADD = reverse("public:complaint_add_information")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def fresh_budgets():
    """Each test starts with every address's budget unspent (this run's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def complaint_officer(db):
    from villages.models import Province

    return UserFactory(
        username="pengaduan.ntb",
        full_name="Baiq Petugas Pengaduan",
        role=Role.COMPLAINT_OFFICER,
        province=Province.objects.get(code="52"),
    )


def form_data(**overrides) -> dict:
    """What a person types, with a form drawn ten seconds ago."""
    data = {
        "stamp": make_stamp(time.time() - 10),
        "website": "",
        "category": "unpaid_wages",
        "description": "Gaji adik saya tidak dibayar selama tiga bulan di Johor.",
        "occurred_on": "",
        "worker_name": "Siti Aminah",
        "worker_nik": "",
        "area_code": "52.03",
        "country": "MY",
        "complainant_name": "Lalu Ahmad",
        "complainant_phone": "081900001111",
        "complainant_email": "ahmad@example.id",
        "complainant_relation": "family",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_is_open_to_anyone_and_carries_its_bot_checks(client):
    response = client.get(NEW)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="stamp"' in body and 'name="csrfmiddlewaretoken"' in body
    trap = re.search(r'<div class="public-trap" aria-hidden="true">.*?</div>', body, re.S).group(0)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "<optgroup" in body and "Lombok Timur" in body  # regencies grouped by province
    assert "Sampaikan pengaduan" in body and "Lacak pengaduan" in body  # the menu of anyone without an account


def test_a_person_files_a_named_complaint_and_sees_the_code_and_the_secret_once(client):
    response = client.post(NEW, form_data(attachment_1=SimpleUploadedFile("slip.png", PNG, "image/png")))

    assert response.status_code == 302 and response.url == FILED
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.complainant_name, complaint.country_id) == ("web", "Lalu Ahmad", "MY")
    assert (complaint.area_code, complaint.complainant_relation, complaint.filed_by) == ("52.03", "family", None)
    assert complaint.attachments.count() == 1
    page = client.get(FILED)
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Simpan kode ini" in body and complaint.tracking_code in body
    secret = re.search(r'data-testid="secret">(\w+)<', body).group(1)
    assert len(secret) == 12 and secret not in complaint.secret_hash
    queued = OutboundMessage.objects.filter(about=f"complaint:{complaint.pk}")
    assert sorted(queued.values_list("channel", "recipient")) == [
        ("email", "ahmad@example.id"),
        ("sms", "081900001111"),
    ]
    assert all(secret not in message.body for message in queued)
    again = client.get(FILED)  # shown once: a reload finds it gone
    assert again.status_code == 302 and again.url == TRACK
    assert secret not in client.get(TRACK).content.decode()


def test_an_anonymous_complaint_keeps_no_name_phone_or_e_mail(client):
    response = client.post(NEW, form_data(anonymous="on", identity_shared_with_company="on"))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.anonymous
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_email) == ("", "", "")
    assert not complaint.identity_shared_with_company
    assert not OutboundMessage.objects.filter(about=f"complaint:{complaint.pk}").exists()
    assert complaint.tracking_code in client.get(FILED).content.decode()


def test_a_signed_in_user_may_file_through_the_web_too(client, village_officer):
    client.force_login(village_officer)

    assert client.post(NEW, form_data()).status_code == 302
    assert Complaint.objects.get().filed_by == village_officer


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"description": "Gaji"}, "paling sedikit 10 huruf"),
        ({"category": ""}, None),
        ({"area_code": ""}, None),
        ({"area_code": "99.99"}, None),
        ({"worker_nik": "1234"}, None),
        ({"occurred_on": (date.today() + timedelta(days=3)).isoformat()}, None),
        ({"complainant_phone": "", "complainant_email": ""}, None),
        ({"complainant_email": "not-an-address"}, None),
        ({"attachment_1": SimpleUploadedFile("slip.pdf", b"just text, not a PDF", "application/pdf")}, None),
    ],
    ids=["short", "no-category", "no-regency", "unknown-regency", "bad-nik", "future", "no-contact", "bad-email",
         "fake-pdf"],
)  # fmt: skip
def test_bad_input_comes_back_with_its_message_and_writes_nothing(client, overrides, field_message):
    response = client.post(NEW, form_data(**overrides))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Pengaduan belum terkirim" in body and 'class="invalid-feedback d-block' in body
    if field_message:
        assert field_message in body
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_a_filled_honeypot_is_refused_and_writes_nothing(client):
    response = client.post(NEW, form_data(website="http://spam.example"))

    assert response.status_code == 400
    assert "Pengaduan tidak dapat dikirim" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_form_sent_at_once_or_a_day_later_is_refused_and_a_person_is_asked_to_send_again(client):
    drawn = client.get(NEW).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', drawn).group(1)

    too_fast = client.post(NEW, form_data(stamp=stamp))
    assert too_fast.status_code == 400
    body = too_fast.content.decode()
    assert "lebih cepat daripada yang dapat diisi manusia" in body
    assert "Lalu Ahmad" in body  # what they typed is still there
    stale = client.post(NEW, form_data(stamp=make_stamp(time.time() - 2 * 24 * 3600)))
    assert stale.status_code == 400 and "terlalu lama dibuka" in stale.content.decode()
    forged = client.post(NEW, form_data(stamp=str(time.time() - 60)))
    assert forged.status_code == 400
    assert not Complaint.objects.exists()


def test_the_form_needs_its_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert strict.post(NEW, form_data()).status_code == 403
    assert not Complaint.objects.exists()


def test_an_address_that_filed_its_hourly_budget_gets_429(client, settings):
    settings.PUBLIC_COMPLAINTS_PER_HOUR = 2

    assert client.post(NEW, form_data()).status_code == 302
    assert client.post(NEW, form_data()).status_code == 302
    refused = client.post(NEW, form_data())

    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Terlalu banyak pengaduan atau percobaan" in refused.content.decode()
    assert Complaint.objects.count() == 2
    # Another address has its own budget.
    assert client.post(NEW, form_data(), REMOTE_ADDR="10.20.30.40").status_code == 302


def test_behind_the_proxy_the_budget_counts_the_address_the_proxy_saw(client, settings):
    settings.PUBLIC_COMPLAINTS_PER_HOUR = 1
    settings.PUBLIC_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"

    assert client.post(NEW, form_data(), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5").status_code == 302
    # A forged first entry does not buy a new budget; the proxy's last entry decides.
    assert client.post(NEW, form_data(), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5").status_code == 429
    assert client.post(NEW, form_data(), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_script_attempts_spend_the_budget_too(client, settings):
    settings.PUBLIC_COMPLAINTS_PER_HOUR = 2

    client.post(NEW, form_data(website="x"))
    client.post(NEW, form_data(website="x"))

    assert client.post(NEW, form_data()).status_code == 429
    assert not Complaint.objects.exists()


# --- following a complaint ---------------------------------------------------------------


@pytest.fixture
def planted(complaint_officer, agency_a, agency_a_staff):
    """A complaint full of personal data, verified, referred to the company, which answered."""
    nik = nik_for(date(1998, 4, 12), "F")
    complaint, secret = complaint_file(
        actor=None,
        channel="web",
        category="unpaid_wages",
        description="Uraian rahasia: pabrik di Johor menahan upahnya.",
        area_code="52.03",
        complainant_name="Lalu Ahmad Zaini",
        complainant_phone="081977712345",
        complainant_email="zaini.rahasia@example.id",
        worker_name="Siti Aminah Binti Rahman",
        worker_nik=nik,
    )
    complaint_transition(
        actor=complaint_officer, complaint_id=complaint.pk, to_status="verified", note="Catatan internal petugas"
    )
    referral = complaint_refer(
        actor=complaint_officer, complaint_id=complaint.pk, target="company", agency=agency_a, note="Mohon jelaskan"
    )
    referral_answer(actor=agency_a_staff, referral_id=referral.pk, answer="Jawaban perusahaan: gaji ditransfer")
    complaint.refresh_from_db()
    return complaint, secret, nik


def open_complaint(client, code, secret):
    return client.post(TRACK, {"code": code, "secret": secret})


def test_the_right_code_and_secret_show_the_status_and_nothing_personal(client, planted, agency_a_staff):
    complaint, secret, nik = planted

    opened = open_complaint(client, complaint.tracking_code, secret)
    assert opened.status_code == 302 and opened.url == TRACK  # the code and secret never go in a URL
    page = client.get(TRACK)

    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert complaint.tracking_code in body and "Sedang berjalan" in body  # in progress, once referred
    assert "Langkah berikutnya" in body
    assert "Diselesaikan paling lambat" in body
    assert "Pengaduan diterima" in body and "Status: Terverifikasi" in body  # the public timeline
    for personal in (
        "Lalu Ahmad Zaini", "081977712345", "zaini.rahasia@example.id", "Siti Aminah", nik, nik[:6] + "*",
        complaint.complainant_name, agency_a_staff.full_name, "Baiq Petugas Pengaduan",
        "Jawaban perusahaan", "Catatan internal petugas", "Mohon jelaskan", "Uraian rahasia",
    ):  # fmt: skip
        assert personal not in body, personal


def test_the_code_may_be_typed_loosely(client, planted):
    complaint, secret, _nik = planted
    loose = complaint.tracking_code.removeprefix("ADU-").replace("-", " ").lower()

    assert open_complaint(client, loose, secret.lower()).status_code == 302
    assert complaint.tracking_code in client.get(TRACK).content.decode()


def _without_tokens(body: str) -> str:
    return re.sub(r'(value="|"X-CSRFToken": ")[A-Za-z0-9]{64}"', "TOKEN", body)


def test_a_wrong_secret_and_an_unknown_code_are_the_same_404(client, planted):
    complaint, secret, _nik = planted

    wrong_secret = open_complaint(client, complaint.tracking_code, "ABCDEFGHJKMN")
    unknown_code = open_complaint(client, "ADU-0000-0000", secret)

    assert wrong_secret.status_code == unknown_code.status_code == 404
    assert "Pengaduan tidak ditemukan" in wrong_secret.content.decode()
    assert _without_tokens(wrong_secret.content.decode()) == _without_tokens(unknown_code.content.decode())
    assert complaint.tracking_code not in wrong_secret.content.decode()
    assert OPENED_KEY not in client.session
    assert "Pengaduan Anda" not in client.get(TRACK).content.decode()  # still only the form


def test_guessing_codes_is_stopped_after_the_hourly_budget(client, planted, settings):
    settings.PUBLIC_TRACK_FAILURES_PER_HOUR = 2
    complaint, secret, _nik = planted

    assert open_complaint(client, complaint.tracking_code, "ABCDEFGHJKM1").status_code == 404
    assert open_complaint(client, complaint.tracking_code, "ABCDEFGHJKM2").status_code == 404
    refused = open_complaint(client, complaint.tracking_code, secret)

    assert refused.status_code == 429 and "Terlalu banyak" in refused.content.decode()
    assert OPENED_KEY not in client.session


def test_the_complainant_adds_information_without_the_secret_again(client, planted):
    complaint, secret, _nik = planted
    open_complaint(client, complaint.tracking_code, secret)

    added = client.post(
        ADD,
        {"text": "Majikan sekarang menahan paspornya juga.", "file": SimpleUploadedFile("p.png", PNG, "image/png")},
    )

    assert added.status_code == 302 and added.url == TRACK
    body = client.get(TRACK).content.decode()
    assert "Anda menambahkan informasi" in body and "Majikan sekarang menahan paspornya juga." in body
    assert "1 berkas dilampirkan" in body and "Terima kasih" in body
    assert complaint.attachments.count() == 1
    empty = client.post(ADD, {"text": ""})
    assert empty.status_code == 400 and "Tulis yang ingin Anda tambahkan" in empty.content.decode()


def test_without_an_opened_complaint_nothing_is_added(client, planted):
    complaint, secret, _nik = planted

    refused = client.post(ADD, {"text": "Informasi dari orang lain."})
    assert refused.status_code == 302 and refused.url == TRACK
    # Opened once, the complaint stays open for 30 minutes only.
    open_complaint(client, complaint.tracking_code, secret)
    session = client.session
    session[OPENED_KEY] = {**session[OPENED_KEY], "until": time.time() - 1}
    session.save()
    late = client.post(ADD, {"text": "Informasi terlambat."})

    assert late.status_code == 302
    assert not complaint.events.filter(kind="information_added").exists()
    assert "Pengaduan Anda" not in client.get(TRACK).content.decode()


def test_leaving_the_complaint_forgets_it_on_this_device(client, planted):
    complaint, secret, _nik = planted
    open_complaint(client, complaint.tracking_code, secret)

    client.post(reverse("public:complaint_track_close"))

    assert complaint.tracking_code not in client.get(TRACK).content.decode()


def test_a_closed_complaint_takes_no_more_information(client, planted, complaint_officer):
    complaint, secret, _nik = planted
    complaint_transition(actor=complaint_officer, complaint_id=complaint.pk, to_status="resolved", outcome="Dibayar")
    complaint_transition(actor=complaint_officer, complaint_id=complaint.pk, to_status="closed")
    open_complaint(client, complaint.tracking_code, secret)

    body = client.get(TRACK).content.decode()
    assert "Ditutup" in body and "Dibayar" in body and 'name="text"' not in body
    refused = client.post(ADD, {"text": "Masih ada yang kurang."})
    assert refused.status_code == 400
    assert not complaint.events.filter(kind="information_added").exists()


def test_the_pages_speak_english_when_chosen(english, planted):
    client = english
    complaint, secret, _nik = planted

    assert "File a complaint" in client.get(NEW).content.decode()
    bad = client.post(NEW, form_data(category=""))
    assert "Choose what the complaint is about." in bad.content.decode()
    open_complaint(client, complaint.tracking_code, secret)
    body = client.get(TRACK).content.decode()
    assert "Next step" in body and "In progress" in body and "To be resolved by" in body
    assert "Complaint not found" in open_complaint(client, "ADU-0000-0000", secret).content.decode()


def test_an_address_adding_too_often_gets_429(client, planted, settings):
    settings.PUBLIC_ADDITIONS_PER_HOUR = 1
    complaint, secret, _nik = planted
    open_complaint(client, complaint.tracking_code, secret)

    assert client.post(ADD, {"text": "Tambahan pertama."}).status_code == 302
    assert client.post(ADD, {"text": "Tambahan kedua."}).status_code == 429
    assert complaint.events.filter(kind="information_added").count() == 1


def test_an_officer_signed_in_opens_no_complaint_without_its_code_and_secret(client, planted, ministry_official):
    complaint, _secret, _nik = planted
    client.force_login(ministry_official)

    assert complaint.tracking_code not in client.get(TRACK).content.decode()
    refused = client.post(ADD, {"text": "Dari petugas."})
    assert refused.status_code == 302 and refused.url == TRACK
    assert open_complaint(client, complaint.tracking_code, "ABCDEFGHJKMN").status_code == 404
    assert not complaint.events.filter(kind="information_added").exists()
