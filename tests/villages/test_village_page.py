"""A village's page: its people in process and what its officers reported, each paginated and scoped."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.placement import crowd
from tests.placement.journey import TANJUNG_LUAR, nik_for
from villages.models import Village
from villages.services import village_report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PAGE = reverse("portal:area_detail", args=[TANJUNG_LUAR])


def _report(officer, n: int, **fields):
    return village_report_create(
        actor=officer,
        village=Village.objects.get(code=TANJUNG_LUAR),
        kind=fields.pop("kind", "intent"),
        occurred_on=timezone.localdate() - timedelta(days=n),
        person_name=fields.pop("person_name", f"Warga {n:02d}"),
        **fields,
    )


def test_the_village_officer_sees_their_people_in_process_and_reports(client, village_officer, journey):
    birth = timezone.localdate() - timedelta(days=30 * 365)
    _report(village_officer, 3, person_name="Inaq Minah", person_nik=nik_for(birth, "F", 9))
    client.force_login(village_officer)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "People in process (1)" in page
    worker = journey.placement.worker
    assert worker.full_name in page and worker.masked_nik in page and worker.nik not in page
    assert reverse("portal:placement_detail", args=[journey.pk]) in page
    assert "Village reports (1)" in page and "Inaq Minah" in page and "Intends to work abroad" in page
    assert nik_for(birth, "F", 9) not in page  # reported NIKs are masked too


def test_ended_placements_are_not_in_process(client, lotim_regency_official, journey):
    journey.cancel()
    client.force_login(lotim_regency_official)
    page = client.get(PAGE).content.decode()
    assert "People in process (0)" in page
    assert "Nobody from this village is in process." in page


def test_each_section_pages_on_its_own(client, village_officer, agency_a_staff, licensed_agency, factory_job_order):
    crowd.placements(agency_a_staff, licensed_agency, factory_job_order, 3)
    for n in range(23):
        _report(village_officer, n)
    client.force_login(village_officer)
    first = client.get(PAGE, {"people_page": 1})
    assert len(first.context["reports"]["page"].object_list) == 20
    next_link = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    assert "reports_page=2" in next_link and "people_page=1" in next_link
    second = client.get(PAGE + next_link)
    assert len(second.context["reports"]["page"].object_list) == 3
    assert len(second.context["people"]["page"].object_list) == 3


def test_a_company_sees_only_its_own_people_and_no_reports(
    client, village_officer, journey, agency_b_staff, agency_a_staff
):
    _report(village_officer, 1)
    client.force_login(agency_b_staff)
    page = client.get(PAGE).content.decode()
    assert "People in process (0)" in page
    assert "Village reports" not in page
    client.force_login(agency_a_staff)
    assert "People in process (1)" in client.get(PAGE).content.decode()


def test_another_regency_cannot_open_the_village(client, ntt_regency_official, journey):
    client.force_login(ntt_regency_official)
    assert client.get(PAGE).status_code == 404


def test_higher_areas_do_not_list_people(client, lotim_regency_official, journey):
    client.force_login(lotim_regency_official)
    response = client.get(reverse("portal:area_detail", args=["52.03.01"]))
    assert "people" not in response.context
    assert "People in process" not in response.content.decode()
