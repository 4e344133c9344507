"""The frequent refresh recounts only what changed, and its figures are the full rebuild's.

After a full rebuild of the small world (conftest.py), work goes on across several areas: a
worker registers in Kupang and is placed there, the man of Pijot is selected, Baiq Nurul
withdraws, the woman who left arrives at work, the Lombok job order closes, the village officer
of Tanjung Luar reports another departure nobody recorded and the scan raises its flag, the first flag
is dismissed, and two complaints come in. An incremental refresh then gives, row for row, the
figures and tallies that a full rebuild of the same moment gives.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaint_file
from dashboard.models import AreaCount, AreaTally, BaseCount, Figure, JobOrderShare, Snapshot, VillageTally
from dashboard.selectors import snapshot_figures
from dashboard.services import LOOKBACK, dashboard_refresh
from oversight.engine import full_scan
from oversight.models import Flag, FlagEvent
from oversight.services import flag_decide
from placement.choices import Stage
from recruitment.models import Country
from recruitment.services import job_order_close
from tests.dashboard.conftest import KUPANG_VILLAGE, PIJOT, TANJUNG_LUAR
from tests.placement import journey as steps
from villages.models import Village
from villages.services import village_report_create

pytestmark = pytest.mark.django_db


def summary_rows() -> dict:
    """Every row of the summary tables: the newest snapshot's figures and the tallies behind them."""
    snapshot = Snapshot.objects.order_by("-id").first()
    return {
        "figures": sorted(
            Figure.objects.filter(snapshot=snapshot).values_list("level", "area_code", "parent_code", "data"),
            key=lambda row: row[1],
        ),
        "every_area": snapshot_figures(snapshot),
        "villages": sorted(VillageTally.objects.values_list("area_code", "counts")),
        "area_tallies": sorted(AreaTally.objects.values_list("level", "area_code", "counts")),
        "base": sorted(BaseCount.objects.values_list("area_code", "metric", "key", "value")),
        "areas": sorted(AreaCount.objects.values_list("level", "area_code", "metric", "key", "value")),
        "shares": sorted(
            JobOrderShare.objects.values_list("job_order_id", "positions", "filled", "in_process", "open", "regencies")
        ),
        "area_count": snapshot.areas,
    }


def file_complaint(actor, *, area: str, category: str) -> Complaint:
    complaint, _secret = complaint_file(
        actor=actor, channel="hotline", category=category, area_code=area,
        description="Keluarga melapor lewat telepon tentang pekerja di luar negeri.",
        complainant_name="Keluarga", complainant_phone="081900001111",
    )  # fmt: skip
    return complaint


def test_an_incremental_refresh_gives_the_full_rebuilds_figures_after_changes_across_areas(
    world, agency_a_staff, licensed_agency, ministry_official, village_officer
):
    rebuilt = dashboard_refresh(full=True)
    before = summary_rows()

    newcomer = steps.register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=7, village=KUPANG_VILLAGE, district="530104",
        full_name="Yuliana Bria",
    )  # fmt: skip
    steps.place(agency_a_staff, steps.select(agency_a_staff, newcomer, world.kupang_job_order)).walk_to(Stage.SELECTED)
    world.registered.walk_to(Stage.SELECTED)
    world.selected.cancel()
    world.departed.arrive()
    job_order_close(actor=agency_a_staff, job_order_id=world.lombok_job_order.pk)
    first_flag = Flag.objects.get()
    flag_decide(actor=ministry_official, flag_id=first_flag.pk, to_status="dismissed", reason="Sudah dicek.")
    village_report_create(
        actor=village_officer, village=Village.objects.get(code=TANJUNG_LUAR), kind="departure_seen",
        occurred_on=timezone.localdate() - timedelta(days=20), person_name="Sumiati",
    )  # fmt: skip
    full_scan()
    file_complaint(ministry_official, area="53.01", category="lost_contact")
    file_complaint(ministry_official, area=PIJOT, category="unpaid_wages")

    refreshed = dashboard_refresh()
    assert refreshed.pk == rebuilt.pk, "the frequent refresh updates the snapshot in place"
    assert refreshed.rebuilt_at == rebuilt.rebuilt_at and refreshed.taken_at > rebuilt.taken_at
    incremental = summary_rows()
    assert incremental != before

    dashboard_refresh(full=True)
    assert incremental == summary_rows()


def test_a_refresh_with_nothing_changed_only_moves_the_time(world):
    rebuilt = dashboard_refresh(full=True)
    before = summary_rows()
    refreshed = dashboard_refresh()
    assert refreshed.pk == rebuilt.pk and refreshed.taken_at > rebuilt.taken_at
    assert summary_rows() == before


def test_a_new_destination_country_makes_the_refresh_a_full_rebuild(world):
    first = dashboard_refresh(full=True)
    Country.objects.create(code="ZZ", name="Atlantis")
    second = dashboard_refresh()
    # The tallies have a position for every country: a new one lays them out anew.
    assert second.pk > first.pk and second.rebuilt_at == second.taken_at
    assert ["dep_country", "ZZ"] in second.tally_keys and ["dep_country", "ZZ"] not in first.tally_keys


def test_complaints_that_fall_overdue_without_a_write_are_counted_by_the_next_refresh(
    world, ministry_official, monkeypatch
):
    complaint = file_complaint(ministry_official, area="53.01", category="lost_contact")
    now = timezone.now()
    # Filed yesterday and last written then; to be acknowledged within the hour.
    Complaint.objects.filter(pk=complaint.pk).update(
        filed_at=now - timedelta(days=1), updated_at=now - timedelta(days=1),
        acknowledge_due_at=now + timedelta(hours=1), resolve_due_at=now + timedelta(days=5),
    )  # fmt: skip
    dashboard_refresh(full=True)
    kupang = Figure.objects.get(area_code="53.01").data["complaints"]
    assert kupang == {"received": 1, "open": 1}

    later = now + timedelta(hours=2)
    assert later - now > LOOKBACK
    monkeypatch.setattr(timezone, "now", lambda: later)
    dashboard_refresh()
    incremental = summary_rows()
    assert Figure.objects.get(area_code="53.01").data["complaints"] == {"received": 1, "open": 1, "overdue": 1}
    dashboard_refresh(full=True)
    assert summary_rows() == incremental


def test_a_new_month_or_missing_tallies_make_the_refresh_a_full_rebuild(world):
    first = dashboard_refresh()
    assert first.rebuilt_at == first.taken_at, "nothing to build on: the first refresh is a full one"
    Snapshot.objects.filter(pk=first.pk).update(month=first.month - timedelta(days=1))
    second = dashboard_refresh()
    assert second.pk > first.pk and second.month == first.month
    Snapshot.objects.filter(pk=second.pk).update(rebuilt_at=None)
    third = dashboard_refresh()
    assert third.pk > second.pk
    # A crash empties the unlogged tallies: the figures are rebuilt rather than built on nothing.
    rows = summary_rows()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dashboard_villagetally, dashboard_areatally, dashboard_basecount, dashboard_areacount, "
            "dashboard_jobordershare"
        )
    fourth = dashboard_refresh()
    assert fourth.pk > third.pk and summary_rows() == rows


def test_operators_refresh_or_rebuild_from_the_command_line(world, agency_a_staff, licensed_agency, monkeypatch):
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=1))  # the world is an hour old
    output = StringIO()
    call_command("refresh_dashboard", "--full", stdout=output)
    rebuilt = Snapshot.objects.get()
    assert f"rebuilt in {rebuilt.seconds:.1f} s: {rebuilt.areas} of {rebuilt.areas} areas" in output.getvalue()

    steps.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=8, full_name="Siti Aminah")
    output = StringIO()
    call_command("refresh_dashboard", stdout=output)
    refreshed = Snapshot.objects.get()
    # Only her village, its district, regency and province, and the country: not Kupang's areas.
    assert refreshed.pk == rebuilt.pk and (refreshed.changed_areas, refreshed.areas) == (5, 10)
    assert f"{refreshed.changed_areas} of {refreshed.areas} areas recounted" in output.getvalue()
    assert Figure.objects.get(snapshot=refreshed, area_code="").data["workers_sex"] == {"F": 4, "M": 1}


def test_a_change_committed_just_after_a_refresh_is_counted_by_the_next(world, ministry_official, monkeypatch):
    """A flag dismissed in a transaction that took its event's id before a refresh but committed
    after it: the refresh did not see it, though its id is below the highest that refresh saw."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=1))  # the world is an hour old
    rebuilt = dashboard_refresh(full=True)
    flag = Flag.objects.get()
    flag_decide(actor=ministry_official, flag_id=flag.pk, to_status="dismissed", reason="Sudah dicek.")
    event_id = FlagEvent.objects.latest("id").pk
    low, _high = rebuilt.watermarks["oversight_flagevent"]
    assert low < event_id
    # As the refresh would have recorded it had the dismissal's transaction been in flight.
    seen = {**rebuilt.watermarks, "oversight_flagevent": [low, event_id]}
    Snapshot.objects.filter(pk=rebuilt.pk).update(watermarks=seen)
    dashboard_refresh()
    assert "flags_severity" not in Figure.objects.get(area_code="").data
    incremental = summary_rows()
    dashboard_refresh(full=True)
    assert summary_rows() == incremental
