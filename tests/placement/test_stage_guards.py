"""Every stage guard both ways: allowed when its requirement holds, refused naming what is missing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from agencies.choices import SanctionKind
from agencies.services import agency_sanction
from placement import services
from placement.choices import DocumentKind, EventKind, Stage
from placement.models import EmbarkationPoint, Placement, PlacementEvent
from recruitment.models import Moratorium
from siskop2mi.errors import DomainError
from tests.placement.lifecycle import (
    DEPARTURE,
    TODAY,
    add_document,
    apply_and_select,
    depart,
    make_agency,
    make_job_order,
    register_worker,
    satisfy,
    walk_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; one test checks the Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture
def actor(ministry_official):
    return ministry_official


@pytest.fixture
def agency(db):
    return make_agency()


@pytest.fixture
def job_order(actor, agency):
    return make_job_order(actor, agency)


@pytest.fixture
def worker(actor, agency):
    return register_worker(actor, agency)


@pytest.fixture
def placement(actor, worker, job_order):
    return services.placement_create(actor=actor, application=apply_and_select(actor, worker, job_order))


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


# --- Registering a placement -------------------------------------------------------------


def test_a_placement_is_registered_with_its_first_event(placement, actor):
    assert placement.stage == Stage.REGISTERED
    event = PlacementEvent.objects.get(placement=placement)
    assert (event.kind, event.to_stage, event.actor) == (EventKind.CREATED, Stage.REGISTERED, actor)


@pytest.mark.parametrize("kind", [SanctionKind.SUSPENSION, SanctionKind.REVOCATION])
def test_no_placement_while_the_company_licence_is_not_active(actor, agency, worker, job_order, kind):
    application = apply_and_select(actor, worker, job_order)
    agency_sanction(actor=actor, agency_id=agency.pk, kind=kind, reason="Menahan paspor pekerja", starts_on=TODAY)
    error = refused(services.placement_create, actor=actor, application=application)
    assert error.code == "job_order_not_placeable"
    assert "licence" in str(error)
    assert not Placement.objects.exists() and not PlacementEvent.objects.exists()


def test_no_placement_on_a_job_order_the_mission_has_not_verified(actor, agency, worker, job_order):
    application = apply_and_select(actor, worker, job_order)
    Placement.objects.none()
    type(job_order).objects.filter(pk=job_order.pk).update(
        status="submitted", mission_reference="", mission_verified_on=None
    )
    error = refused(services.placement_create, actor=actor, application=application)
    assert "not verified by the Indonesian mission" in str(error)
    assert not Placement.objects.exists()


def test_no_placement_under_a_moratorium(actor, agency, worker, job_order):
    application = apply_and_select(actor, worker, job_order)
    Moratorium.objects.create(country_id="MY", sector="formal", starts_on=TODAY - timedelta(days=1))
    error = refused(services.placement_create, actor=actor, application=application)
    assert "Malaysia is under a moratorium" in str(error)


def test_no_placement_for_a_worker_under_18(actor, agency, job_order):
    young = register_worker(actor, agency, serial=2, birth_date=TODAY.replace(year=TODAY.year - 17))
    error = refused(services.placement_create, actor=actor, application=apply_and_select(actor, young, job_order))
    assert error.code == "worker_underage"


def test_no_placement_without_family_consent(actor, agency, job_order):
    worker = register_worker(actor, agency, serial=3, family_consent_on=None)
    error = refused(services.placement_create, actor=actor, application=apply_and_select(actor, worker, job_order))
    assert error.code == "family_consent_missing"


def test_no_second_active_placement_for_one_worker(actor, agency, placement, worker):
    other_order = make_job_order(actor, agency, occupation="welder")
    error = refused(services.placement_create, actor=actor, application=apply_and_select(actor, worker, other_order))
    assert error.code == "worker_already_placed"
    assert Placement.objects.filter(worker=worker).count() == 1


def test_a_full_quota_refuses_the_next_worker_but_a_cancellation_frees_a_place(actor, agency):
    job_order = make_job_order(actor, agency, quota=1)
    first = register_worker(actor, agency, serial=4)
    second = register_worker(actor, agency, serial=5, full_name="Ni Luh Sari")
    placed = services.placement_create(actor=actor, application=apply_and_select(actor, first, job_order))
    second_application = apply_and_select(actor, second, job_order)
    error = refused(services.placement_create, actor=actor, application=second_application)
    assert error.code == "quota_full" and "1 positions is full" in str(error)
    services.placement_cancel(actor=actor, placement_id=placed.pk, reason="Mengundurkan diri")
    assert services.placement_create(actor=actor, application=second_application).stage == Stage.REGISTERED


def test_positions_by_sex_are_enforced(actor, agency):
    job_order = make_job_order(actor, agency, quota=5, quota_male=1)
    men = [register_worker(actor, agency, serial=10 + i, sex="M", full_name=f"Lalu {i}") for i in range(2)]
    services.placement_create(actor=actor, application=apply_and_select(actor, men[0], job_order))
    error = refused(services.placement_create, actor=actor, application=apply_and_select(actor, men[1], job_order))
    assert error.code == "quota_full"


# --- Advancing stage by stage -------------------------------------------------------------


def test_the_refusal_is_in_indonesian_by_default(actor, placement):
    with translation.override("id"):
        error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=Stage.MEDICAL)
        assert str(error).startswith("Penempatan berada di tahap “Pendaftaran”")


def test_a_stage_cannot_be_skipped(actor, placement):
    error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=Stage.MEDICAL)
    assert error.code == "stage_out_of_order"
    placement.refresh_from_db()
    assert placement.stage == Stage.REGISTERED


@pytest.mark.parametrize(
    ("stage", "missing"),
    [
        (Stage.MEDICAL, "Health and psychological certificate (fit) is missing"),
        (Stage.TRAINING, "a completed skill training with a competent result"),
        (Stage.AGREEMENT, "the signed placement agreement"),
        (Stage.DOCUMENTS, "Work visa is missing"),
        (Stage.CONTRACT, "the signed employment contract"),
        (Stage.ORIENTATION, "Pre-departure orientation certificate is missing"),
        (Stage.READY, "a planned departure date"),
    ],
)
def test_each_stage_is_refused_until_its_requirement_is_met(actor, placement, stage, missing):
    placement = walk_to(actor, placement, stage - 1)
    events_before = PlacementEvent.objects.count()
    error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=stage)
    assert error.code == "stage_requirements_missing"
    assert any(missing in item for item in error.missing), error.missing
    assert missing in str(error)
    assert PlacementEvent.objects.count() == events_before

    satisfy(actor, placement, stage)
    advanced = services.placement_advance(actor=actor, placement_id=placement.pk, to_stage=stage)
    assert advanced.stage == stage


def test_selection_needs_a_permit_covering_the_worker_regency(actor, agency, job_order):
    outsider = register_worker(actor, agency, serial=20, village="53.01.04.2003")  # Kupang, NTT
    placement = services.placement_create(actor=actor, application=apply_and_select(actor, outsider, job_order))
    error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=Stage.SELECTED)
    assert "recruitment permit (SIP2MI) covering the worker's regency" in str(error)


def test_an_expired_document_is_named_with_its_expiry_date(actor, placement):
    placement = walk_to(actor, placement, Stage.SELECTED)
    add_document(
        actor, placement, DocumentKind.HEALTH_CERTIFICATE, issued_on=date(2024, 1, 1), expires_on=date(2025, 1, 1)
    )
    error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=Stage.MEDICAL)
    assert "expired on 1 January 2025" in str(error)


def test_a_visit_visa_is_not_a_work_visa(actor, placement):
    placement = walk_to(actor, placement, Stage.AGREEMENT)
    add_document(actor, placement, DocumentKind.PASSPORT)
    add_document(actor, placement, DocumentKind.VISIT_VISA)
    add_document(actor, placement, DocumentKind.BPJS)
    error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=Stage.DOCUMENTS)
    assert error.missing == ["Work visa is missing"]


def test_language_test_required_where_the_country_requires_it(actor, agency, worker):
    job_order = make_job_order(actor, agency, country="TW")
    placement = services.placement_create(actor=actor, application=apply_and_select(actor, worker, job_order))
    placement = walk_to(actor, placement, Stage.MEDICAL)
    satisfy(actor, placement, Stage.TRAINING)  # adds the language certificate for Taiwan
    assert services.placement_advance(actor=actor, placement_id=placement.pk, to_stage=Stage.TRAINING).stage == 4
    assert placement.documents.filter(kind=DocumentKind.LANGUAGE_CERTIFICATE).exists()


def test_contract_salary_below_the_job_order_is_refused(actor, placement):
    error = refused(
        services.placement_record_contract,
        actor=actor,
        placement_id=placement.pk,
        signed_on=TODAY,
        salary=Decimal("1500"),
    )
    assert error.code == "salary_below_order"
    placement.refresh_from_db()
    assert placement.contract_salary is None


def test_zero_cost_occupations_may_not_charge_the_worker(actor, agency, worker):
    job_order = make_job_order(actor, agency, country="HK", sector="informal", occupation="housekeeper")
    placement = services.placement_create(actor=actor, application=apply_and_select(actor, worker, job_order))
    error = refused(
        services.placement_record_agreement,
        actor=actor,
        placement_id=placement.pk,
        signed_on=TODAY,
        worker_costs=Decimal("15000000"),
    )
    assert error.code == "zero_cost_occupation"
    assert "Penata laksana rumah tangga" in str(error)


def test_a_ready_placement_needs_documents_valid_on_the_departure_day(actor, placement):
    placement = walk_to(actor, placement, Stage.ORIENTATION)
    services.placement_plan_departure(actor=actor, placement_id=placement.pk, planned_on=DEPARTURE)
    add_document(actor, placement, DocumentKind.EPMI)
    placement.documents.filter(kind=DocumentKind.WORK_VISA).update(expires_on=DEPARTURE - timedelta(days=1))
    error = refused(services.placement_advance, actor=actor, placement_id=placement.pk, to_stage=Stage.READY)
    assert any(item.startswith("Work visa expired on") for item in error.missing)


# --- Departure, arrival, return, cancellation --------------------------------------------


def test_the_whole_journey_leaves_a_complete_timeline(actor, placement):
    placement = walk_to(actor, placement, Stage.READY)
    placement = depart(actor, placement)
    placement = services.placement_arrive(
        actor=actor, placement_id=placement.pk, arrived_on=DEPARTURE, reported_on=DEPARTURE + timedelta(days=2)
    )
    placement = services.placement_return(
        actor=actor, placement_id=placement.pk, returned_on=DEPARTURE + timedelta(days=730), reason="contract_completed"
    )
    assert placement.stage == Stage.RETURNED
    stages = list(
        PlacementEvent.objects.filter(placement=placement, to_stage__isnull=False).values_list("to_stage", flat=True)
    )
    assert stages == list(range(Stage.REGISTERED, Stage.RETURNED + 1))
    assert placement.version > 20  # every change bumped it


def test_passport_numbers_are_stored_upper_case(actor, placement):
    assert add_document(actor, placement, DocumentKind.PASSPORT, number=" c7654321 ").number == "C7654321"


def test_departure_is_refused_from_an_unofficial_crossing(actor, placement):
    placement = walk_to(actor, placement, Stage.READY)
    EmbarkationPoint.objects.create(
        code="XTK", name="Jalur tikus Tanjung", kind="seaport", regency_id="21.71", official=False
    )
    error = refused(depart, actor=actor, placement=placement, point="XTK")
    assert "Jalur tikus Tanjung is not an official embarkation point" in str(error)
    placement.refresh_from_db()
    assert placement.stage == Stage.READY and placement.departed_on is None


def test_departure_is_refused_when_a_document_expires_before_the_day(actor, placement):
    placement = walk_to(actor, placement, Stage.READY)
    placement.documents.filter(kind=DocumentKind.PASSPORT).update(expires_on=DEPARTURE - timedelta(days=1))
    error = refused(depart, actor=actor, placement=placement)
    assert error.code == "departure_refused"
    assert any(item.startswith("Passport expired on") for item in error.missing)


def test_departure_is_refused_once_the_licence_is_suspended(actor, agency, placement):
    placement = walk_to(actor, placement, Stage.READY)
    agency_sanction(actor=actor, agency_id=agency.pk, kind=SanctionKind.SUSPENSION, reason="Audit", starts_on=TODAY)
    error = refused(depart, actor=actor, placement=placement)
    assert "licence" in str(error)


def test_departure_is_refused_for_a_worker_under_18_on_the_day(actor, agency, job_order):
    turned_18_five_days_ago = TODAY.replace(year=TODAY.year - 18) - timedelta(days=5)
    worker = register_worker(actor, agency, serial=30, birth_date=turned_18_five_days_ago)
    placement = services.placement_create(actor=actor, application=apply_and_select(actor, worker, job_order))
    placement = walk_to(actor, placement, Stage.READY)
    error = refused(depart, actor=actor, placement=placement, on=TODAY - timedelta(days=10))
    assert any("under 18" in item for item in error.missing)
    placement.refresh_from_db()
    assert placement.stage == Stage.READY and placement.departed_on is None


def test_arrival_and_return_only_in_order(actor, placement):
    error = refused(
        services.placement_arrive, actor=actor, placement_id=placement.pk, arrived_on=TODAY, reported_on=TODAY
    )
    assert error.code == "stage_out_of_order"
    error = refused(
        services.placement_return, actor=actor, placement_id=placement.pk, returned_on=TODAY, reason="death"
    )
    assert error.code == "stage_out_of_order"


def test_cancellation_needs_a_reason_and_is_refused_after_departure(actor, placement):
    assert (
        refused(services.placement_cancel, actor=actor, placement_id=placement.pk, reason=" ").code == "reason_required"
    )
    placement = walk_to(actor, placement, Stage.READY)
    placement = depart(actor, placement)
    error = refused(services.placement_cancel, actor=actor, placement_id=placement.pk, reason="Batal")
    assert error.code == "placement_closed"
