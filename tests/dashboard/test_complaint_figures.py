"""Complaint figures on the dashboard: received over 12 months, open and overdue now, median hours to
acknowledge and to resolve, by category and by area, each official seeing their own area's.

Tanjung Luar's family complained of unpaid wages ten days ago: acknowledged after 2 hours, resolved
after 48. A violence complaint in Lombok Timur was never acknowledged (overdue), nor was one filed
400 days ago (open and overdue, but not received in the last 12 months). In Kupang (NTT), a lost
contact came in an hour ago and a complaint about something else was acknowledged after 4 hours,
then rejected."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from complaints.services import complaint_file, complaint_transition
from core import clock
from dashboard.services import dashboard_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "english")]

URL = reverse("dashboard:dashboard")


def filed(actor, at, *, area, category):
    with clock.as_of(at):
        complaint, _secret = complaint_file(
            actor=actor, channel="hotline", category=category, area_code=area,
            description="Keluarga melapor lewat telepon tentang pekerja di luar negeri.",
            complainant_name="Keluarga", complainant_phone="081900001111",
        )  # fmt: skip
    return complaint


def moved(actor, complaint, at, to_status, **fields):
    with clock.as_of(at):
        complaint_transition(actor=actor, complaint_id=complaint.pk, to_status=to_status, **fields)


@pytest.fixture
def complaints(ministry_official):
    start = clock.now() - timedelta(days=10)
    wages = filed(ministry_official, start, area="52.03.01.2001", category="unpaid_wages")
    moved(ministry_official, wages, start + timedelta(hours=2), "verified")
    moved(ministry_official, wages, start + timedelta(hours=3), "in_progress")
    moved(ministry_official, wages, start + timedelta(hours=48), "resolved", outcome="Gaji dibayar.")
    filed(ministry_official, start + timedelta(hours=1), area="52.03", category="violence")
    filed(ministry_official, clock.now() - timedelta(days=400), area="52.03", category="other")
    filed(ministry_official, clock.now() - timedelta(hours=1), area="53.01", category="lost_contact")
    other = filed(ministry_official, start, area="53.01", category="other")
    moved(ministry_official, other, start + timedelta(hours=4), "verified")
    moved(ministry_official, other, start + timedelta(hours=5), "rejected", reason="Bukan urusan PMI.")
    dashboard_refresh()


def page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


def categories(html: str) -> dict[str, str]:
    table = re.search(r'id="table-complaint-categories">(.*?)</table>', html, re.S).group(1)
    return dict(re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th><td class="text-end">([^<]+)</td>', table))


def child_cells(html: str, code: str) -> list[str]:
    row = re.search(rf'<tr data-area="{re.escape(code)}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_ministry_reads_the_national_complaint_figures(client, complaints, ministry_official):
    html = page(client, ministry_official)

    assert figure(html, "complaints-received") == "4"  # the one of 400 days ago is not in the 12 months
    assert figure(html, "complaints-open") == "3"
    assert figure(html, "complaints-overdue") == "2"
    assert figure(html, "complaints-median-acknowledge") == "3.0"  # 2 and 4 hours
    assert figure(html, "complaints-median-resolve") == "48.0"
    # What came in, the rejected one too; not the one of 400 days ago.
    assert categories(html) == {
        "Unpaid or underpaid wages": "1",
        "Violence or abuse": "1",
        "Lost contact": "1",
        "Other": "1",
    }
    # By area: received in 12 months, then open (overdue).
    assert child_cells(html, "52")[-2:] == ["2", "2 (2)"]
    assert child_cells(html, "53")[-2:] == ["2", "1"]


def test_a_regency_official_reads_only_their_regency(client, complaints, lotim_regency_official):
    html = page(client, lotim_regency_official)

    assert figure(html, "complaints-received") == "2"
    assert (figure(html, "complaints-open"), figure(html, "complaints-overdue")) == ("2", "2")
    assert figure(html, "complaints-median-acknowledge") == "2.0"
    assert categories(html) == {"Unpaid or underpaid wages": "1", "Violence or abuse": "1"}
    assert child_cells(html, "52.03.01")[-2:] == ["1", "0"]  # Keruak: Tanjung Luar's wages, resolved


def test_a_village_officer_reads_their_village(client, complaints, village_officer):
    html = page(client, village_officer)

    assert figure(html, "complaints-received") == "1"
    assert (figure(html, "complaints-open"), figure(html, "complaints-overdue")) == ("0", "0")
    assert figure(html, "complaints-median-resolve") == "48.0"


def test_an_area_without_complaints_says_so(client, ministry_official, ntt_regency_official):
    dashboard_refresh()
    html = page(client, ntt_regency_official)

    assert figure(html, "complaints-received") == "0"
    assert figure(html, "complaints-median-acknowledge") == "–"
    assert "No complaints received in this area in the last 12 months." in html


def test_a_company_has_no_dashboard(client, complaints, agency_a_staff):
    client.force_login(agency_a_staff)

    assert client.get(URL).status_code == 403
