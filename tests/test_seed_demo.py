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
def seeded(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DEMO_DIR", tmp_path)
    call_command("seed_demo", verbosity=0)
    return json.loads((tmp_path / "credentials.json").read_text())


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


def test_a_second_run_changes_nothing(seeded, monkeypatch, tmp_path):
    before = Placement.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Placement.objects.count() == before
    again = json.loads((tmp_path / "credentials.json").read_text())
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
