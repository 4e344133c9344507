"""400 for malformed input, 409 for a rule that refuses given the records (fields or not):
the rule of docs/api.md, through the API and in the mapping itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.api.exceptions import _from_domain_error
from core.errors import DomainError, InvalidInput
from placement.models import Document, Fee, Placement
from recruitment.models import JobOrder
from tests.factories import EmployerFactory
from tests.placement import journey as build

pytestmark = pytest.mark.django_db

# Read when the module is collected: a day "in the future" is two days on, still ahead of the
# date in Indonesia if the run passes its midnight (17:00 UTC) before the test runs.
TODAY = timezone.localdate()


def test_the_mapping_follows_the_kind_of_refusal_not_the_presence_of_fields():
    assert _from_domain_error(DomainError("quota_full", "Full")).status_code == 409
    assert _from_domain_error(DomainError("zero_cost_occupation", "No", fields={"x": ["No"]})).status_code == 409
    assert _from_domain_error(InvalidInput("invalid_amount", "Bad", fields={"x": ["Bad"]})).status_code == 400
    assert _from_domain_error(InvalidInput("reason_required", "Say why")).status_code == 400
    assert _from_domain_error(DomainError("x", "y", invalid_input=True)).status_code == 400
    assert _from_domain_error(DomainError("forbidden", "No")).status_code == 403


def test_a_negative_fee_is_400(api_a, journey):
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/fees/",
        {"amount_idr": "-1000", "description": "Biaya", "paid_on": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "amount_idr" in response.json()["errors"]
    assert not Fee.objects.exists()


def test_an_unknown_document_kind_is_400(api_a, journey):
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/documents/",
        {"kind": "tourist_card", "number": "X1", "issued_on": "2026-01-01", "issuer": "Imigrasi"},
        format="multipart",
    )
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    assert not Document.objects.exists()


def test_a_document_expiring_before_it_was_issued_is_400_on_the_field(api_a, journey):
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/documents/",
        {"kind": "passport", "number": "C1", "issued_on": "2026-01-01", "expires_on": "2025-01-01", "issuer": "X"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "document_dates" and "expires_on" in response.json()["errors"]


def test_a_departure_dated_in_the_future_is_400(api_a, journey):
    journey.walk_to(9)
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/depart/",
        {"departed_on": str(TODAY + timedelta(days=2)), "embarkation_point": "LOP", "flight": "QZ 512"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"]["departed_on"]
    assert journey.stage == 9


def test_a_zero_cost_occupation_charging_the_worker_is_409_with_its_field(api_a, licensed_agency):
    family = EmployerFactory(name="Keluarga Tan Ah Kow", sector="informal")
    body = {
        "employer": family.pk, "occupation": "housekeeper", "quota": 2, "salary": "1800.00", "currency": "MYR",
        "contract_months": 24, "valid_from": str(TODAY), "valid_until": str(TODAY + timedelta(days=200)),
        "worker_costs": "5000000",
    }  # fmt: skip
    response = api_a.post("/api/v1/job-orders/", body, format="json")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "zero_cost_occupation" and "worker_costs" in problem["errors"]
    assert not JobOrder.objects.exists()


def test_a_full_quota_is_409(api_a, agency_a_staff, ministry_official, licensed_agency, malaysian_factory):
    job_order = build.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory, quota=1
    )
    first = build.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=1)
    second = build.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=2, full_name="Baiq Wulan")
    build.place(agency_a_staff, build.select(agency_a_staff, first, job_order))
    application = build.select(agency_a_staff, second, job_order)

    response = api_a.post("/api/v1/placements/", {"application": application.pk}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "quota_full"
    assert Placement.objects.filter(job_order=job_order).count() == 1
