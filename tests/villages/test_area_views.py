import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BIG_DISTRICT = "12.20.02"  # more than 50 villages


def test_regency_official_starts_at_their_regency(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.get(reverse("portal:area_list"))
    assert response.status_code == 302
    assert response.url == reverse("portal:area_detail", args=["52.03"])
    page = client.get(response.url).content.decode()
    assert "Keruak" in page  # a district of Lombok Timur


def test_regency_official_cannot_open_another_regency(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    assert client.get(reverse("portal:area_detail", args=["53.01"])).status_code == 404
    assert client.get(reverse("portal:area_detail", args=["53.01.01.2001"])).status_code == 404


def test_province_page_shows_a_regency_official_only_their_regency(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.get(reverse("portal:area_detail", args=["52"]))
    assert response.status_code == 200
    children = [area.code for area in response.context["page"].object_list]
    assert children == ["52.03"]


def test_search_and_pagination_of_villages(client, ministry_official):
    client.force_login(ministry_official)
    response = client.get(reverse("portal:area_detail", args=["52.03.01"]), {"q": "tanjung"})
    names = [area.name for area in response.context["page"].object_list]
    assert names and all("tanjung" in name.lower() for name in names)


def test_long_lists_are_paginated(client, ministry_official):
    client.force_login(ministry_official)
    url = reverse("portal:area_detail", args=[BIG_DISTRICT])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of" in first.content.decode()
    first_codes = {area.code for area in first.context["page"].object_list}
    assert first_codes.isdisjoint(area.code for area in second.context["page"].object_list)


def test_empty_search_says_so(client, ministry_official):
    client.force_login(ministry_official)
    response = client.get(reverse("portal:area_detail", args=["52.03"]), {"q": "zzzz"})
    assert "No area matches this search." in response.content.decode()


def test_agency_staff_read_areas_as_reference_data(client, agency_a_staff):
    client.force_login(agency_a_staff)
    response = client.get(reverse("portal:area_detail", args=["52.03"]))
    assert response.status_code == 200  # areas are reference data for companies too
