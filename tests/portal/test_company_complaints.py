"""A company's page shows the complaints about it that the official's jurisdiction holds: received in
the last 12 months by category, open and overdue now, and how the company answered the referrals.

Agency A: unpaid wages of its Lombok worker (20 days ago, referred the next day and answered on time,
now past its resolve deadline), violence in Lombok Timur an hour ago (referred, the company's answer
not yet due), illegal fees in Kupang (15 days ago, referred, never answered: past the deadline), and a
Lombok Timur complaint of 400 days ago never taken up (open and overdue, not of the last 12 months)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from complaints.services import complaint_file, complaint_refer, referral_answer
from core import clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "english")]


def filed(actor, at, *, category, area="52.03", **fields):
    with clock.as_of(at):
        complaint, _secret = complaint_file(
            actor=actor, channel="hotline", category=category, area_code=area,
            description="Keluarga melapor lewat telepon tentang perusahaan penempatan.",
            complainant_name="Keluarga", complainant_phone="081900001111", **fields,
        )  # fmt: skip
    return complaint


def referred(actor, complaint, at, agency):
    with clock.as_of(at):
        return complaint_refer(
            actor=actor, complaint_id=complaint.pk, target="company", agency=agency, note="Mohon penjelasan."
        )


@pytest.fixture
def company(journey, ministry_official, agency_a_staff):
    agency, now = journey.placement.agency, clock.now()
    wages = filed(ministry_official, now - timedelta(days=20), category="unpaid_wages", placement=journey.reload())
    referral = referred(ministry_official, wages, now - timedelta(days=19), agency)
    with clock.as_of(now - timedelta(days=17)):
        referral_answer(actor=agency_a_staff, referral_id=referral.pk, answer="Gaji sudah kami bayarkan lewat bank.")
    violence = filed(ministry_official, now - timedelta(hours=1), category="violence", agency=agency)
    referred(ministry_official, violence, now, agency)
    fees = filed(ministry_official, now - timedelta(days=15), category="illegal_fees", area="53.01", agency=agency)
    referred(ministry_official, fees, now - timedelta(days=14), agency)
    filed(ministry_official, now - timedelta(days=400), category="contract_mismatch", agency=agency)
    return agency


def page(client, user, agency) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:agency_detail", args=[agency.pk]))
    assert response.status_code == 200
    return response.content.decode()


def figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


def figures(html: str) -> dict[str, str]:
    names = ["received", "open", "overdue"]
    counts = {name: figure(html, f"company-complaints-{name}") for name in names}
    for name in ["on-time", "late", "overdue", "waiting"]:
        counts[f"referrals {name}"] = figure(html, f"company-referrals-{name}")
    return counts


def categories(html: str) -> dict[str, str]:
    table = re.search(r'id="company-complaint-categories">(.*?)</table>', html, re.S).group(1)
    return dict(re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th><td class="text-end">([^<]+)</td>', table))


def test_the_ministry_reads_every_complaint_about_the_company(client, company, ministry_official):
    html = page(client, ministry_official, company)

    assert figures(html) == {
        "received": "3",
        "open": "4",
        "overdue": "2",  # the wages (past its resolve deadline) and the one never taken up
        "referrals on-time": "1",
        "referrals late": "0",
        "referrals overdue": "1",
        "referrals waiting": "1",
    }
    assert categories(html) == {"Unpaid or underpaid wages": "1", "Violence or abuse": "1", "Illegal fees or debt": "1"}


def test_a_regency_official_reads_only_the_complaints_of_their_regency(
    client, company, lotim_regency_official, ntt_regency_official
):
    html = page(client, lotim_regency_official, company)
    assert figures(html) == {
        "received": "2",
        "open": "3",
        "overdue": "2",
        "referrals on-time": "1",
        "referrals late": "0",
        "referrals overdue": "0",
        "referrals waiting": "1",
    }
    assert "Illegal fees or debt" not in categories(html)

    html = page(client, ntt_regency_official, company)
    assert (figure(html, "company-complaints-received"), figure(html, "company-referrals-overdue")) == ("1", "1")
    assert categories(html) == {"Illegal fees or debt": "1"}


def test_a_company_without_complaints_says_so(client, journey, ministry_official):
    html = page(client, ministry_official, journey.placement.agency)

    assert figure(html, "company-complaints-received") == "0"
    assert "No complaints about this company in your jurisdiction in the last 12 months." in html
    assert "No complaint was referred to this company in the last 12 months." in html


def test_the_company_itself_does_not_see_the_supervision_page(client, company, agency_a_staff):
    client.force_login(agency_a_staff)

    assert client.get(reverse("portal:agency_detail", args=[company.pk])).status_code == 403
