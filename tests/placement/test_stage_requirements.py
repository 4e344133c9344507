"""Advancing stage by stage (2 to 9): refused naming what is missing, allowed once it is there."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from placement import services
from placement.choices import DocumentKind, Stage
from placement.models import PlacementEvent
from recruitment import services as recruitment
from recruitment.choices import TrainingKind, TrainingResult
from recruitment.models import JobOrder
from tests.factories import EmployerFactory
from tests.placement import journey as build
from tests.placement.journey import refused, register_worker, select

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def day(value: date) -> str:
    """How the portal writes a date in English: '3 March 2026'."""
    return f"{value.day} {value:%B %Y}"


# What each stage needs when nothing of it was recorded: the exact `missing` list.
NOTHING_RECORDED = {
    Stage.MEDICAL: ["Health and psychological certificate (fit) is missing"],
    Stage.TRAINING: ["a completed skill training with a competent result", "Competency certificate is missing"],
    Stage.AGREEMENT: [
        "the signed placement agreement with the costs borne by the worker",
        "Placement agreement is missing",
    ],
    Stage.DOCUMENTS: ["Passport is missing", "Work visa is missing", "BPJS Ketenagakerjaan membership is missing"],
    Stage.CONTRACT: ["the signed employment contract with its salary", "Employment contract is missing"],
    Stage.ORIENTATION: ["Pre-departure orientation certificate is missing"],
    Stage.READY: ["a planned departure date", "E-PMI card is missing"],
}


@pytest.mark.parametrize("stage", list(NOTHING_RECORDED), ids=lambda stage: Stage(stage).name.lower())
def test_each_stage_is_refused_naming_what_is_missing_then_allowed(journey, stage):
    journey.walk_to(stage - 1)
    events_before = PlacementEvent.objects.filter(placement=journey.placement).count()

    error = refused(journey.advance, stage)

    assert error.code == "stage_requirements_missing"
    assert error.missing == NOTHING_RECORDED[stage]
    assert str(error) == f"Cannot move to “{Stage(stage).label}”. Missing: {'; '.join(NOTHING_RECORDED[stage])}."
    assert journey.stage == stage - 1
    assert PlacementEvent.objects.filter(placement=journey.placement).count() == events_before

    journey.provide(stage)
    assert journey.advance(stage).stage == stage
    assert journey.stage == stage


# --- Stage 2: selection -------------------------------------------------------------------


def test_selection_needs_the_application_marked_selected(agency_a_staff, lombok_worker, factory_job_order):
    undecided = select(agency_a_staff, lombok_worker, factory_job_order, selected=None)
    trip = build.place(agency_a_staff, undecided)

    error = refused(trip.advance, Stage.SELECTED)
    assert error.missing == ["a selection result: the application is not marked selected"]

    recruitment.application_decide(actor=agency_a_staff, application_id=undecided.pk, selected=True)
    assert trip.advance(Stage.SELECTED).stage == Stage.SELECTED


def test_selection_needs_the_job_order_published(agency_a_staff, journey, factory_job_order):
    recruitment.job_order_close(actor=agency_a_staff, job_order_id=factory_job_order.pk)
    error = refused(journey.advance, Stage.SELECTED)
    assert error.missing == ["the job order is not published"]


def test_selection_needs_a_permit_covering_the_worker_regency(agency_a_staff, licensed_agency, factory_job_order):
    kupang = register_worker(
        actor=agency_a_staff,
        agency=licensed_agency,
        serial=2,
        village="53.01.04.2003",  # Bokonusan, Semau, Kupang (NTT): outside the Lombok Timur permit
        district="530104",
        full_name="Maria Goreti Bano",
    )
    trip = build.place(agency_a_staff, select(agency_a_staff, kupang, factory_job_order))

    error = refused(trip.advance, Stage.SELECTED)

    assert error.missing == ["a valid recruitment permit (SIP2MI) covering the worker's regency"]
    assert trip.stage == Stage.REGISTERED


def test_an_expired_permit_does_not_cover_anyone(journey, factory_job_order):
    today = journey.today
    factory_job_order.permits.update(valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1))
    error = refused(journey.advance, Stage.SELECTED)
    assert error.missing == ["a valid recruitment permit (SIP2MI) covering the worker's regency"]


# --- Stage 3: medical ---------------------------------------------------------------------


def test_an_expired_health_certificate_is_named_with_its_expiry_date(journey):
    journey.walk_to(Stage.SELECTED)
    expired = journey.today - timedelta(days=3)
    journey.add_document(
        DocumentKind.HEALTH_CERTIFICATE, issued_on=journey.today - timedelta(days=200), expires_on=expired
    )

    error = refused(journey.advance, Stage.MEDICAL)

    assert error.missing == [
        f"Health and psychological certificate (fit) expired on {day(expired)}, before {day(journey.today)}"
    ]
    assert "expired on" in str(error)


def test_a_certificate_dated_in_the_future_is_not_yet_valid(journey):
    journey.walk_to(Stage.SELECTED)
    journey.add_document(DocumentKind.HEALTH_CERTIFICATE, issued_on=journey.today + timedelta(days=2))

    error = refused(journey.advance, Stage.MEDICAL)

    assert error.missing == [f"Health and psychological certificate (fit) is not yet valid on {day(journey.today)}"]


def test_a_renewed_certificate_replaces_an_expired_one(journey):
    journey.walk_to(Stage.SELECTED)
    journey.add_document(
        DocumentKind.HEALTH_CERTIFICATE,
        number="MCU-2025-001",
        issued_on=journey.today - timedelta(days=400),
        expires_on=journey.today - timedelta(days=35),
    )
    journey.add_document(DocumentKind.HEALTH_CERTIFICATE, number="MCU-2026-014")
    assert journey.advance(Stage.MEDICAL).stage == Stage.MEDICAL


# --- Stage 4: training and competency -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "result"),
    [
        (TrainingKind.SKILL, TrainingResult.FAILED),
        (TrainingKind.SKILL, TrainingResult.IN_PROGRESS),
        (TrainingKind.LANGUAGE, TrainingResult.PASSED),
    ],
    ids=["skill-not-yet-competent", "skill-in-progress", "language-only"],
)
def test_training_needs_a_passed_skill_enrolment(journey, kind, result):
    journey.walk_to(Stage.MEDICAL)
    journey.enrol(kind=kind, result=result)
    journey.add_document(DocumentKind.COMPETENCY_CERTIFICATE)

    error = refused(journey.advance, Stage.TRAINING)

    assert error.missing == ["a completed skill training with a competent result"]


def test_training_needs_the_competency_certificate_as_well(journey):
    journey.walk_to(Stage.MEDICAL)
    journey.enrol()
    error = refused(journey.advance, Stage.TRAINING)
    assert error.missing == ["Competency certificate is missing"]


@pytest.fixture
def taiwan_journey(agency_a_staff, ministry_official, licensed_agency, lombok_worker):
    """The same worker on a Taiwanese job order: Taiwan requires a language test."""
    taipei_factory = EmployerFactory(name="Taoyuan Precision Co., Ltd.", country_id="TW")
    job_order = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=taipei_factory,
        currency="TWD",
        salary=Decimal("28590"),
    )
    return build.place(agency_a_staff, select(agency_a_staff, lombok_worker, job_order))


def test_taiwan_also_needs_a_language_certificate(taiwan_journey):
    taiwan_journey.walk_to(Stage.MEDICAL)
    taiwan_journey.enrol()
    taiwan_journey.add_document(DocumentKind.COMPETENCY_CERTIFICATE)

    error = refused(taiwan_journey.advance, Stage.TRAINING)
    assert error.missing == ["Language test certificate is missing"]

    taiwan_journey.add_document(DocumentKind.LANGUAGE_CERTIFICATE)
    assert taiwan_journey.advance(Stage.TRAINING).stage == Stage.TRAINING


def test_malaysia_needs_no_language_certificate(journey):
    journey.walk_to(Stage.MEDICAL)
    journey.provide(Stage.TRAINING)
    assert not journey.placement.documents.filter(kind=DocumentKind.LANGUAGE_CERTIFICATE).exists()
    assert journey.advance(Stage.TRAINING).stage == Stage.TRAINING


def test_a_taiwan_placement_walks_all_the_way_with_its_language_certificate(taiwan_journey):
    taiwan_journey.walk_to(Stage.READY)
    assert taiwan_journey.depart(point="CGK", flight="CI 762").stage == Stage.DEPARTED


# --- Stage 5: placement agreement ---------------------------------------------------------


def test_the_agreement_needs_its_facts_and_its_document(journey):
    journey.walk_to(Stage.TRAINING)
    journey.add_document(DocumentKind.PLACEMENT_AGREEMENT)
    error = refused(journey.advance, Stage.AGREEMENT)
    assert error.missing == ["the signed placement agreement with the costs borne by the worker"]

    journey.record_agreement(worker_costs=Decimal("0"))
    assert journey.advance(Stage.AGREEMENT).stage == Stage.AGREEMENT


@pytest.fixture
def housekeeper_journey(agency_a_staff, ministry_official, licensed_agency, lombok_worker):
    """A housekeeper for a family in Malaysia: a zero-cost occupation (Peraturan BP2MI 9/2020)."""
    family = EmployerFactory(name="Keluarga Tan Ah Kow", sector="informal")
    job_order = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=family,
        occupation="housekeeper",
    )
    return build.place(agency_a_staff, select(agency_a_staff, lombok_worker, job_order))


def test_a_zero_cost_occupation_may_not_charge_the_worker(housekeeper_journey):
    error = refused(housekeeper_journey.record_agreement, worker_costs=Decimal("7500000"))

    assert error.code == "zero_cost_occupation"
    assert str(error) == "Penata laksana rumah tangga is a zero-cost occupation: the worker may not be charged."
    placement = housekeeper_journey.reload()
    assert placement.agreement_signed_on is None and placement.agreement_worker_costs is None


def test_a_zero_cost_occupation_records_an_agreement_at_zero(housekeeper_journey):
    placement = housekeeper_journey.record_agreement(worker_costs=Decimal("0"))
    assert placement.agreement_worker_costs == 0


def test_other_occupations_may_state_the_worker_costs(journey):
    assert journey.record_agreement(worker_costs=Decimal("4500000")).agreement_worker_costs == Decimal("4500000")


def test_costs_cannot_be_negative(journey):
    error = refused(journey.record_agreement, worker_costs=Decimal("-1"))
    assert (error.code, str(error)) == ("invalid_amount", "Costs cannot be negative.")


def test_a_fee_found_by_an_official_is_recorded_even_for_a_zero_cost_occupation(
    housekeeper_journey, lotim_regency_official
):
    fee = services.fee_record(
        actor=lotim_regency_official,
        placement_id=housekeeper_journey.pk,
        amount_idr=Decimal("3000000"),
        description="Biaya medical diminta sponsor",
        paid_on=housekeeper_journey.today,
        paid_to="Pak Sponsor",
        source="Temuan pengaduan",
    )
    assert housekeeper_journey.placement.fees.get() == fee  # evidence, not an error

    error = refused(
        services.fee_record,
        actor=lotim_regency_official,
        placement_id=housekeeper_journey.pk,
        amount_idr=Decimal("0"),
        description="Nothing",
        paid_on=housekeeper_journey.today,
    )
    assert (error.code, str(error)) == ("invalid_amount", "The amount must be positive.")


# --- Stage 6: documents -------------------------------------------------------------------


def test_a_visit_visa_does_not_count_as_a_work_visa(journey):
    journey.walk_to(Stage.AGREEMENT)
    journey.add_document(DocumentKind.PASSPORT, number="C2345678")
    journey.add_document(DocumentKind.VISIT_VISA)
    journey.add_document(DocumentKind.BPJS)

    error = refused(journey.advance, Stage.DOCUMENTS)

    assert error.missing == ["Work visa is missing"]
    journey.add_document(DocumentKind.WORK_VISA)
    assert journey.advance(Stage.DOCUMENTS).stage == Stage.DOCUMENTS


def test_an_expired_passport_is_named_with_its_expiry_date(journey):
    journey.walk_to(Stage.AGREEMENT)
    expired = journey.today - timedelta(days=1)
    journey.add_document(
        DocumentKind.PASSPORT, number="B7654321", issued_on=journey.today - timedelta(days=1826), expires_on=expired
    )
    journey.add_document(DocumentKind.WORK_VISA)
    journey.add_document(DocumentKind.BPJS)

    error = refused(journey.advance, Stage.DOCUMENTS)

    assert error.missing == [f"Passport expired on {day(expired)}, before {day(journey.today)}"]


# --- Stage 7: employment contract ---------------------------------------------------------


def test_a_contract_salary_below_the_job_order_is_refused(journey):
    error = refused(journey.record_contract, salary="1500.00")

    assert error.code == "salary_below_order"
    assert str(error) == "The contract salary is below the job order's 1800.00 MYR."
    placement = journey.reload()
    assert placement.contract_salary is None and placement.contract_signed_on is None


def test_a_contract_salary_above_the_job_order_is_accepted(journey):
    assert journey.record_contract(salary="1950.00").contract_salary == Decimal("1950.00")


def test_the_contract_stage_rechecks_the_salary_against_an_amended_job_order(journey, factory_job_order):
    journey.walk_to(Stage.DOCUMENTS)
    journey.provide(Stage.CONTRACT)
    JobOrder.objects.filter(pk=factory_job_order.pk).update(salary=Decimal("2000.00"))  # amended in the admin

    error = refused(journey.advance, Stage.CONTRACT)

    assert error.missing == ["a contract salary of at least 2000.00 MYR (the job order's)"]


# --- Stage 9: ready -----------------------------------------------------------------------


def test_ready_needs_every_document_valid_on_the_planned_departure_day(journey):
    journey.departure = journey.today + timedelta(days=30)  # planned a month ahead
    journey.expiry[DocumentKind.WORK_VISA] = journey.departure - timedelta(days=1)
    journey.walk_to(Stage.ORIENTATION)
    journey.provide(Stage.READY)

    error = refused(journey.advance, Stage.READY)

    assert error.missing == [
        f"Work visa expired on {day(journey.departure - timedelta(days=1))}, before {day(journey.departure)}"
    ]


def test_a_departure_cannot_be_planned_for_a_day_the_worker_is_not_yet_18(
    agency_a_staff, licensed_agency, factory_job_order
):
    birth_date = build.years_before(timezone.localdate(), 18) - timedelta(days=20)  # 18 for twenty days now
    young = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=5, birth_date=birth_date, full_name="Baiq Nur"
    )
    trip = build.place(agency_a_staff, select(agency_a_staff, young, factory_job_order))

    error = refused(trip.plan_departure, on=trip.today - timedelta(days=30))  # a backdated plan

    assert error.code == "worker_underage"
    assert str(error) == "The worker will be under 18 on the planned departure date."
    assert trip.reload().planned_departure_on is None


# --- Order --------------------------------------------------------------------------------


def test_a_stage_cannot_be_skipped(journey):
    error = refused(journey.advance, Stage.MEDICAL)

    assert error.code == "stage_out_of_order"
    assert str(error) == "The placement is at stage “Registered”; only the next stage can be reached."
    assert journey.stage == Stage.REGISTERED


def test_a_stage_cannot_be_entered_twice_or_left_backwards(journey):
    journey.walk_to(Stage.MEDICAL)
    assert refused(journey.advance, Stage.MEDICAL).code == "stage_out_of_order"
    assert refused(journey.advance, Stage.SELECTED).code == "stage_out_of_order"
    assert journey.stage == Stage.MEDICAL


@pytest.mark.parametrize("stage", [Stage.REGISTERED, Stage.DEPARTED, Stage.WORKING, Stage.RETURNED, Stage.CANCELLED])
def test_departure_return_and_cancellation_are_not_reached_by_advancing(journey, stage):
    error = refused(journey.advance, stage)
    assert error.code == "stage_not_advanceable"
    assert str(error) == "This stage is reached through its own action, not by advancing."
