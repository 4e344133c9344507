"""The sync API of the village officer's phone: one entry per request, identified by the id the
phone made, so a resend never makes a second row; edits on a stale copy come back as a conflict."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.crypto import keyed_hash
from core.roles import Role
from recruitment.models import FamilyConsent, Registration, Worker
from tests.factories import UserFactory
from villages.models import Village, VillageReport, VillageReportEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/village-reports/"
# Read when the module is collected: a day "in the future" is two days on, still ahead of the
# date in Indonesia if the run passes its midnight (17:00 UTC) before the test runs.
TODAY = timezone.localdate()
# Baiq Rohani, born 12 April 1998 in Lombok Timur (the NIK encodes district, birth date and sex).
ROHANI_NIK = "5203015204980001"
# The smallest JPEG header the content check accepts, with a little body.
TINY_JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"


def _phone(user, *, csrf: bool = False) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def phone(village_officer):
    return _phone(village_officer)


def departure(**overrides):
    return {
        "client_id": str(uuid.uuid4()),
        "kind": "departure_seen",
        "occurred_on": str(TODAY - timedelta(days=2)),
        "person_nik": ROHANI_NIK,
        "person_name": "Baiq Rohani",
        "details": "Dijemput mobil malam hari",
        **overrides,
    }


def intent(**overrides):
    return {
        "client_id": str(uuid.uuid4()),
        "kind": "intent",
        "occurred_on": str(TODAY),
        "nik": ROHANI_NIK,
        "full_name": "Baiq Rohani",
        "sex": "F",
        "birth_date": "1998-04-12",
        "birth_place": "Lombok Timur",
        "education": "smp",
        "marital_status": "married",
        "phone": "0819 0000 1111",
        "destination_country": "MY",
        "hoped_work": "Pekerja pabrik",
        "consenter_name": "Lalu Ahmad",
        "consent_relation": "spouse",
        "consent_given_on": str(TODAY - timedelta(days=1)),
        **overrides,
    }


def test_an_entry_sent_twice_is_one_report(phone, village_officer):
    entry = departure()

    first = phone.post(URL, entry, format="json")
    again = phone.post(URL, entry, format="json")

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert VillageReport.objects.count() == 1
    report = VillageReport.objects.get()
    assert (report.village_id, report.reported_by, str(report.client_id)) == (
        "52.03.01.2001",
        village_officer,
        entry["client_id"],
    )
    assert first.json()["masked_nik"] != ROHANI_NIK and ROHANI_NIK not in first.content.decode()
    assert list(report.events.values_list("kind", flat=True)) == ["recorded"]


def test_a_bad_nik_is_refused_with_its_message_and_nothing_is_written(phone):
    response = phone.post(URL, departure(person_nik="9999015204980001"), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"]["person_nik"] == [body["detail"]]
    assert "district" in body["detail"]
    assert not VillageReport.objects.exists()


def test_the_messages_follow_the_phone_language(village_officer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(village_officer)

    body = client.post(URL, departure(occurred_on=str(TODAY + timedelta(days=2))), format="json").json()

    assert body["errors"]["occurred_on"] == ["Tanggal tidak boleh di masa depan."]


def test_an_intent_puts_the_person_on_the_registry_with_the_familys_consent(phone, village_officer, media_root):
    letter = "data:image/jpeg;base64," + base64.b64encode(TINY_JPEG).decode()

    response = phone.post(URL, intent(consent_letter=letter), format="json")

    assert response.status_code == 201, response.content
    worker = Worker.objects.get(nik_hash=keyed_hash(ROHANI_NIK))
    assert worker.family_consent_on == TODAY - timedelta(days=1)
    assert Registration.objects.get(worker=worker).channel == "village"
    consent = FamilyConsent.objects.get(worker=worker)
    assert (consent.consenter_name, consent.relation, consent.village_report_id) == (
        "Lalu Ahmad",
        "spouse",
        response.json()["id"],
    )
    assert consent.letter.read() == TINY_JPEG
    report = VillageReport.objects.get()
    assert (report.kind, report.destination_country, report.person_nik) == ("intent", "MY", ROHANI_NIK)


def test_an_intent_without_the_familys_consent_is_refused(phone):
    response = phone.post(URL, intent(consenter_name="", consent_relation="", consent_given_on=""), format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"consenter_name", "consent_relation", "consent_given_on"}
    assert not Worker.objects.exists() and not VillageReport.objects.exists()


def test_a_letter_that_is_not_a_photo_is_refused(phone):
    not_a_photo = "data:image/jpeg;base64," + base64.b64encode(b"MZ\x90\x00 not an image").decode()

    response = phone.post(URL, intent(consent_letter=not_a_photo), format="json")

    assert response.status_code == 400
    assert "consent_letter" in response.json()["errors"]
    assert not Worker.objects.exists()


def test_an_nik_that_disagrees_with_the_person_is_refused(phone):
    response = phone.post(URL, intent(birth_date="1998-04-13"), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "identity_mismatch"
    assert not VillageReport.objects.exists()


def test_two_officers_reporting_one_departure_make_one_event_with_two_sources(phone, village_officer):
    colleague = UserFactory(username="desa.tanjungluar2", role=Role.VILLAGE_OFFICER, village=village_officer.village)
    first = phone.post(URL, departure(), format="json").json()

    second = _phone(colleague).post(URL, departure(occurred_on=str(TODAY - timedelta(days=1))), format="json")

    assert second.status_code == 201
    assert second.json()["same_event_as"] == first["id"]
    assert phone.get(f"{URL}{first['id']}/").json()["sources"] == 2
    assert VillageReportEvent.objects.filter(report_id=first["id"], kind="second_source").count() == 1


def test_an_edit_on_a_stale_copy_is_a_conflict_that_shows_the_current_version(phone, village_officer):
    colleague = UserFactory(username="desa.tanjungluar2", role=Role.VILLAGE_OFFICER, village=village_officer.village)
    report = phone.post(URL, departure(), format="json").json()
    theirs = _phone(colleague).patch(
        f"{URL}{report['id']}/", {"base_version": 1, "details": "Berangkat lewat Batam"}, format="json"
    )
    assert theirs.status_code == 200 and theirs.json()["version"] == 2

    mine = phone.patch(f"{URL}{report['id']}/", {"base_version": 1, "details": "Naik bus ke Surabaya"}, format="json")

    assert mine.status_code == 409
    body = mine.json()
    assert body["code"] == "edit_conflict"
    assert body["current"]["version"] == 2 and body["current"]["details"] == "Berangkat lewat Batam"
    assert VillageReport.objects.get().details == "Berangkat lewat Batam"
    # The officer chose their own version: sent again on the current one, it wins.
    kept = phone.patch(f"{URL}{report['id']}/", {"base_version": 2, "details": "Naik bus ke Surabaya"}, format="json")
    assert kept.status_code == 200 and kept.json()["version"] == 3
    edits = VillageReportEvent.objects.filter(report_id=report["id"], kind="edited").order_by("id")
    assert [e.data["fields"]["details"][1] for e in edits] == ["Berangkat lewat Batam", "Naik bus ke Surabaya"]


def test_an_officer_cannot_write_for_or_read_another_village(phone, village_officer):
    other_village = Village.objects.exclude(pk=village_officer.village_id).filter(code__startswith="53.").first()
    stranger = UserFactory(username="desa.lain", role=Role.VILLAGE_OFFICER, village=other_village)
    report = phone.post(URL, departure(), format="json").json()
    their_phone = _phone(stranger)

    assert their_phone.get(f"{URL}{report['id']}/").status_code == 404
    edit = their_phone.patch(f"{URL}{report['id']}/", {"base_version": 1, "details": "x"}, format="json")
    assert edit.status_code == 404
    assert their_phone.get(URL).json()["results"] == []
    assert VillageReport.objects.get().details == "Dijemput mobil malam hari"


def test_companies_and_officials_cannot_send_village_reports(agency_a_staff, lotim_regency_official):
    for user in (agency_a_staff, lotim_regency_official):
        response = _phone(user).post(URL, departure(), format="json")
        assert response.status_code == 403, user.role
        assert response["Content-Type"] == "application/problem+json"
    assert _phone(agency_a_staff).get(URL).status_code == 403
    assert not VillageReport.objects.exists()


def test_officials_read_the_reports_of_their_jurisdiction(phone, lotim_regency_official, ntt_regency_official):
    report = phone.post(URL, departure(), format="json").json()

    assert [r["id"] for r in _phone(lotim_regency_official).get(URL).json()["results"]] == [report["id"]]
    assert _phone(ntt_regency_official).get(URL).json()["results"] == []
    assert _phone(ntt_regency_official).get(f"{URL}{report['id']}/").status_code == 404


def test_a_phone_without_the_pages_csrf_token_is_refused(village_officer):
    phone = _phone(village_officer, csrf=True)

    assert phone.post(URL, departure(), format="json").status_code == 403
    assert not VillageReport.objects.exists()


def test_the_sync_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()

    assert "/api/v1/village-reports/" in schema and "/api/v1/village-reports/{id}/" in schema
    assert "edit_conflict" in schema


def test_a_person_of_the_village_is_chosen_by_id_and_never_by_a_nik_on_the_phone(phone, village_officer):
    in_village = phone.post(URL, intent(), format="json").json()
    worker = Worker.objects.get(nik_hash=keyed_hash(ROHANI_NIK))
    entry = departure(person_nik="", person_name="", person=worker.pk)

    response = phone.post(URL, entry, format="json")

    assert response.status_code == 201, response.content
    report = VillageReport.objects.get(pk=response.json()["id"])
    assert (report.person_nik, report.person_name) == (ROHANI_NIK, "Baiq Rohani")
    assert in_village["id"] != report.pk


def test_a_person_of_another_village_cannot_be_chosen(phone, agency_a_staff, licensed_agency):
    from tests.placement.journey import register_worker

    stranger = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=7, full_name="Lalu Tetangga", village="52.03.01.2002"
    )

    response = phone.post(URL, departure(person_nik="", person=stranger.pk), format="json")

    assert response.status_code == 400 and "person" in response.json()["errors"]
    assert not VillageReport.objects.exists()


def test_the_list_takes_the_shared_filters(phone):
    phone.post(URL, departure(), format="json")
    broker = phone.post(
        URL,
        departure(kind="suspected_recruiter", person_nik="", person_name="", broker_phones=["+62 877 6543 2109"]),
        format="json",
    ).json()

    found = phone.get(URL, {"kind": "suspected_recruiter"}).json()["results"]
    by_phone = phone.get(URL, {"q": "0877-6543-2109"}).json()["results"]

    assert [r["id"] for r in found] == [broker["id"]] == [r["id"] for r in by_phone]
    assert broker["broker_phones"] == ["087765432109"]


def test_a_conflict_never_sends_the_full_nik_to_the_phone(phone):
    report = phone.post(URL, departure(), format="json").json()
    phone.patch(f"{URL}{report['id']}/", {"base_version": 1, "details": "Lewat Batam"}, format="json")

    conflict = phone.patch(f"{URL}{report['id']}/", {"base_version": 1, "details": "Lewat Surabaya"}, format="json")

    assert conflict.status_code == 409
    assert ROHANI_NIK not in conflict.content.decode()
    assert conflict.json()["current"]["person_nik"].endswith(ROHANI_NIK[-4:])
