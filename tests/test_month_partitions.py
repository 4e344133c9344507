"""Placement events and audit entries are partitioned by month: each row lands in its month's table
(a far-away date in DEFAULT), the nightly job makes the coming months' partitions and moves their
rows out of DEFAULT, the migration keeps every row, id and index, and the pages still list in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from accounts.services import audit_record
from core import clock
from core.partitions import (
    add_months,
    convert_from_month_partitions,
    convert_to_month_partitions,
    default_partition_name,
    month_of,
    partition_name,
)
from placement.choices import Stage
from placement.models import PlacementEvent
from siskop2mi.partitions import month_partitions_ensure
from siskop2mi.tasks import create_month_partitions

EVENTS, AUDIT = "placement_placementevent", "accounts_auditentry"
FAR_AWAY = datetime(2099, 3, 15, 8, 0, tzinfo=UTC)  # a date typed a lifetime off
LONG_AGO = datetime(2021, 6, 10, 2, 0, tzinfo=UTC)  # older than any month the migration made on a fresh database


@pytest.fixture(autouse=True)
def coming_months(db):
    """This month's and the next two months' partitions, as the nightly job keeps them (a test database made
    in an earlier month has older ones only)."""
    month_partitions_ensure()


def this_month():
    return month_of(datetime.now(UTC))


def _partition_of(model, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _partitions(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        return {name for (name,) in cursor.fetchall()}


def _drop(*partitions: str) -> None:
    with connection.cursor() as cursor:
        for partition in partitions:
            cursor.execute(f"DROP TABLE {partition}")


def test_events_land_in_their_months_partition_and_a_far_away_date_in_default(journey):
    journey.walk_to(Stage.SELECTED)
    with clock.as_of(FAR_AWAY):  # the moment the placement service stamps its event with
        journey.cancel("Tanggal salah ketik")

    events = list(journey.placement.events.order_by("at", "id"))
    assert [event.kind for event in events] == ["created", "advanced", "cancelled"]
    for event in events[:2]:
        assert _partition_of(PlacementEvent, event.pk) == partition_name(EVENTS, this_month())
    assert _partition_of(PlacementEvent, events[2].pk) == default_partition_name(EVENTS)


def test_audit_entries_land_in_their_months_partition_and_move_when_redated(ministry_official):
    entry = audit_record(action=AuditAction.LOGIN, actor=ministry_official, ip_address="10.0.0.7")
    assert _partition_of(AuditEntry, entry.pk) == partition_name(AUDIT, this_month())

    # The demo's replay re-dates what it wrote; the row moves to the partition of its new month.
    month_partitions_ensure(first=LONG_AGO, through=LONG_AGO)
    AuditEntry.objects.filter(pk=entry.pk).update(at=LONG_AGO)
    assert _partition_of(AuditEntry, entry.pk) == f"{AUDIT}_p2021_06"
    AuditEntry.objects.filter(pk=entry.pk).update(at=FAR_AWAY)
    assert _partition_of(AuditEntry, entry.pk) == default_partition_name(AUDIT)
    assert AuditEntry.objects.get(pk=entry.pk).ip_address == "10.0.0.7"


def test_the_job_makes_next_months_partitions_and_is_idempotent(db):
    coming = [add_months(this_month(), 1), add_months(this_month(), 2)]
    _drop(*(partition_name(table, month) for table in (EVENTS, AUDIT) for month in coming))

    result = create_month_partitions()

    assert sorted(result["created"]) == sorted(partition_name(t, m) for t in (EVENTS, AUDIT) for m in coming)
    assert result["moved_rows"] == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = %s::regclass",
            [partition_name(EVENTS, coming[0])],
        )
        bounds = cursor.fetchone()[0]
    # Printed in the session's time zone, which Django sets to UTC: a month in UTC, whatever TIME_ZONE says.
    assert bounds == f"FOR VALUES FROM ('{coming[0]} 00:00:00+00') TO ('{coming[1]} 00:00:00+00')"
    # Made as a plain table and attached: it has each of the parent's indexes (the primary key among them),
    # the red-flag facts' covering index of the stage-moving events too (placement migration 0007).
    with connection.cursor() as cursor:
        assert len(_index_names(cursor, partition_name(EVENTS, coming[0]))) == len(_index_names(cursor, EVENTS)) == 6
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass AND indpred IS NOT NULL",
            [partition_name(EVENTS, coming[0])],
        )
        assert [definition.split(" USING ")[1] for (definition,) in cursor.fetchall()] == [
            "btree (placement_id) INCLUDE (to_stage) WHERE (to_stage IS NOT NULL)"
        ]
    assert create_month_partitions() == {"created": [], "moved_rows": 0}


def test_rows_of_a_month_already_in_default_move_into_its_new_partition(ministry_official):
    next_month = add_months(this_month(), 1)
    _drop(partition_name(AUDIT, next_month))  # as if the job had not run before the month's first write
    early = datetime.combine(next_month, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
    written = []
    for moment in (early, early + timedelta(days=20), FAR_AWAY):
        entry = audit_record(action=AuditAction.LOGIN_FAILED, actor=None, username="siti")
        AuditEntry.objects.filter(pk=entry.pk).update(at=moment)
        written.append(entry.pk)
    assert {_partition_of(AuditEntry, pk) for pk in written} == {default_partition_name(AUDIT)}

    out = StringIO()
    call_command("create_month_partitions", stdout=out)

    assert f"Created {partition_name(AUDIT, next_month)}, 2 rows moved from DEFAULT" in out.getvalue()
    assert [_partition_of(AuditEntry, pk) for pk in written] == [
        partition_name(AUDIT, next_month),
        partition_name(AUDIT, next_month),
        default_partition_name(AUDIT),
    ]
    assert AuditEntry.objects.filter(pk__in=written).count() == 3
    call_command("create_month_partitions", stdout=(again := StringIO()))
    assert "Every partition exists already." in again.getvalue()


def test_an_operator_makes_partitions_for_old_months_of_an_import(journey):
    with clock.as_of(LONG_AGO):
        journey.cancel("Impor data lama")
    event = journey.placement.events.get(kind="cancelled")
    assert _partition_of(PlacementEvent, event.pk) == default_partition_name(EVENTS)

    call_command("create_month_partitions", "--from", "2021-05", "--through", "2021-07", stdout=StringIO())

    assert _partition_of(PlacementEvent, event.pk) == f"{EVENTS}_p2021_06"
    assert {f"{EVENTS}_p2021_05", f"{EVENTS}_p2021_07"} <= _partitions(EVENTS)


def test_the_timeline_and_the_audit_page_still_list_rows_in_order(
    client, lotim_regency_official, journey, system_admin
):
    month_partitions_ensure(first=LONG_AGO, through=LONG_AGO)
    with clock.as_of(LONG_AGO):  # an imported step, in an old month's partition
        journey.walk_to(Stage.SELECTED)
    journey.walk_to(Stage.MEDICAL)  # this month's partition
    with clock.as_of(FAR_AWAY):  # DEFAULT
        journey.cancel("Tanggal salah ketik")
    partitions = {_partition_of(PlacementEvent, pk) for pk in journey.placement.events.values_list("pk", flat=True)}
    assert len(partitions) == 3

    client.force_login(lotim_regency_official)
    response = client.get(reverse("portal:placement_detail", args=[journey.pk]))
    assert response.status_code == 200
    moments = [entry.at for entry in response.context["timeline"]]
    assert moments == sorted(moments) and moments[0] < moments[1] and moments[-1] == FAR_AWAY
    assert len(moments) == journey.placement.events.count()

    entries = [audit_record(action=AuditAction.LOGIN, actor=system_admin) for _ in range(3)]
    for entry, moment in zip(entries, (LONG_AGO, FAR_AWAY, datetime.now(UTC) - timedelta(days=1)), strict=True):
        AuditEntry.objects.filter(pk=entry.pk).update(at=moment)
    client.force_login(system_admin)
    response = client.get(reverse("admin:accounts_auditentry_changelist"))
    assert response.status_code == 200
    listed = [entry.at for entry in response.context["cl"].result_list]
    assert listed == sorted(listed, reverse=True) and listed[0] == FAR_AWAY and LONG_AGO in listed


def test_the_migration_keeps_every_row_id_index_and_the_sequence(journey):
    journey.walk_to(Stage.MEDICAL)
    with clock.as_of(LONG_AGO):
        journey.cancel("Impor data lama")
    with connection.cursor() as cursor:
        convert_from_month_partitions(cursor, table=EVENTS)  # back to the table the migration found
        cursor.execute(f"SELECT to_regclass('{default_partition_name(EVENTS)}') IS NULL")
        assert cursor.fetchone()[0]
        indexes_before = _index_names(cursor, EVENTS)
        before = list(PlacementEvent.objects.order_by("id").values_list("id", "at", "kind"))

        convert_to_month_partitions(cursor, table=EVENTS, key="at", today=datetime.now(UTC).date())

        assert list(PlacementEvent.objects.order_by("id").values_list("id", "at", "kind")) == before
        assert _index_names(cursor, EVENTS) == indexes_before | {f"{EVENTS}_pkey"}
        cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [f"{EVENTS}_pkey"])
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, at)"
    # From the earliest row's month (June 2021) through two months ahead, and DEFAULT.
    made = _partitions(EVENTS)
    assert {f"{EVENTS}_p2021_06", partition_name(EVENTS, add_months(this_month(), 2))} <= made
    assert default_partition_name(EVENTS) in made
    assert len(made) == len(list(_months(LONG_AGO.date().replace(day=1), add_months(this_month(), 2)))) + 1
    cancelled = journey.placement.events.get(kind="cancelled")
    assert _partition_of(PlacementEvent, cancelled.pk) == f"{EVENTS}_p2021_06"

    # The sequence goes on where it was: a new event takes the next id.
    newest = PlacementEvent.objects.create(placement=journey.placement, at=datetime.now(UTC), kind="created")
    assert newest.pk == max(pk for pk, _at, _kind in before) + 1
    # The foreign keys are back: an event of a placement that does not exist is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementEvent.objects.create(placement_id=10**9, at=datetime.now(UTC), kind="created")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _index_names(cursor, table: str) -> set[str]:
    cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [table])
    return {name for (name,) in cursor.fetchall()}


def _months(first, through):
    month = first
    while month <= through:
        yield month
        month = add_months(month, 1)
