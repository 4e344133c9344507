"""The stages a placement's timeline reached, kept on its row by the events' triggers (migration
0006), which the red-flag re-check reads instead of asking every month's partition of the events.
Whoever writes the events (the services, an import, a repair by hand), the row says what the
timeline says, and the re-check judges by it as the full scan judges by the timeline."""

import pytest
from django.db import connection
from django.utils import timezone

from oversight.engine import full_scan, recheck
from oversight.models import Flag
from placement.choices import EventKind, Stage
from placement.models import PlacementEvent

pytestmark = pytest.mark.django_db

# How the full scan reads the stages reached (oversight/facts.py), for comparison.
FROM_THE_TIMELINE = """
SELECT COALESCE(bit_or(1::bigint << to_stage), 0) FROM placement_placementevent
WHERE placement_id = %s AND to_stage BETWEEN 0 AND 62"""


def kept(placement_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reached_stages FROM placement_placement WHERE id = %s", [placement_id])
        return cursor.fetchone()[0]


def from_the_timeline(placement_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(FROM_THE_TIMELINE, [placement_id])
        return cursor.fetchone()[0]


def bits(*stages: int) -> int:
    return sum(1 << stage for stage in stages)


def test_the_services_steps_set_the_stages_the_timeline_reached(journey):
    assert kept(journey.pk) == bits(Stage.REGISTERED)
    journey.walk_to(Stage.READY)
    assert kept(journey.pk) == from_the_timeline(journey.pk)
    assert kept(journey.pk) & bits(Stage.REGISTERED, Stage.READY) == bits(Stage.REGISTERED, Stage.READY)


def test_an_import_writing_events_in_bulk_sets_the_stages_they_reach(journey):
    """One INSERT of several events, as an import writes them: every bit they reach, in one statement."""
    now = timezone.now()
    PlacementEvent.objects.bulk_create(
        [
            PlacementEvent(placement_id=journey.pk, at=now, kind=EventKind.ADVANCED, from_stage=1, to_stage=stage)
            for stage in (Stage.SELECTED, Stage.TRAINING, Stage.AGREEMENT)
        ]
    )
    reached = bits(Stage.REGISTERED, Stage.SELECTED, Stage.TRAINING, Stage.AGREEMENT)
    assert kept(journey.pk) == reached == from_the_timeline(journey.pk)


def test_an_event_deleted_or_corrected_by_hand_is_taken_back(journey):
    journey.walk_to(Stage.SELECTED)
    reached = kept(journey.pk)
    selected = PlacementEvent.objects.filter(placement_id=journey.pk, to_stage=Stage.SELECTED)
    selected.update(to_stage=Stage.TRAINING)
    assert kept(journey.pk) == reached - bits(Stage.SELECTED) + bits(Stage.TRAINING) == from_the_timeline(journey.pk)
    PlacementEvent.objects.filter(placement_id=journey.pk, to_stage=Stage.TRAINING).delete()
    assert kept(journey.pk) == reached - bits(Stage.SELECTED) == from_the_timeline(journey.pk)


def test_a_recheck_sees_a_stage_removed_from_the_timeline_as_the_scan_does(journey):
    """STAGE_SKIPPED reads the reached stages: from the row in a re-check, from the timeline in a
    scan. An event removed by hand opens the same flag either way."""
    journey.walk_to(Stage.READY)
    PlacementEvent.objects.filter(placement_id=journey.pk, to_stage=Stage.SELECTED).delete()
    recheck({"placement": [journey.pk]})
    flag = Flag.objects.get(rule_code="STAGE_SKIPPED", subject_id=journey.pk, status="open")
    assert Stage.SELECTED in flag.evidence["missing_stages"]
    full_scan()
    flag.refresh_from_db()
    assert flag.status == "open"
    assert Flag.objects.filter(rule_code="STAGE_SKIPPED").count() == 1


def test_emptying_the_timeline_clears_every_placements_stages(journey):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own writes leave no checks pending
        cursor.execute("TRUNCATE placement_placementevent")
    assert kept(journey.pk) == 0
