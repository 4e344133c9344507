"""A complaint a family brings to the village office, sent by the officer's phone like a village
report (issue 14, point 1): one entry per request, identified by the id the phone made, so a
resend never files twice; the family gets the code and the secret by SMS, since nobody may be at
the screen when an entry written offline is finally sent."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.services import complaint_file, complaint_for_code
from core.models import OutboundMessage
from core.roles import Role
from tests.factories import UserFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

URL = "/api/v1/village-complaints/"
# Read when the module is collected: a day "in the future" is two days on, still ahead of the
# date in Indonesia if the run passes its midnight (17:00 UTC) before the test runs.
TODAY = timezone.localdate()
TANJUNG_LUAR = "52.03.01.2001"


def _phone(user, *, csrf: bool = False) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def phone(village_officer):
    return _phone(village_officer)


def entry(**overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "category": "unpaid_wages",
        "description": "Gaji Baiq Rohani tidak dibayar empat bulan di Johor.",
        "occurred_on": str(TODAY - timedelta(days=20)),
        "involves_minor": False,
        "worker_name": "Baiq Rohani",
        "country": "MY",
        "complainant_name": "Inaq Saenah",
        "complainant_phone": "081900002222",
        "complainant_relation": "family",
        "identity_shared_with_company": False,
        "recorded_at": timezone.now().isoformat(),
        **overrides,
    }


def test_a_complaint_sent_twice_is_filed_once(phone, village_officer):
    sent = entry()

    first = phone.post(URL, sent, format="json")
    again = phone.post(URL, sent, format="json")

    assert first.status_code == 201, first.content
    body = first.json()
    assert set(body) >= {"id", "client_id", "tracking_code", "status", "priority", "category", "filed_at"}
    assert (body["client_id"], body["status"], body["priority"], body["category"]) == (
        sent["client_id"],
        "received",
        "high",
        "unpaid_wages",
    )
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_code"] == body["tracking_code"]
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.area_code, complaint.filed_by, complaint.country_id) == (
        "village",
        TANJUNG_LUAR,
        village_officer,
        "MY",
    )
    assert (complaint.complainant_name, complaint.complainant_relation) == ("Inaq Saenah", "family")
    # The officer's answer never carries the complainant.
    assert "Inaq Saenah" not in first.content.decode() and "081900002222" not in first.content.decode()
    # One SMS, from the first arrival only.
    assert OutboundMessage.objects.filter(channel="sms").count() == 1


def test_the_sms_carries_the_code_and_the_secret_that_open_the_complaint(phone):
    response = phone.post(URL, entry(), format="json")

    complaint = Complaint.objects.get(pk=response.json()["id"])
    sms = OutboundMessage.objects.get(channel="sms", about=f"complaint:{complaint.pk}")
    assert sms.recipient == "081900002222"
    assert complaint.tracking_code in sms.body
    secret = sms.body.split("secret ", 1)[1].split(":", 1)[0]
    assert complaint_for_code(complaint.tracking_code, secret) == complaint


def test_only_the_village_channel_sends_the_secret_by_sms(in_english, village_officer):
    from complaints.services import SECRET_LENGTH

    web, web_secret = complaint_file(
        actor=None,
        channel="web",
        category="unpaid_wages",
        description="Gaji adik saya tidak dibayar tiga bulan.",
        area_code="52.03",
        complainant_phone="081900001111",
    )
    village, village_secret = complaint_file(
        actor=village_officer,
        channel="village",
        category="unpaid_wages",
        description="Gaji adik saya tidak dibayar tiga bulan.",
        complainant_phone="081900003333",
    )

    web_sms = OutboundMessage.objects.get(channel="sms", about=f"complaint:{web.pk}").body
    village_sms = OutboundMessage.objects.get(channel="sms", about=f"complaint:{village.pk}").body
    assert len(web_secret) == len(village_secret) == SECRET_LENGTH
    assert web.tracking_code in web_sms and web_secret not in web_sms
    assert village.tracking_code in village_sms and village_secret in village_sms


def test_bad_input_is_refused_with_its_fields_and_nothing_is_written(phone):
    response = phone.post(URL, entry(category="", description="gaji"), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"category"}
    # The service's own checks come back the same way.
    future = phone.post(URL, entry(description="gaji", occurred_on=str(TODAY + timedelta(days=2))), format="json")
    assert future.status_code == 400 and future["Content-Type"] == "application/problem+json"
    assert set(future.json()["errors"]) == {"description", "occurred_on"}
    unknown_country = phone.post(URL, entry(country="XX"), format="json")
    assert unknown_country.status_code == 400 and set(unknown_country.json()["errors"]) == {"country"}
    missing_id = phone.post(URL, entry(client_id=None), format="json")
    assert missing_id.status_code == 400 and "client_id" in missing_id.json()["errors"]
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()


def test_the_messages_follow_the_phone_language(village_officer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(village_officer)

    body = client.post(URL, entry(occurred_on=str(TODAY + timedelta(days=2))), format="json").json()

    assert body["errors"]["occurred_on"] == ["Tanggal tidak boleh di masa depan."]


def test_companies_and_officials_cannot_file_or_read_village_complaints(
    agency_a_staff, lotim_regency_official, ministry_official
):
    for user in (agency_a_staff, lotim_regency_official, ministry_official):
        response = _phone(user).post(URL, entry(), format="json")
        assert response.status_code == 403, user.role
        assert response["Content-Type"] == "application/problem+json"
        assert _phone(user).get(URL).status_code == 403
    assert not Complaint.objects.exists()
    assert APIClient().post(URL, entry(), format="json").status_code in (401, 403)


def test_a_phone_without_the_pages_csrf_token_is_refused(village_officer):
    assert _phone(village_officer, csrf=True).post(URL, entry(), format="json").status_code == 403
    assert not Complaint.objects.exists()


def test_a_person_of_the_village_is_chosen_by_id(phone, agency_a_staff, licensed_agency):
    from tests.placement.journey import register_worker

    worker = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=7, full_name="Baiq Rohani", village=TANJUNG_LUAR
    )

    response = phone.post(URL, entry(worker_name="", person=worker.pk), format="json")

    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert (complaint.worker, complaint.worker_nik, complaint.worker_name) == (worker, worker.nik, "Baiq Rohani")
    assert worker.nik not in response.content.decode()


def test_a_person_of_another_village_cannot_be_chosen(phone, agency_a_staff, licensed_agency):
    from tests.placement.journey import register_worker

    stranger = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=7, full_name="Lalu Tetangga", village="52.03.01.2002"
    )

    response = phone.post(URL, entry(person=stranger.pk), format="json")

    assert response.status_code == 400 and "person" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_the_officer_reads_the_villages_complaints_and_no_other(phone, village_officer):
    filed = phone.post(URL, entry(), format="json").json()
    # A complaint someone filed on the public form about a person of the village is not the village's.
    complaint_file(
        actor=None,
        channel="web",
        category="trafficking",
        description="Calo dari desa ini membawa adik saya lewat Batam.",
        area_code=TANJUNG_LUAR,
        anonymous=True,
    )
    other_village = Village.objects.exclude(pk=village_officer.village_id).filter(code__startswith="53.").first()
    stranger = _phone(UserFactory(username="desa.lain", role=Role.VILLAGE_OFFICER, village=other_village))

    listed = phone.get(URL).json()["results"]
    detail = phone.get(f"{URL}{filed['id']}/")

    assert [row["tracking_code"] for row in listed] == [filed["tracking_code"]]
    assert detail.status_code == 200 and "complainant_name" not in detail.json()
    assert "Inaq Saenah" not in detail.content.decode()
    assert stranger.get(URL).json()["results"] == []
    assert stranger.get(f"{URL}{filed['id']}/").status_code == 404


def test_the_village_complaints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()

    assert "/api/v1/village-complaints/" in schema and "/api/v1/village-complaints/{id}/" in schema
