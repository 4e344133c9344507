"""Registering a placement (stage 1): what the rules forbid, and what they allow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency
from agencies.services import agency_expire_licences, agency_sanction
from core.errors import DomainError
from placement import services
from placement.choices import EventKind, Stage
from placement.models import Placement, PlacementEvent
from recruitment.choices import JobOrderStatus
from recruitment.models import Application
from tests.factories import EmployerFactory, MoratoriumFactory
from tests.placement import journey as build
from tests.placement.journey import refused, register_worker, select, years_before

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def nothing_written():
    """Asserts, after the test's refusal, that no placement and no event were added."""
    placements, events = Placement.objects.count(), PlacementEvent.objects.count()

    def check():
        assert Placement.objects.count() == placements
        assert PlacementEvent.objects.count() == events

    return check


def create(actor, application):
    return services.placement_create(actor=actor, application=application)


def test_a_selected_worker_on_a_verified_job_order_is_registered(agency_a_staff, selected_application):
    placement = create(agency_a_staff, selected_application)

    assert placement.stage == Stage.REGISTERED
    assert (placement.worker, placement.job_order, placement.agency) == (
        selected_application.worker,
        selected_application.job_order,
        selected_application.job_order.agency,
    )
    # The worker's village and sex and the job order's country and sector travel with the placement
    # (the dashboard counts by them).
    worker, job_order = selected_application.worker, selected_application.job_order
    assert (placement.village_id, placement.worker_sex, placement.country_id, placement.sector) == (
        worker.village_id,
        worker.sex,
        job_order.country_id,
        job_order.sector,
    )
    event = PlacementEvent.objects.get(placement=placement)
    assert (event.kind, event.from_stage, event.to_stage, event.actor) == (
        EventKind.CREATED,
        None,
        Stage.REGISTERED,
        agency_a_staff,
    )


# --- The job order must be placeable ------------------------------------------------------


@pytest.mark.parametrize(
    ("sanction", "status"),
    [(SanctionKind.SUSPENSION, "suspended"), (SanctionKind.REVOCATION, "revoked")],
)
def test_no_placement_while_the_company_is_sanctioned(
    agency_a_staff, ministry_official, licensed_agency, selected_application, nothing_written, sanction, status
):
    agency_sanction(
        actor=ministry_official,
        agency_id=licensed_agency.pk,
        kind=sanction,
        reason="Menempatkan PMI tanpa perjanjian kerja",
        starts_on=timezone.localdate(),
    )

    error = refused(create, agency_a_staff, selected_application)

    assert error.code == "job_order_not_placeable"
    assert error.missing == [f"the company's licence is {status}"]
    assert str(error) == f"No placement can be recorded: the company's licence is {status}."
    nothing_written()


def test_no_placement_once_the_licence_has_expired(
    agency_a_staff, licensed_agency, selected_application, nothing_written
):
    Agency.objects.filter(pk=licensed_agency.pk).update(
        licence_expires_on=timezone.localdate() - timedelta(days=1)
    )  # the ministry's licensing system records the expiry; the nightly task applies it
    assert agency_expire_licences() == 1

    error = refused(create, agency_a_staff, selected_application)

    assert error.code == "job_order_not_placeable"
    assert error.missing == ["the company's licence is expired"]
    nothing_written()


@pytest.mark.parametrize("status", [JobOrderStatus.DRAFT, JobOrderStatus.SUBMITTED])
def test_no_placement_on_a_job_order_the_mission_has_not_verified(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory, lombok_worker, nothing_written, status
):
    job_order = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        status=status,
    )
    # The portal takes applications only for published job orders; an import or an old
    # record can still hold one for an unverified job order, and the guard must hold then.
    application = Application.objects.create(
        worker=lombok_worker, job_order=job_order, status="selected", applied_on=timezone.localdate()
    )

    error = refused(create, agency_a_staff, application)

    assert error.code == "job_order_not_placeable"
    assert error.missing == ["the job order is not verified by the Indonesian mission"]
    assert "not verified by the Indonesian mission" in str(error)
    nothing_written()


def test_no_placement_while_a_moratorium_covers_the_country_and_sector(
    agency_a_staff, selected_application, nothing_written
):
    MoratoriumFactory(country_id="MY", sector="formal", starts_on=timezone.localdate() - timedelta(days=1))

    error = refused(create, agency_a_staff, selected_application)

    assert error.code == "job_order_not_placeable"
    assert error.missing == ["Malaysia is under a moratorium for the formal (company employer) sector"]
    nothing_written()


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(-400, -1), (1, None)],
    ids=["moratorium-lifted-yesterday", "moratorium-from-tomorrow"],
)
def test_a_moratorium_outside_today_does_not_stop_a_placement(agency_a_staff, selected_application, starts, ends):
    today = timezone.localdate()
    MoratoriumFactory(
        country_id="MY",
        sector="formal",
        starts_on=today + timedelta(days=starts),
        ends_on=today + timedelta(days=ends) if ends is not None else None,
    )
    assert create(agency_a_staff, selected_application).stage == Stage.REGISTERED


def test_a_moratorium_on_another_sector_does_not_stop_a_placement(agency_a_staff, selected_application):
    MoratoriumFactory(country_id="MY", sector="informal")
    assert create(agency_a_staff, selected_application).stage == Stage.REGISTERED


def test_no_placement_with_a_blacklisted_employer(
    agency_a_staff, malaysian_factory, selected_application, nothing_written
):
    malaysian_factory.blacklisted = True  # the ministry blacklists it after the job order was published
    malaysian_factory.save()

    error = refused(create, agency_a_staff, selected_application)

    assert error.code == "job_order_not_placeable"
    assert error.missing == ["the employer is blacklisted"]
    nothing_written()


def test_every_reason_is_named_at_once(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory, selected_application, nothing_written
):
    malaysian_factory.blacklisted = True
    malaysian_factory.save()
    agency_sanction(
        actor=ministry_official,
        agency_id=licensed_agency.pk,
        kind=SanctionKind.SUSPENSION,
        reason="Audit",
        starts_on=timezone.localdate(),
    )

    error = refused(create, agency_a_staff, selected_application)

    assert error.missing == ["the company's licence is suspended", "the employer is blacklisted"]
    assert str(error) == (
        "No placement can be recorded: the company's licence is suspended; the employer is blacklisted."
    )
    nothing_written()


# --- The worker must be placeable ---------------------------------------------------------


def test_no_placement_for_a_worker_under_18(agency_a_staff, licensed_agency, factory_job_order, nothing_written):
    today = timezone.localdate()
    seventeen = register_worker(
        actor=agency_a_staff,
        agency=licensed_agency,
        serial=2,
        birth_date=years_before(today, 18) + timedelta(days=1),  # turns 18 tomorrow
        full_name="Baiq Nurul",
    )

    error = refused(create, agency_a_staff, select(agency_a_staff, seventeen, factory_job_order))

    assert error.code == "worker_underage"
    assert str(error) == "The worker is under 18."
    nothing_written()


def test_a_worker_who_turns_18_today_may_be_registered(agency_a_staff, licensed_agency, factory_job_order):
    eighteen = register_worker(
        actor=agency_a_staff,
        agency=licensed_agency,
        serial=3,
        birth_date=years_before(timezone.localdate(), 18),
        full_name="Baiq Hartini",
    )
    placement = create(agency_a_staff, select(agency_a_staff, eighteen, factory_job_order))
    assert placement.stage == Stage.REGISTERED


def test_no_placement_without_family_consent(agency_a_staff, licensed_agency, factory_job_order, nothing_written):
    worker = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=4, consent=False)

    error = refused(create, agency_a_staff, select(agency_a_staff, worker, factory_job_order))

    assert error.code == "family_consent_missing"
    assert str(error) == "The family consent acknowledged by the village head is missing."
    nothing_written()


@pytest.mark.parametrize("decision", [False, "withdrawn"], ids=["not-selected", "withdrawn"])
def test_no_placement_from_a_closed_application(agency_a_staff, lombok_worker, factory_job_order, decision):
    if decision == "withdrawn":
        application = select(agency_a_staff, lombok_worker, factory_job_order, selected=None)
        Application.objects.filter(pk=application.pk).update(status="withdrawn")  # no service withdraws yet
        application.refresh_from_db()
    else:
        application = select(agency_a_staff, lombok_worker, factory_job_order, selected=False)

    error = refused(create, agency_a_staff, application)

    assert error.code == "application_closed"
    assert str(error) == "The application was not selected or was withdrawn."
    assert not Placement.objects.exists()


def test_a_worker_is_in_one_active_placement_at_a_time(
    agency_a_staff, ministry_official, licensed_agency, lombok_worker, journey, nothing_written
):
    welding = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=EmployerFactory(name="Johor Steel Sdn Bhd"),
        occupation="welder",
    )
    second = select(agency_a_staff, lombok_worker, welding)

    error = refused(create, agency_a_staff, second)

    assert error.code == "worker_already_placed"
    assert str(error) == "This worker is already in another active placement."
    nothing_written()

    journey.cancel("Pindah ke lowongan las")
    assert create(agency_a_staff, second).stage == Stage.REGISTERED


def test_a_returned_worker_may_go_again(agency_a_staff, ministry_official, licensed_agency, lombok_worker, journey):
    journey.walk_to(Stage.READY)
    journey.depart()
    journey.arrive()
    journey.return_home()
    second_contract = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=EmployerFactory(name="Johor Steel Sdn Bhd"),
        occupation="welder",
    )
    placement = create(agency_a_staff, select(agency_a_staff, lombok_worker, second_contract))
    assert placement.stage == Stage.REGISTERED
    assert lombok_worker.placements.count() == 2


# --- Quota --------------------------------------------------------------------------------


@pytest.fixture
def quota_of_one(agency_a_staff, ministry_official, licensed_agency, malaysian_factory):
    return build.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory, quota=1
    )


def test_a_full_quota_refuses_the_next_worker(agency_a_staff, licensed_agency, quota_of_one):
    first, second = (
        register_worker(actor=agency_a_staff, agency=licensed_agency, serial=serial, full_name=name)
        for serial, name in ((11, "Baiq Rohani"), (12, "Ni Luh Sari"))
    )
    placed = create(agency_a_staff, select(agency_a_staff, first, quota_of_one))
    waiting = select(agency_a_staff, second, quota_of_one)
    placements, events = Placement.objects.count(), PlacementEvent.objects.count()

    error = refused(create, agency_a_staff, waiting)

    assert error.code == "quota_full"
    assert str(error) == "The job order's quota of 1 positions is full."
    assert (Placement.objects.count(), PlacementEvent.objects.count()) == (placements, events)

    services.placement_cancel(actor=agency_a_staff, placement_id=placed.pk, reason="Tidak lolos medical")
    assert create(agency_a_staff, waiting).stage == Stage.REGISTERED


def test_a_returned_placement_still_counts_against_the_quota(agency_a_staff, licensed_agency, quota_of_one):
    first = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=13)
    trip = build.place(agency_a_staff, select(agency_a_staff, first, quota_of_one))
    trip.walk_to(Stage.READY)
    trip.depart()
    trip.return_home(reason="deportation", on=trip.departure + timedelta(days=5))
    second = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=14, full_name="Ni Luh Sari")

    error = refused(create, agency_a_staff, select(agency_a_staff, second, quota_of_one))

    assert error.code == "quota_full"


def test_positions_for_women_are_counted_apart(agency_a_staff, ministry_official, licensed_agency, malaysian_factory):
    job_order = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        quota=5,
        quota_female=1,
    )
    women = [
        register_worker(actor=agency_a_staff, agency=licensed_agency, serial=20 + i, full_name=f"Baiq {i}")
        for i in range(2)
    ]
    man = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=22, sex="M", full_name="Lalu Ahmad")
    create(agency_a_staff, select(agency_a_staff, women[0], job_order))
    count_before = Placement.objects.count()

    error = refused(create, agency_a_staff, select(agency_a_staff, women[1], job_order))

    assert error.code == "quota_full"
    assert str(error) == "The job order's positions for this sex are full."
    assert Placement.objects.count() == count_before
    assert create(agency_a_staff, select(agency_a_staff, man, job_order)).worker == man


def test_a_worker_whose_placement_was_cancelled_is_not_told_they_are_placed(agency_a_staff, journey):
    application = journey.placement.application
    journey.cancel("Berkas tertukar, didaftarkan ulang")
    assert not Placement.objects.filter(worker=application.worker, stage__lt=Stage.RETURNED).exists()

    try:
        create(agency_a_staff, application)
    except DomainError as error:
        assert error.code != "worker_already_placed", str(error)
        assert "another active placement" not in str(error)


def test_the_licence_status_is_read_at_the_moment_of_registration(
    agency_a_staff, licensed_agency, selected_application
):
    Agency.objects.filter(pk=licensed_agency.pk).update(licence_status=LicenceStatus.SUSPENDED)
    assert refused(create, agency_a_staff, selected_application).code == "job_order_not_placeable"
    Agency.objects.filter(pk=licensed_agency.pk).update(licence_status=LicenceStatus.ACTIVE)  # suspension lifted
    assert create(agency_a_staff, selected_application).stage == Stage.REGISTERED
