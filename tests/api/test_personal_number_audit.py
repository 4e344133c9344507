"""Every full NIK or passport number a response shows is audited: one row per response, naming the
user, their address, the time and the records, never the number itself; a masked number is not."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from accounts.personal_number_audit import PersonalNumberAuditMiddleware
from recruitment.api.serializers import WorkerSerializer
from tests.placement.journey import register_worker

pytestmark = pytest.mark.django_db

VIEWED = AuditAction.PERSONAL_DATA_VIEWED


def _viewed():
    return list(AuditEntry.objects.filter(action=VIEWED))


def test_a_company_reading_its_worker_is_audited_with_who_where_and_when(api_a, key_a, lombok_worker):
    before = timezone.now()
    response = api_a.get(f"/api/v1/workers/{lombok_worker.pk}/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200 and response.json()["nik"] == lombok_worker.nik

    [entry] = _viewed()
    assert entry.actor == key_a[0].user  # the key's own account, of company A
    assert entry.ip_address == "198.51.100.7"
    assert before <= entry.at <= timezone.now()
    assert entry.detail["door"] == "api"
    assert entry.detail["records"] == [{"model": "recruitment.worker", "ids": [lombok_worker.pk], "fields": ["nik"]}]
    assert lombok_worker.nik not in str(entry.detail)


def test_each_reading_is_one_more_row(api_a, lombok_worker):
    api_a.get(f"/api/v1/workers/{lombok_worker.pk}/")
    api_a.get(f"/api/v1/workers/{lombok_worker.pk}/")
    assert len(_viewed()) == 2


def test_a_registration_answered_with_the_full_nik_is_audited(api_a, licensed_agency):
    from tests.api.test_recruitment import worker_body

    created = api_a.post("/api/v1/workers/", worker_body(), format="json")
    assert created.status_code == 201
    [entry] = _viewed()
    assert entry.detail["records"][0]["ids"] == [created.json()["id"]]


def test_masked_lists_and_searches_write_no_row(api_a, lombok_worker):
    listed = api_a.get("/api/v1/workers/")
    assert listed.status_code == 200 and lombok_worker.nik not in listed.content.decode()
    found = api_a.post("/api/v1/workers/search/", {"nik": lombok_worker.nik}, format="json")
    assert [w["id"] for w in found.json()["results"]] == [lombok_worker.pk]
    assert lombok_worker.nik not in found.content.decode()
    assert api_a.get("/api/v1/placements/").status_code == 200
    assert _viewed() == []


def test_another_company_reading_nothing_writes_nothing(api_b, lombok_worker):
    assert api_b.get(f"/api/v1/workers/{lombok_worker.pk}/").status_code == 404
    assert _viewed() == []


def test_an_official_is_refused_by_the_partner_api_and_nothing_is_audited(lotim_regency_official, lombok_worker):
    client = APIClient()
    client.force_authenticate(lotim_regency_official)
    assert client.get(f"/api/v1/workers/{lombok_worker.pk}/").status_code == 403
    assert _viewed() == []


def test_a_village_officer_reads_reports_with_the_nik_masked_and_unaudited(village_officer):
    from tests.api.test_village_reports import ROHANI_NIK, URL, _phone, departure

    phone = _phone(village_officer)
    sent = phone.post(URL, departure(), format="json")
    assert sent.status_code == 201
    for response in (phone.get(URL), phone.get(f"{URL}{sent.json()['id']}/")):
        assert response.status_code == 200 and ROHANI_NIK not in response.content.decode()
    assert _viewed() == []


def test_a_list_of_full_numbers_is_one_row_naming_every_record(agency_a_staff, licensed_agency):
    """However many people one response shows in full, it is one audit row."""
    people = [
        register_worker(actor=agency_a_staff, agency=licensed_agency, serial=n, full_name=f"Orang {n}")
        for n in (11, 12)
    ]

    def view(request):
        return JsonResponse(WorkerSerializer(people, many=True, context={"request": request}).data, safe=False)

    request = RequestFactory().get("/api/v1/anything/", REMOTE_ADDR="203.0.113.9")
    request.user = agency_a_staff
    response = PersonalNumberAuditMiddleware(view)(request)

    assert all(person.nik in response.content.decode() for person in people)
    [entry] = _viewed()
    assert (entry.actor, entry.ip_address) == (agency_a_staff, "203.0.113.9")
    assert entry.detail["records"] == [
        {"model": "recruitment.worker", "ids": [person.pk for person in people], "fields": ["nik"]}
    ]


def test_an_error_response_records_nothing(agency_a_staff, lombok_worker):
    def view(request):
        WorkerSerializer(lombok_worker, context={"request": request}).data  # noqa: B018 - rendered, then refused
        return JsonResponse({}, status=409)

    request = RequestFactory().get("/api/v1/anything/")
    request.user = agency_a_staff
    PersonalNumberAuditMiddleware(view)(request)
    assert _viewed() == []
