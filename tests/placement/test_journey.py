"""One worker from registration to return, and the timeline it leaves behind."""

from datetime import timedelta

import pytest

from core.errors import DomainError
from placement import services
from placement.choices import DocumentKind, EventKind, ReturnReason, Stage
from placement.models import Placement, PlacementEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ADVANCEABLE = [
    Stage.SELECTED,
    Stage.MEDICAL,
    Stage.TRAINING,
    Stage.AGREEMENT,
    Stage.DOCUMENTS,
    Stage.CONTRACT,
    Stage.ORIENTATION,
    Stage.READY,
]


def test_a_worker_goes_from_registration_to_return_through_the_services(journey):
    assert journey.placement.stage == Stage.REGISTERED

    for stage in ADVANCEABLE:
        journey.provide(stage)
        assert journey.advance(stage).stage == stage

    journey.depart(point="LOP")
    placement = journey.reload()
    assert placement.stage == Stage.DEPARTED
    assert (placement.departed_on, placement.embarkation_point_id, placement.flight) == (
        journey.departure,
        "LOP",
        "QZ 512",
    )

    journey.arrive(on=journey.departure, reported_on=journey.departure + timedelta(days=2))
    placement = journey.reload()
    assert placement.stage == Stage.WORKING
    assert placement.arrival_reported_on == journey.departure + timedelta(days=2)

    journey.return_home(reason=ReturnReason.CONTRACT_COMPLETED, on=journey.today)
    placement = journey.reload()
    assert placement.stage == Stage.RETURNED
    assert placement.return_reason == ReturnReason.CONTRACT_COMPLETED
    assert placement.returned_on == journey.today


def test_the_timeline_shows_every_stage_in_order_and_who_moved_it(journey, agency_a_staff):
    journey.walk_to(Stage.READY)
    journey.depart()
    journey.arrive()
    journey.return_home()

    moves = PlacementEvent.objects.filter(placement=journey.placement, to_stage__isnull=False).order_by("at", "id")
    assert [(e.kind, e.from_stage, e.to_stage) for e in moves] == [
        (EventKind.CREATED, None, Stage.REGISTERED),
        (EventKind.ADVANCED, Stage.REGISTERED, Stage.SELECTED),
        (EventKind.ADVANCED, Stage.SELECTED, Stage.MEDICAL),
        (EventKind.ADVANCED, Stage.MEDICAL, Stage.TRAINING),
        (EventKind.ADVANCED, Stage.TRAINING, Stage.AGREEMENT),
        (EventKind.ADVANCED, Stage.AGREEMENT, Stage.DOCUMENTS),
        (EventKind.ADVANCED, Stage.DOCUMENTS, Stage.CONTRACT),
        (EventKind.ADVANCED, Stage.CONTRACT, Stage.ORIENTATION),
        (EventKind.ADVANCED, Stage.ORIENTATION, Stage.READY),
        (EventKind.DEPARTED, Stage.READY, Stage.DEPARTED),
        (EventKind.ARRIVED, Stage.DEPARTED, Stage.WORKING),
        (EventKind.RETURNED, Stage.WORKING, Stage.RETURNED),
    ]
    assert {event.actor for event in moves} == {agency_a_staff}
    times = [event.at for event in moves]
    assert times == sorted(times)


def test_the_timeline_also_records_documents_and_facts(journey):
    journey.walk_to(Stage.AGREEMENT)
    recorded = [
        (event.kind, event.data.get("document_kind"))
        for event in journey.placement.events.exclude(kind__in=[EventKind.CREATED, EventKind.ADVANCED])
    ]
    assert recorded == [
        (EventKind.DOCUMENT_ADDED, DocumentKind.HEALTH_CERTIFICATE),
        (EventKind.DOCUMENT_ADDED, DocumentKind.COMPETENCY_CERTIFICATE),
        (EventKind.FACTS_RECORDED, None),
        (EventKind.DOCUMENT_ADDED, DocumentKind.PLACEMENT_AGREEMENT),
    ]
    agreement = journey.placement.events.get(kind=EventKind.FACTS_RECORDED)
    assert agreement.data == {"signed_on": journey.today.isoformat(), "worker_costs": "0"}


def test_the_departure_event_says_when_where_and_how(journey):
    journey.walk_to(Stage.READY)
    journey.depart(point="LOP", flight="QZ 512")
    event = journey.placement.events.get(kind=EventKind.DEPARTED)
    assert event.data == {
        "departed_on": journey.departure.isoformat(),
        "embarkation_point": "LOP",
        "flight": "QZ 512",
    }


def test_every_change_raises_the_version_by_one_and_writes_one_event(journey):
    versions = [journey.placement.version]
    journey.add_document(DocumentKind.BIRTH_CERTIFICATE)
    versions.append(journey.reload().version)
    journey.advance(Stage.SELECTED)
    versions.append(journey.reload().version)
    journey.provide(Stage.MEDICAL)
    versions.append(journey.reload().version)
    journey.advance(Stage.MEDICAL)
    versions.append(journey.reload().version)

    assert versions == [1, 2, 3, 4, 5]
    assert journey.placement.events.count() == journey.placement.version


def test_the_version_counts_every_event_of_a_whole_journey(journey):
    journey.walk_to(Stage.READY)
    journey.depart()
    journey.arrive()
    journey.return_home()
    placement = journey.reload()
    assert placement.version == placement.events.count()
    assert placement.version > len(ADVANCEABLE) + 4


def test_a_refused_transition_writes_no_event_and_changes_nothing(journey):
    journey.walk_to(Stage.SELECTED)
    before = journey.reload()
    events_before = PlacementEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        journey.advance(Stage.MEDICAL)  # no health certificate yet

    assert refused.value.code == "stage_requirements_missing"
    after = journey.reload()
    assert (after.stage, after.version, after.stage_changed_at) == (
        Stage.SELECTED,
        before.version,
        before.stage_changed_at,
    )
    assert PlacementEvent.objects.count() == events_before


def test_a_document_can_be_verified_once(journey, ministry_official):
    document = journey.add_document(DocumentKind.PASSPORT, number="C7654321")
    services.document_verify(actor=ministry_official, document_id=document.pk)
    document.refresh_from_db()
    assert document.verified_by == ministry_official and document.verified_at is not None
    event = journey.placement.events.get(kind=EventKind.DOCUMENT_VERIFIED)
    assert event.actor == ministry_official

    with pytest.raises(DomainError) as refused:
        services.document_verify(actor=ministry_official, document_id=document.pk)
    assert refused.value.code == "document_already_verified"
    assert str(refused.value) == "This document is already verified."


def test_the_passport_number_is_stored_upper_case_without_spaces(journey):
    journey.walk_to(Stage.DOCUMENTS)
    assert journey.placement.documents.get(kind=DocumentKind.PASSPORT).number == "C1234567"


def test_a_placement_is_stored_for_the_company_of_the_job_order(journey, factory_job_order):
    placement = Placement.objects.get(pk=journey.pk)
    assert placement.agency_id == factory_job_order.agency_id
    assert placement.application.job_order_id == factory_job_order.pk
