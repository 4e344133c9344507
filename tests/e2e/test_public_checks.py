"""A worker's family checks an offer on a phone with no account (issue 15, "done when"): a company by
its name, a job order by typing its number and by opening the QR printed on it, and a revoked
company's warning. Each test also runs at desktop width (tests/e2e/conftest.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import segno
from django.utils import timezone

from agencies.services import agency_sanction
from recruitment.models import JobOrder
from tests.e2e.world import build_world
from tests.factories import AgencyFactory, EmployerFactory, UserFactory
from tests.placement import journey as steps

pytestmark = pytest.mark.django_db(transaction=True)


def _verdict(page, testid: str = "verdict"):
    return page.get_by_test_id(testid)


def test_check_a_company_by_name(page, shot):
    world = build_world(dashboard=False, scan=False)
    page.goto("/cek/perusahaan/")
    page.get_by_role("heading", name="Check a company").wait_for()
    page.get_by_label("Company name or SIP3MI number").fill("agensi")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Companies found").wait_for()
    shot("found")
    page.get_by_role("link", name="PT Agensi A").click()
    page.get_by_role("heading", name="PT Agensi A").wait_for()

    verdict = _verdict(page)
    assert verdict.inner_text().startswith("Licensed and active")
    assert verdict.get_attribute("data-level") == "ok"
    assert "Operator pabrik · Malaysia" in page.get_by_test_id("job-orders").inner_text()
    assert page.locator("svg.public-qr").is_visible()
    shot("company")
    body = page.locator("body").inner_text()
    for name in ("Baiq Rohani", "Lalu Ahmad", world.ministry_official.full_name):
        assert name not in body


def test_check_a_job_order_by_typing_its_number(page, shot):
    build_world(dashboard=False, scan=False)
    order = JobOrder.objects.get()
    page.goto("/cek/lowongan/")
    page.get_by_label("Job order number or reference").fill(str(order.pk))
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_url(re.compile(rf"/cek/lowongan/{order.pk}/$"))

    assert _verdict(page).inner_text().startswith("Genuine and open")
    places = page.get_by_test_id("places")
    # Two placements (Baiq departed, Lalu registered) count against the ten positions.
    assert re.search(r"All positions\s+10\s+8", places.inner_text())
    assert "At most Rp 8,000,000 for work in Malaysia." in page.get_by_test_id("costs").inner_text()

    page.get_by_label("Your regency or city").select_option("52.03")
    page.get_by_role("button", name="Show the nearest office").click()
    page.get_by_test_id("nearest").wait_for()
    assert "kabupaten=52.03" in page.url
    shot("job-order")
    body = page.locator("body").inner_text()
    assert "Baiq Rohani" not in body and "Lalu Ahmad" not in body


def test_open_a_job_order_from_the_qr_on_its_printed_page(page, shot, live_server):
    build_world(dashboard=False, scan=False)
    order = JobOrder.objects.get()
    page.goto(f"/cetak/lowongan/{order.pk}/")
    page.get_by_role("heading", name=f"Job order no. {order.pk}").wait_for()
    shot("printed")
    # On paper: no menu, footer or screen-only links; the verdict, the facts and the QR remain.
    page.emulate_media(media="print")
    assert not page.locator("body > nav").is_visible() and not page.locator("body > footer").is_visible()
    assert not page.get_by_role("link", name="Back to the check").is_visible()
    assert page.locator("svg.public-qr").is_visible() and page.get_by_test_id("places").is_visible()
    page.emulate_media(media="screen")

    # What the QR holds is the check page's address, printed beside it for a phone that cannot scan.
    address = page.locator("figure.public-qr-box figcaption .font-monospace").inner_text().strip()
    assert address == f"{live_server.url}/cek/lowongan/{order.pk}/"
    drawn = page.locator("svg.public-qr path").get_attribute("d")
    expected = segno.make(address, error="m").svg_inline(scale=4, border=2, omitsize=True)
    assert f'd="{drawn}"' in expected

    page.goto(address)
    page.get_by_role("heading", name=f"Job order no. {order.pk}").wait_for()
    assert _verdict(page).inner_text().startswith("Genuine and open")
    shot("opened-from-qr")


def test_a_revoked_company_and_its_job_order_warn_not_to_register(page, shot):
    ministry = UserFactory(username="kementerian", role="ministry_official")
    agency = steps.license_agency(AgencyFactory(name="PT Calo Makmur"))
    staff = UserFactory(username="staf.calo", role="agency_staff", agency=agency)
    order = steps.job_order(
        company=staff, mission=ministry, agency=agency, employer=EmployerFactory(name="Kedah Gloves Sdn Bhd")
    )
    revoked_on = timezone.localdate() - timedelta(days=2)
    agency_sanction(
        actor=ministry,
        agency_id=agency.pk,
        kind="revocation",
        reason="Menahan paspor pekerja",
        starts_on=revoked_on,
    )

    page.goto("/cek/perusahaan/?q=makmur")
    page.get_by_role("link", name="PT Calo Makmur").click()
    verdict = _verdict(page)
    verdict.wait_for()
    assert verdict.get_attribute("data-level") == "danger"
    assert verdict.inner_text().startswith(
        f"Licence revoked on {revoked_on.day} {revoked_on:%B %Y}: do not register through this company."
    )
    assert "Licence revocation" in page.get_by_test_id("sanctions").inner_text()
    assert "Menahan paspor" not in page.locator("body").inner_text()
    shot("revoked-company")

    page.goto(f"/cek/lowongan/{order.pk}/")
    assert _verdict(page).inner_text().startswith("The company's licence is revoked: do not apply")
    assert _verdict(page, "company-verdict").get_attribute("data-level") == "danger"
    shot("revoked-job-order")

    # The same warning in Bahasa Indonesia, through the footer's language switcher.
    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Change").click()
    page.get_by_text("Izin perusahaan dicabut").wait_for()
