import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_home_counts_only_what_the_user_may_see(client, lotim_regency_official, agency_a_staff):
    client.force_login(lotim_regency_official)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.context["placement_count"] == 0
    assert "No placements in your jurisdiction yet." in response.content.decode()
    client.force_login(agency_a_staff)
    response = client.get(reverse("portal:home"))
    assert response.context["worker_count"] == 0
    assert "area_counts" not in response.context
