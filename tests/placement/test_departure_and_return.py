"""Departure (stage 10), arrival and arrival report (11), return (12), and cancellation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.choices import SanctionKind
from agencies.services import agency_sanction
from placement.choices import DocumentKind, EventKind, ReturnReason, Stage
from placement.models import Document, PlacementEvent
from recruitment import services as recruitment
from tests.factories import EmbarkationPointFactory, MoratoriumFactory
from tests.placement import journey as build
from tests.placement.journey import refused, register_worker, select

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def day(value) -> str:
    return f"{value.day} {value:%B %Y}"


@pytest.fixture
def ready(journey):
    """The placement with everything recorded and the E-PMI issued (stage 9)."""
    journey.walk_to(Stage.READY)
    return journey


def assert_still_ready(trip):
    placement = trip.reload()
    assert placement.stage == Stage.READY
    assert placement.departed_on is None and placement.embarkation_point is None
    assert not placement.events.filter(kind=EventKind.DEPARTED).exists()


# --- Departure ----------------------------------------------------------------------------


def test_a_ready_placement_departs_from_an_official_airport(ready):
    placement = ready.depart(point="LOP", flight=" QZ 512 ")

    assert placement.stage == Stage.DEPARTED
    placement = ready.reload()
    assert (placement.departed_on, placement.embarkation_point_id, placement.flight) == (
        ready.departure,
        "LOP",
        "QZ 512",
    )


def test_departure_is_refused_from_an_unofficial_crossing(ready):
    rat_path = EmbarkationPointFactory(code="XLH", name="Pantai Labuhan Haji (jalur tikus)", official=False)

    error = refused(ready.depart, point=rat_path)

    assert error.code == "departure_refused"
    assert error.missing == ["Pantai Labuhan Haji (jalur tikus) is not an official embarkation point"]
    assert str(error) == (
        "Departure cannot be recorded: Pantai Labuhan Haji (jalur tikus) is not an official embarkation point."
    )
    assert_still_ready(ready)


def test_departure_needs_the_flight_or_crossing(ready):
    error = refused(ready.depart, flight="  ")
    assert error.missing == ["the flight or crossing"]
    assert_still_ready(ready)


def test_departure_is_refused_when_a_document_expires_before_the_day(journey):
    # Valid on the planned day; the departure slipped past the work visa's expiry. The placement
    # became ready while the visa was valid (stages check today's validity), so set its expiry after.
    journey.departure = journey.today - timedelta(days=12)
    journey.walk_to(Stage.READY)
    visa_ends = journey.departure + timedelta(days=5)
    Document.objects.filter(placement_id=journey.pk, kind=DocumentKind.WORK_VISA).update(expires_on=visa_ends)
    late = journey.departure + timedelta(days=10)

    error = refused(journey.depart, on=late)

    assert error.code == "departure_refused"
    assert error.missing == [f"Work visa expired on {day(visa_ends)}, before {day(late)}"]
    assert "Work visa expired on" in str(error)
    assert_still_ready(journey)

    assert journey.depart(on=visa_ends).stage == Stage.DEPARTED  # still valid on its last day


def test_departure_is_refused_for_a_worker_under_18_on_that_day(agency_a_staff, licensed_agency, factory_job_order):
    today = timezone.localdate()
    birthday = build.years_before(today, 18) - timedelta(days=5)  # turned 18 five days ago
    young = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=7, birth_date=birthday, full_name="Baiq Wulan"
    )
    trip = build.place(agency_a_staff, select(agency_a_staff, young, factory_job_order))
    trip.departure = today  # planned for today, when she is 18
    trip.walk_to(Stage.READY)
    backdated = today - timedelta(days=10)  # a departure recorded late, before her 18th birthday

    error = refused(trip.depart, on=backdated)

    assert error.code == "departure_refused"
    assert error.missing == [f"the worker will be under 18 on {day(backdated)}"]
    assert_still_ready(trip)


def test_departure_is_refused_once_the_licence_is_suspended(ready, ministry_official, licensed_agency):
    agency_sanction(
        actor=ministry_official,
        agency_id=licensed_agency.pk,
        kind=SanctionKind.SUSPENSION,
        reason="Penampungan CPMI tidak layak",
        starts_on=ready.today,
    )

    error = refused(ready.depart)

    assert error.code == "departure_refused"
    assert error.missing == ["the company's licence is suspended"]
    assert_still_ready(ready)


def test_departure_is_refused_under_a_moratorium_imposed_meanwhile(ready):
    MoratoriumFactory(country_id="MY", sector="formal", starts_on=ready.departure - timedelta(days=1))
    error = refused(ready.depart)
    assert error.missing == ["Malaysia is under a moratorium for the formal (company employer) sector"]
    assert_still_ready(ready)


def test_every_reason_against_a_departure_is_named(ready, ministry_official, licensed_agency):
    agency_sanction(
        actor=ministry_official,
        agency_id=licensed_agency.pk,
        kind=SanctionKind.REVOCATION,
        reason="Perdagangan orang",
        starts_on=ready.today,
    )
    rat_path = EmbarkationPointFactory(code="XEN", name="Jalan setapak Entikong", kind="land", official=False)

    error = refused(ready.depart, point=rat_path, flight="")

    assert error.missing == [
        "the company's licence is revoked",
        "Jalan setapak Entikong is not an official embarkation point",
        "the flight or crossing",
    ]


def test_only_a_ready_placement_can_depart(journey):
    journey.walk_to(Stage.ORIENTATION)
    error = refused(journey.depart)
    assert error.code == "stage_out_of_order"
    assert str(error) == "Only a placement that is ready (E-PMI issued) can depart."
    assert journey.stage == Stage.ORIENTATION


def test_closing_a_filled_job_order_does_not_stop_its_workers_departing(ready, agency_a_staff, factory_job_order):
    recruitment.job_order_close(actor=agency_a_staff, job_order_id=factory_job_order.pk)
    assert ready.depart().stage == Stage.DEPARTED


def test_a_placement_is_not_ready_when_the_e_pmi_card_expires_before_the_departure_day(journey):
    journey.departure = journey.today + timedelta(days=30)  # planned a month ahead
    journey.expiry[DocumentKind.EPMI] = journey.today + timedelta(days=5)  # valid today, not on the day
    journey.walk_to(Stage.ORIENTATION)
    journey.provide(Stage.READY)

    error = refused(journey.advance, Stage.READY)

    assert any(item.startswith("E-PMI card expired on") for item in error.missing)


@pytest.mark.parametrize(
    ("days_ago", "code", "message"),
    [
        (-1, "date_in_future", "The departure cannot be dated in the future."),
        (31, "date_too_old", "A departure can be recorded at most 30 days after it happened."),
    ],
    ids=["tomorrow", "a-month-and-a-day-ago"],
)
def test_a_departure_is_dated_neither_in_the_future_nor_too_far_back(journey, days_ago, code, message):
    journey.departure = journey.today - timedelta(days=40)  # planned (and documents valid) that far back
    journey.walk_to(Stage.READY)

    error = refused(journey.depart, on=journey.today - timedelta(days=days_ago))

    assert (error.code, str(error), error.invalid_input) == (code, message, True)
    assert error.fields == {"departed_on": [message]}
    assert_still_ready(journey)
    assert journey.depart(on=journey.today - timedelta(days=30)).stage == Stage.DEPARTED  # the oldest allowed


def test_how_far_back_a_departure_may_be_dated_is_a_setting(settings, journey):
    settings.DEPARTURE_BACKDATE_DAYS = 5
    journey.walk_to(Stage.READY)  # planned a week ago
    error = refused(journey.depart)
    assert str(error) == "A departure can be recorded at most 5 days after it happened."
    assert_still_ready(journey)


# --- Arrival ------------------------------------------------------------------------------


@pytest.fixture
def departed(ready):
    ready.depart()
    return ready


def test_a_departed_worker_arrives_and_reports_to_the_mission(departed):
    placement = departed.arrive(
        on=departed.departure + timedelta(days=1), reported_on=departed.departure + timedelta(days=4)
    )
    assert placement.stage == Stage.WORKING
    event = placement.events.get(kind=EventKind.ARRIVED)
    assert event.data == {
        "arrived_on": (departed.departure + timedelta(days=1)).isoformat(),
        "reported_on": (departed.departure + timedelta(days=4)).isoformat(),
    }


@pytest.mark.parametrize(
    ("arrived", "reported"),
    [(-1, 2), (1, 0)],
    ids=["arrival-before-departure", "report-before-arrival"],
)
def test_arrival_dates_must_follow_the_departure(departed, arrived, reported):
    error = refused(
        departed.arrive,
        on=departed.departure + timedelta(days=arrived),
        reported_on=departed.departure + timedelta(days=reported),
    )
    assert error.code == "dates_out_of_order"
    assert str(error) == "Arrival must follow departure, and the report must follow arrival."
    assert departed.stage == Stage.DEPARTED


def test_a_placement_that_has_not_departed_cannot_arrive(ready):
    error = refused(ready.arrive, on=ready.today, reported_on=ready.today)
    assert (error.code, str(error)) == ("stage_out_of_order", "Only a departed placement can arrive.")
    assert ready.stage == Stage.READY


def test_a_worker_cannot_arrive_twice(departed):
    departed.arrive()
    assert refused(departed.arrive).code == "stage_out_of_order"


# --- Return -------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(ReturnReason))
def test_a_worker_abroad_returns_with_a_reason(departed, reason):
    departed.arrive()
    placement = departed.return_home(reason=reason, on=departed.today)

    assert placement.stage == Stage.RETURNED
    event = placement.events.get(kind=EventKind.RETURNED)
    assert (event.from_stage, event.to_stage, event.data["return_reason"]) == (
        Stage.WORKING,
        Stage.RETURNED,
        reason,
    )


def test_a_worker_turned_back_before_arrival_returns_from_departed(departed):
    placement = departed.return_home(reason=ReturnReason.DEPORTATION, on=departed.departure + timedelta(days=1))
    assert placement.stage == Stage.RETURNED
    assert placement.events.get(kind=EventKind.RETURNED).from_stage == Stage.DEPARTED


def test_a_return_needs_a_known_reason(departed):
    error = refused(departed.return_home, reason="")
    assert (error.code, str(error)) == ("invalid_reason", "Choose a reason for the return.")
    error = refused(departed.return_home, reason="bored")
    assert error.code == "invalid_reason"
    assert departed.stage == Stage.DEPARTED


def test_a_return_cannot_be_dated_in_the_future(departed):
    error = refused(departed.return_home, on=departed.today + timedelta(days=1))
    assert (error.code, str(error)) == ("date_in_future", "The return cannot be dated in the future.")
    assert departed.stage == Stage.DEPARTED


def test_a_return_cannot_precede_the_departure(departed):
    error = refused(departed.return_home, on=departed.departure - timedelta(days=1))
    assert (error.code, str(error)) == ("dates_out_of_order", "The return cannot be before the departure.")
    assert departed.stage == Stage.DEPARTED


def test_a_return_cannot_precede_the_arrival(departed):
    departed.arrive(on=departed.departure + timedelta(days=5))
    error = refused(departed.return_home, on=departed.departure + timedelta(days=2))
    assert error.code == "dates_out_of_order"


@pytest.mark.parametrize("upto", [Stage.REGISTERED, Stage.READY])
def test_only_a_placement_abroad_can_return(journey, upto):
    journey.walk_to(upto)
    error = refused(journey.return_home, on=journey.today)
    assert (error.code, str(error)) == ("stage_out_of_order", "Only a placement abroad can return.")
    assert journey.stage == upto


def test_a_returned_placement_is_closed(departed):
    departed.return_home()
    assert refused(departed.return_home).code == "stage_out_of_order"
    error = refused(departed.add_document, DocumentKind.BPJS)
    assert (error.code, str(error)) == ("placement_closed", "The placement is closed; no documents can be added.")


# --- Cancellation -------------------------------------------------------------------------


@pytest.mark.parametrize("upto", [Stage.REGISTERED, Stage.TRAINING, Stage.READY])
def test_a_placement_is_cancelled_before_departure_with_a_reason(journey, upto):
    journey.walk_to(upto)

    placement = journey.cancel("Dinyatakan tidak fit oleh klinik")

    assert placement.stage == Stage.CANCELLED
    assert journey.reload().cancellation_reason == "Dinyatakan tidak fit oleh klinik"
    event = placement.events.get(kind=EventKind.CANCELLED)
    assert (event.from_stage, event.to_stage, event.reason) == (
        upto,
        Stage.CANCELLED,
        "Dinyatakan tidak fit oleh klinik",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_cancellation_needs_a_reason(journey, reason):
    events_before = PlacementEvent.objects.count()
    error = refused(journey.cancel, reason)
    assert (error.code, str(error)) == ("reason_required", "A reason is required to cancel a placement.")
    assert journey.stage == Stage.REGISTERED
    assert PlacementEvent.objects.count() == events_before


@pytest.mark.parametrize("abroad", ["departed", "working", "returned"])
def test_a_placement_cannot_be_cancelled_after_departure(departed, abroad):
    if abroad in ("working", "returned"):
        departed.arrive()
    if abroad == "returned":
        departed.return_home()
    stage_before = departed.stage

    error = refused(departed.cancel, "Dibatalkan")

    assert error.code == "placement_closed"
    assert str(error) == "The placement can no longer change this: it has departed, returned or been cancelled."
    assert departed.stage == stage_before


def test_a_cancelled_placement_cannot_be_cancelled_again_or_take_documents(journey):
    journey.cancel()
    assert refused(journey.cancel, "Lagi").code == "placement_closed"
    assert refused(journey.add_document, DocumentKind.PASSPORT).code == "placement_closed"
    assert refused(journey.advance, Stage.SELECTED).code == "stage_out_of_order"


def test_the_agreement_and_contract_cannot_change_after_departure(departed):
    assert refused(departed.record_agreement, worker_costs="0").code == "placement_closed"
    assert refused(departed.record_contract).code == "placement_closed"
    assert refused(departed.plan_departure).code == "placement_closed"
