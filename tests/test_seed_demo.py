"""The demo data `make run` loads: every stage present, the planted cases there, safe to rerun."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from placement.choices import EventKind, Stage
from placement.models import Placement
from siskop2mi import paths
from siskop2mi.demo_data import PLANTED_CASES

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("english")]


@pytest.fixture
def seeded(demo_dir):
    """The demo's logins and API keys; the demo is seeded once for this module (tests/conftest.py)."""
    return json.loads((demo_dir / "credentials.json").read_text())


def test_demo_placements_cover_every_stage(seeded):
    stages = set(Placement.objects.values_list("stage", flat=True))
    assert stages == {stage.value for stage in Stage}


def test_each_planted_case_is_listed_once_and_in_the_readme(seeded):
    codes = list(PLANTED_CASES)
    assert len(codes) >= 20
    readme = (paths.BASE_DIR / "README.md").read_text()
    assert all(f"| {code} |" in readme for code in codes)
    assert Placement.objects.filter(embarkation_point__official=False, stage=Stage.DEPARTED).count() == 1


def test_a_planted_placement_carries_the_dated_events_of_its_earlier_stages(seeded):
    """Fitriani's placement came in by import, departed 90 days ago: its timeline shows every stage
    on the day it was reached, recorded by the official who ran the import, not the seeding time."""
    placement = Placement.objects.get(pk=PLANTED_CASES["NO_ARRIVAL_REPORT"].subject.id)
    events = list(placement.events.order_by("at", "id"))
    assert [event.to_stage for event in events] == list(range(Stage.REGISTERED, Stage.DEPARTED + 1))
    assert events[-1].kind == EventKind.DEPARTED
    assert timezone.localdate(events[-1].at) == placement.departed_on
    assert timezone.localdate(events[0].at) == placement.departed_on - timedelta(days=90)
    assert {event.actor.username for event in events} == {"kementerian"}


def test_a_second_run_changes_nothing(seeded, demo_dir):
    before = Placement.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Placement.objects.count() == before
    again = json.loads((demo_dir / "credentials.json").read_text())
    assert again["accounts"] == seeded["accounts"]
    assert again["api_keys"] == seeded["api_keys"]  # still valid, so kept


def test_two_demo_companies_get_a_working_api_key(seeded, client):
    from agencies.models import Agency

    keys = {row["agency"]: row["key"] for row in seeded["api_keys"]}
    assert len(keys) == 2
    for agency_name, key in keys.items():
        response = client.get("/api/v1/placements/", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200
        agency = Agency.objects.get(name=agency_name)
        assert {row["agency"] for row in response.json()["results"]} == {agency.pk}


def test_the_dashboard_has_figures_right_away(seeded, client):
    client.force_login(User.objects.get(username="kementerian"))
    response = client.get("/dasbor/")
    assert response.status_code == 200
    assert b"No figures have been computed yet" not in response.content


def test_an_official_sees_the_demo_on_the_home_page_and_the_admin(seeded, client):
    client.force_login(User.objects.get(username="prov.ntb"))
    response = client.get(reverse("portal:home"))
    assert response.context["placement_count"] > 20
    assert response.context["placement_count"] < Placement.objects.count()  # NTB only, not NTT
    client.force_login(User.objects.get(username="admin"))
    page = client.get("/admin/placement/placement/", {"q": "Zulkifli"}).content.decode()
    assert "Ahmad Zulkifli" in page


def test_the_demo_village_officer_sees_people_at_every_stage_and_reports(seeded, client):
    """Issue 13: the demo village (Tanjung Luar) has people and reports to show its officer."""
    client.force_login(User.objects.get(username="desa.tanjungluar"))
    response = client.get(reverse("portal:village_home"))
    figures = {key: count for key, _label, count in response.context["stage_counts"]}
    # Intending: one on the registry with the family's consent the village recorded, one only reported.
    assert figures == {"intending": 2, "in_process": 2, "abroad": 2, "returned": 1}
    outcomes = sorted((report.kind, report.outcome_tone) for report in response.context["reports"])
    assert outcomes == [
        ("departure_seen", "success"),  # matches its placement
        ("intent", "secondary"),  # not in the registry yet
        ("intent", "success"),  # recorded with the family's consent: on the registry
        ("return_seen", "secondary"),
        ("suspected_recruiter", "danger"),  # the broker Pijot reported too: flagged
    ]
    departure = next(report for report in response.context["reports"] if report.kind == "departure_seen")
    assert departure.also_reported == 1  # both officers of the village saw her leave: one event


def test_officials_see_the_village_reports_of_their_jurisdiction_one_row_per_event(seeded, client):
    """Issue 13, point 6: Lombok Timur sees Tanjung Luar's and Pijot's reports, not Nunkurus' (NTT); the
    departure two officers reported is one row with two sources; the broker both villages reported is
    flagged on each of the two reports."""
    from villages.models import VillageReport

    client.force_login(User.objects.get(username="kab.lotim"))
    page = client.get(reverse("portal:village_report_list"), {"per_page": 100})
    rows = list(page.context["listing"].page.object_list)
    assert {row.village_id for row in rows} == {"52.03.01.2001", "52.03.01.2002"}
    seen_leaving = [row for row in rows if row.kind == "departure_seen" and row.village_id == "52.03.01.2001"]
    assert [row.source_count for row in seen_leaving] == [2]
    brokers = [row for row in rows if row.kind == "suspected_recruiter"]
    assert [str(row.outcome) for row in brokers] == ["Flagged to the officials"] * 2
    assert len(rows) == VillageReport.objects.filter(village__code__startswith="52.03.", same_event_as=None).count()
    client.force_login(User.objects.get(username="kab.kupang"))
    rows = client.get(reverse("portal:village_report_list")).context["listing"].page.object_list
    assert {row.village_id for row in rows} == {"53.01.06.2002"}


def _days_apart(moment, day) -> int:
    return abs((timezone.localdate(moment) - day).days)


def test_demo_events_are_dated_on_their_fact_and_recorded_by_whose_step_it_is(seeded):
    """Issue 12, point 7: the seeding replays each fact on its day (core.clock.as_of) by the person whose
    step it is, so no timeline contradicts the dates beside it and none names whoever ran the seeding."""
    from agencies.models import LicenceEvent
    from placement.models import PlacementEvent
    from recruitment.choices import JobOrderEventKind
    from recruitment.models import JobOrderEvent, RecruitmentPermit, Worker

    now = timezone.now()
    everything = [
        *PlacementEvent.objects.select_related("actor__mission", "placement__application"),
        *JobOrderEvent.objects.select_related("actor__mission", "job_order"),
        *LicenceEvent.objects.select_related("actor"),
    ]
    assert len(everything) > 500
    assert [event for event in everything if event.actor is None or event.actor.role == "system_admin"] == []
    assert [event for event in everything if event.at > now] == []

    # Village reports: each recorded by an officer of its own village, on the day of the fact (a second
    # officer's report of the same departure the day after), and its row dated so too.
    from villages.models import VillageReportEvent

    village_events = list(VillageReportEvent.objects.select_related("report", "actor"))
    assert len(village_events) >= 15
    for event in village_events:
        report = event.report
        if event.kind == "recorded":
            assert (event.actor.role, event.actor.village_id) == ("village_officer", report.village_id), report
            assert _days_apart(event.at, report.occurred_on) <= 1, (report, event.at)
            assert _days_apart(report.created_at, report.occurred_on) <= 1, report
            assert _days_apart(report.recorded_at, report.occurred_on) <= 1, report
        elif event.kind == "second_source":
            assert event.actor.role == "village_officer" and event.actor != report.reported_by
        assert event.at <= now

    # Placements: the departure, arrival, confirmation and return events fall on the facts' own days.
    for event in PlacementEvent.objects.select_related("placement__job_order", "actor__mission"):
        placement = event.placement
        fact = {
            EventKind.DEPARTED: placement.departed_on,
            EventKind.ARRIVED: placement.arrival_reported_on,
            EventKind.RETURNED: placement.returned_on,
            EventKind.ARRIVAL_CONFIRMED: placement.arrival_confirmed_at
            and timezone.localdate(placement.arrival_confirmed_at),
        }.get(event.kind)
        if fact is not None:
            assert _days_apart(event.at, fact) <= 1, (event.kind, event.at, fact, placement.worker)
        if event.data.get("source") == "legacy-import":
            assert event.actor.username == "kementerian"  # the official who ran the import
        elif event.kind == EventKind.ARRIVAL_CONFIRMED:
            assert event.actor.role == "mission_officer"
            assert event.actor.mission.countries.filter(code=placement.job_order.country_id).exists()
        else:
            assert event.actor.agency_id == placement.agency_id, (event.kind, event.actor.username)
    # Each placement's events run forward in time, from its application on, and its stage date is its last.
    for placement in Placement.objects.exclude(application=None).select_related("application"):
        events = list(placement.events.order_by("id"))
        assert [event.at for event in events] == sorted(event.at for event in events), placement.worker
        assert timezone.localdate(events[0].at) >= placement.application.applied_on
        assert abs(events[-1].at - placement.stage_changed_at) <= timedelta(days=1), placement.worker
    # What the pages show as "registered" or "attached" on agrees with the timeline too.
    for placement in Placement.objects.select_related("worker"):
        first = placement.events.order_by("at").first()
        assert abs(placement.created_at - first.at) <= timedelta(days=1), placement.worker
        assert placement.worker.created_at <= first.at
    for worker in Worker.objects.all():
        assert all(registration.created_at <= now - timedelta(days=1) for registration in worker.registrations.all())
    # Job orders: the mission verified on the date it gave, the issuer issued when the permit says, and
    # no placement was registered on a job order before it was published.
    for event in JobOrderEvent.objects.select_related("job_order", "actor__mission"):
        job_order = event.job_order
        if event.kind in (JobOrderEventKind.VERIFIED, JobOrderEventKind.REJECTED):
            assert event.actor.role == "mission_officer"
            assert event.actor.mission.countries.filter(code=job_order.country_id).exists()
            if event.kind == JobOrderEventKind.VERIFIED:
                assert _days_apart(event.at, job_order.mission_verified_on) <= 1
        elif event.kind in (JobOrderEventKind.PERMIT_ISSUED, JobOrderEventKind.PERMIT_REFUSED):
            assert event.actor.role in ("ministry_official", "province_official")
            permit = RecruitmentPermit.objects.get(pk=event.data["permit_id"])
            assert abs(event.at - permit.decided_at) <= timedelta(days=1)
            if event.actor.role == "province_official":
                assert set(permit.regions.values_list("province_id", flat=True)) == {event.actor.province_id}
        else:
            assert event.actor.agency_id == job_order.agency_id, (event.kind, event.actor.username)
        if event.kind == JobOrderEventKind.PUBLISHED:
            first = PlacementEvent.objects.filter(placement__job_order=job_order).order_by("at").first()
            assert first is None or first.at > event.at


def test_the_demo_leaves_work_in_the_queues_of_the_mission_and_the_permit_issuers(seeded):
    from recruitment.choices import JobOrderStatus, PermitStatus
    from recruitment.models import JobOrder, RecruitmentPermit

    kbri = User.objects.get(username="kbri.kl")
    submitted = JobOrder.objects.visible_to(kbri).filter(status=JobOrderStatus.SUBMITTED)
    assert submitted.exclude(placements__isnull=False).exists()  # a clean one, beside the planted case
    assert not JobOrder.objects.visible_to(User.objects.get(username="kdei.taipei")).filter(country_id="MY").exists()
    applied = RecruitmentPermit.objects.filter(status=PermitStatus.APPLIED)
    assert applied.count() == 1
    assert set(applied.get().regions.values_list("province_id", flat=True)) == {"53"}
    # The demo's mission officers, ministry and province officials are among the printed logins.
    logins = {row["username"]: row["role"] for row in seeded["accounts"]}
    assert {logins[name] for name in ("kbri.kl", "kdei.taipei", "kjri.hk")} == {"mission_officer"}
    assert logins["prov.ntb"] == logins["prov.ntt"] == "province_official"
    assert logins["kementerian"] == "ministry_official"


def test_demo_officials_log_in_with_the_code_otp_code_prints(seeded, client):
    """Issue 16: the demo accounts that must use a second factor have a demo authenticator; `make run`
    tells to read its code with `manage.py otp_code <username>`, and that code opens the portal."""
    import re
    from io import StringIO

    asked = {row["username"] for row in seeded["accounts"] if row["second_factor"]}
    assert {"kementerian", "prov.ntb", "kab.lotim", "kbri.kl", "pengaduan", "auditor", "admin"} <= asked
    assert not asked & {"desa.tanjungluar", "p3mi.admin", "p3mi.staf"}
    out = StringIO()
    call_command("otp_code", "kementerian", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    password = {row["username"]: row["password"] for row in seeded["accounts"]}["kementerian"]
    client.post(reverse("accounts:login"), {"username": "kementerian", "password": password})
    assert client.post(reverse("accounts:two_factor"), {"otp_token": code, "next": "/"}).url == "/"
    assert client.get("/").status_code == 200


def test_otp_code_prints_no_code_but_a_demo_authenticators(db):
    from django.core.management.base import CommandError
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    official = UserFactory(username="pejabat.nyata")
    TOTPDevice.objects.create(user=official, name="authenticator", confirmed=True)
    for username in ("pejabat.nyata", "tidak.ada"):
        with pytest.raises(CommandError, match="no demo authenticator"):
            call_command("otp_code", username)


def test_a_demo_password_that_looks_like_the_username_is_drawn_again(monkeypatch):
    """A random draw that resembles the username would fail the password validators and stop `make run`."""
    from siskop2mi.management.commands import seed_demo

    draws = iter(["Kementerian", "x7Rq-2vLp9Za"])
    monkeypatch.setattr(seed_demo.secrets, "token_urlsafe", lambda nbytes: next(draws))
    assert seed_demo.demo_password(User(username="kementerian", full_name="Rahmawati Siregar")) == "x7Rq-2vLp9Za"
