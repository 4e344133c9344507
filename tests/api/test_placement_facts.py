"""The facts a company records on a placement through the partner API that no other test sends over
HTTP: the placement agreement, the employment contract, the planned departure and a cancellation.
Each is a door of docs/doors.md."""

from decimal import Decimal

import pytest

from placement.choices import DocumentKind, EventKind, Stage

pytestmark = pytest.mark.django_db


def test_the_company_records_the_agreement_the_contract_and_the_departure_plan(api_a, journey):
    journey.walk_to(Stage.TRAINING)
    agreed = api_a.post(
        f"/api/v1/placements/{journey.pk}/agreement/",
        {"signed_on": str(journey.today), "worker_costs": "0"},
        format="json",
    )
    assert agreed.status_code == 200, agreed.json()
    journey.add_document(DocumentKind.PLACEMENT_AGREEMENT)
    journey.advance(Stage.AGREEMENT)
    journey.walk_to(Stage.DOCUMENTS)
    contracted = api_a.post(
        f"/api/v1/placements/{journey.pk}/contract/",
        {"signed_on": str(journey.today), "salary": str(journey.reload().job_order.salary)},
        format="json",
    )
    assert contracted.status_code == 200, contracted.json()
    journey.add_document(DocumentKind.EMPLOYMENT_CONTRACT)
    journey.advance(Stage.CONTRACT)
    journey.walk_to(Stage.ORIENTATION)
    planned = api_a.post(
        f"/api/v1/placements/{journey.pk}/departure-plan/", {"planned_on": str(journey.departure)}, format="json"
    )
    assert planned.status_code == 200, planned.json()
    placement = journey.reload()
    assert (placement.agreement_signed_on, placement.agreement_worker_costs) == (journey.today, Decimal(0))
    assert placement.contract_salary == placement.job_order.salary
    assert placement.planned_departure_on == journey.departure
    kinds = [event["kind"] for event in api_a.get(f"/api/v1/placements/{journey.pk}/events/").json()]
    assert kinds.count(EventKind.FACTS_RECORDED) == 3  # the agreement, the contract, the departure plan


def test_a_contract_below_the_job_orders_salary_is_a_409_and_changes_nothing(api_a, journey):
    journey.walk_to(Stage.DOCUMENTS)
    refused = api_a.post(
        f"/api/v1/placements/{journey.pk}/contract/",
        {"signed_on": str(journey.today), "salary": "1.00"},
        format="json",
    )
    assert refused.status_code == 409, refused.json()
    assert journey.reload().contract_salary is None


def test_the_company_cancels_a_placement_with_a_reason(api_a, journey):
    journey.walk_to(Stage.MEDICAL)
    cancelled = api_a.post(
        f"/api/v1/placements/{journey.pk}/cancel/", {"reason": "Calon PMI mengundurkan diri"}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.json()
    placement = journey.reload()
    assert (placement.stage, placement.cancellation_reason) == (Stage.CANCELLED, "Calon PMI mengundurkan diri")
