"""Fees through the partner API: the company records what the worker paid and is refused (409)
what the rules forbid; malformed input is 400; If-Match is honoured; another company gets 404."""

from decimal import Decimal

import pytest
from django.utils import timezone

from placement.models import Fee
from tests.factories import EmployerFactory
from tests.placement import journey as build

pytestmark = pytest.mark.django_db


def fees_url(trip) -> str:
    return f"/api/v1/placements/{trip.pk}/fees/"


def a_fee(**changes) -> dict:
    return {
        "amount_idr": "1500000",
        "description": "Biaya medical",
        "paid_on": timezone.localdate().isoformat(),
        "paid_to": "Klinik Utama Sehat Selong",
        **changes,
    }


def test_the_company_records_and_lists_fees(api_a, journey):
    response = api_a.post(fees_url(journey), a_fee(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount_idr"], body["description"], body["paid_to"]) == (
        "1500000",
        "Biaya medical",
        "Klinik Utama Sehat Selong",
    )
    assert Fee.objects.get().recorded_by.agency_id == journey.placement.agency_id
    listed = api_a.get(fees_url(journey))
    assert listed.status_code == 200 and [fee["id"] for fee in listed.json()] == [body["id"]]
    assert api_a.get(f"/api/v1/placements/{journey.pk}/").json()["version"] == journey.reload().version


def test_a_fee_on_a_zero_cost_occupation_is_409_and_writes_nothing(
    api_a, agency_a_staff, ministry_official, licensed_agency, lombok_worker
):
    family = EmployerFactory(name="Keluarga Tan Ah Kow", sector="informal")
    job_order = build.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=family,
        occupation="housekeeper",
    )  # fmt: skip
    trip = build.place(agency_a_staff, build.select(agency_a_staff, lombok_worker, job_order))
    version = trip.reload().version

    response = api_a.post(fees_url(trip), a_fee(), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "zero_cost_occupation" and body["errors"]["amount_idr"] == [body["detail"]]
    assert not Fee.objects.exists() and trip.reload().version == version


def test_fees_above_the_cap_are_409_and_write_nothing(api_a, journey):
    journey.record_agreement(worker_costs=Decimal("7000000"))  # Malaysia's cap: Rp 8,000,000
    response = api_a.post(fees_url(journey), a_fee(amount_idr="1000001"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "fees_above_cap"
    assert not Fee.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_idr": "-1"}, "amount_idr"),
        ({"amount_idr": "0"}, "amount_idr"),
        ({"amount_idr": "satu juta"}, "amount_idr"),
        ({"description": ""}, "description"),
        ({"paid_on": "05/01/2026"}, "paid_on"),
        ({"paid_on": "2999-01-01"}, "paid_on"),
    ],
)
def test_malformed_fees_are_400(api_a, journey, changes, field):
    response = api_a.post(fees_url(journey), a_fee(**changes), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not Fee.objects.exists()


def test_a_stale_if_match_is_412(api_a, journey):
    tag = api_a.get(f"/api/v1/placements/{journey.pk}/")["ETag"]
    journey.record_agreement()
    response = api_a.post(fees_url(journey), a_fee(), format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412
    assert not Fee.objects.exists()


def test_another_company_gets_404(api_b, journey):
    assert api_b.get(fees_url(journey)).status_code == 404
    assert api_b.post(fees_url(journey), a_fee(), format="json").status_code == 404
    assert not Fee.objects.exists()
