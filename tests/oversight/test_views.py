from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.engine import full_scan
from villages.models import Village
from villages.services import village_report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def flagged_lotim(village_officer):
    village_report_create(
        actor=village_officer, village=Village.objects.get(code="52.03.01.2001"), kind="departure_seen",
        occurred_on=timezone.localdate() - timedelta(days=30), person_name="Halimah",
    )  # fmt: skip
    full_scan()


def test_officials_see_the_flags_of_their_jurisdiction(
    client, flagged_lotim, lotim_regency_official, ntt_regency_official
):
    client.force_login(lotim_regency_official)
    page = client.get(reverse("oversight:overview")).content.decode()
    assert "Seen leaving, never recorded as departed" in page
    client.force_login(ntt_regency_official)
    page = client.get(reverse("oversight:overview")).content.decode()
    assert "No open red flags in your jurisdiction." in page


def test_companies_and_village_officers_cannot_open_the_flags(client, agency_a_staff, village_officer):
    for user in (agency_a_staff, village_officer):
        client.force_login(user)
        assert client.get(reverse("oversight:overview")).status_code == 403


def test_only_the_ministry_starts_a_scan(client, monkeypatch, ministry_official, lotim_regency_official):
    started = []
    monkeypatch.setattr("oversight.views.scan_all.delay", lambda user_id: started.append(user_id))
    client.force_login(lotim_regency_official)
    assert client.post(reverse("oversight:start_scan")).status_code == 403
    client.force_login(ministry_official)
    response = client.post(reverse("oversight:start_scan"))
    assert response.status_code == 302 and started == [ministry_official.pk]
    assert client.get(reverse("oversight:start_scan")).status_code == 405
