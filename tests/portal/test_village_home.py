"""A village officer's home: the village at a glance (issue 13, points 4 and 5).

The officer sees the people of their village by stage and the village's reports with what
became of each, and nothing of another village; the page stays light for a phone on 2G/3G."""

import gzip
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from oversight.choices import SubjectType
from oversight.models import Flag
from placement.choices import Stage
from tests.factories import UserFactory
from tests.placement.journey import TANJUNG_LUAR, register_worker
from villages.models import Village, VillageReportKind
from villages.services import village_report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

BUDGET_BYTES = 200 * 1024


@pytest.fixture
def client(client, settings):
    """Pages in English, as the language switcher leaves them (Bahasa Indonesia is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _other_village() -> Village:
    return Village.objects.filter(district_id="52.03.01").exclude(code=TANJUNG_LUAR).order_by("code").first()


def _report(officer, **fields):
    values = {
        "actor": officer,
        "village": officer.village,
        "kind": VillageReportKind.DEPARTURE_SEEN,
        "occurred_on": timezone.localdate() - timedelta(days=20),
        "person_nik": "",
        "person_name": "Lalu Someone",
        "details": "",
    }
    return village_report_create(**{**values, **fields})


def _figures(response) -> dict:
    return {key: count for key, _label, count in response.context["stage_counts"]}


def test_a_village_officer_lands_on_their_village(client, village_officer, journey, agency_a_staff, licensed_agency):
    register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=2, full_name="Inaq Hanafi"
    )  # registered, no application
    seen = _report(village_officer, person_name="Amaq Sahnan")
    intent = _report(village_officer, kind=VillageReportKind.INTENT, person_name="Baiq Nurul")
    Flag.objects.create(
        rule_code="VILLAGE_DEPARTURE_UNMATCHED",
        subject_type=SubjectType.VILLAGE_REPORT,
        subject_id=seen.pk,
        severity="high",
        area_code=TANJUNG_LUAR,
        evidence={},
        first_seen=timezone.now(),
        last_seen=timezone.now(),
    )
    client.force_login(village_officer)

    response = client.get(reverse("portal:village_home"))

    assert response.status_code == 200
    assert response.templates[0].name == "portal/village_home.html"
    figures = _figures(response)
    # Baiq Rohani has a placement before departure; Inaq Hanafi is only registered; Baiq Nurul is
    # reported as intending and is not in the registry.
    assert figures == {"intending": 2, "in_process": 1, "abroad": 0, "returned": 0}
    text = response.content.decode()
    assert "Baiq Rohani" in text and "Inaq Hanafi" in text
    outcomes = {report.pk: str(report.outcome) for report in response.context["reports"]}
    assert outcomes[seen.pk] == "Flagged to the officials"
    assert outcomes[intent.pk] == "Recorded"
    assert "Flagged to the officials" in text
    # The menu speaks of the village.
    labels = [str(item["label"]) for item in response.context["nav_items"]]
    assert labels[:2] == ["My village", "Village reports"]
    assert "chart" not in text.lower()


def test_a_departure_report_matched_to_a_placement_says_so(client, village_officer, journey):
    journey.walk_to(Stage.READY)
    journey.depart()  # a week ago
    seen = _report(
        village_officer,
        person_nik=journey.placement.worker.nik,
        person_name="Baiq Rohani",
        occurred_on=timezone.localdate() - timedelta(days=5),
    )
    client.force_login(village_officer)

    response = client.get(reverse("portal:village_home"))

    assert _figures(response)["abroad"] == 1
    report = next(r for r in response.context["reports"] if r.pk == seen.pk)
    assert str(report.outcome) == "Matched to a procedural departure"
    assert report.outcome_url == reverse("portal:placement_detail", args=[journey.placement.pk])


def test_a_village_officer_sees_only_their_own_village(
    client, village_officer, journey, agency_a_staff, licensed_agency
):
    other = _other_village()
    neighbour = UserFactory(username="desa.lain", role=Role.VILLAGE_OFFICER, village=other)
    elsewhere = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=3, full_name="Lalu Tetangga", village=other.code
    )
    their_report = _report(neighbour, person_name="Lalu Tetangga")
    mine = _report(village_officer, person_name="Amaq Sahnan")

    client.force_login(neighbour)
    response = client.get(reverse("portal:village_home"))
    assert _figures(response) == {"intending": 1, "in_process": 0, "abroad": 0, "returned": 0}
    assert [r.pk for r in response.context["reports"]] == [their_report.pk]
    text = response.content.decode()
    assert "Baiq Rohani" not in text and "Amaq Sahnan" not in text
    # The pages of another village's people answer 404.
    assert client.get(reverse("portal:worker_detail", args=[journey.placement.worker.pk])).status_code == 404
    assert client.get(reverse("portal:placement_detail", args=[journey.placement.pk])).status_code == 404

    client.force_login(village_officer)
    response = client.get(reverse("portal:village_home"))
    assert _figures(response) == {"intending": 0, "in_process": 1, "abroad": 0, "returned": 0}
    assert [r.pk for r in response.context["reports"]] == [mine.pk]
    assert "Lalu Tetangga" not in response.content.decode()
    assert client.get(reverse("portal:worker_detail", args=[elsewhere.pk])).status_code == 404


def test_the_village_home_and_what_it_loads_stay_under_200_kb_compressed(client, village_officer, journey):
    _report(village_officer, person_name="Amaq Sahnan", details="Berangkat malam hari " * 20)
    client.force_login(village_officer)

    response = client.get(reverse("portal:village_home"))

    html = response.content
    assets = re.findall(rb'<(?:link[^>]+href|script[^>]+src)="([^"]+)"', html)
    static_url = staticfiles_storage.base_url.encode()
    assert assets, "the page loads its stylesheets"
    total = len(gzip.compress(html))
    names = []
    for url in assets:
        if not url.startswith(static_url):  # the web app manifest, served by a view
            names.append(url.decode())
            answer = client.get(url.decode())
            assert answer.status_code == 200, url
            total += len(gzip.compress(answer.content))
            continue
        name = url[len(static_url) :].decode()
        names.append(name)
        found = finders.find(name)
        assert found, f"{name} is not among the static files"
        with open(found, "rb") as handle:  # the file collectstatic would serve
            total += len(gzip.compress(handle.read()))
    assert not any("chart" in name or "bootstrap.bundle" in name for name in names), names
    assert total < BUDGET_BYTES, f"{total} bytes compressed: {names}"


def test_pages_are_gzipped_for_browsers_that_ask(client, village_officer):
    client.force_login(village_officer)

    response = client.get(reverse("portal:village_home"), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert b"<nav" in gzip.decompress(response.content)


def test_the_api_answers_uncompressed(client, village_officer):
    client.force_login(village_officer)

    response = client.get("/api/v1/", headers={"accept-encoding": "gzip"})

    assert not response.has_header("Content-Encoding")
