"""A person with no account, on a phone: finds a real vacancy where they live and checks it, reads
the safe-migration facts, and reports a broker anonymously (issue 15). Each test also runs at
desktop width, and every page is checked for sideways scrolling (tests/e2e/conftest.py)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from complaints.models import Complaint
from recruitment.models import JobOrder
from tests.e2e.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def public_form(settings):
    """A test types at machine speed: the bot check's minimum time is off, budgets start unspent."""
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def test_find_a_vacancy_where_you_live_and_check_it(page, shot):
    build_world(dashboard=False, scan=False)
    cache.clear()  # the fill rates of an earlier test's world
    order = JobOrder.objects.get()
    page.goto("/lowongan/")
    page.get_by_role("heading", name="Vacancies abroad").wait_for()
    assert re.search(r"\d+\.\d\d%", page.get_by_test_id("national-rate").inner_text())

    page.get_by_label("Where you live").select_option("52.03")
    page.get_by_label("Places for").select_option("F")
    page.get_by_role("button", name="Show vacancies").click()
    page.wait_for_url(re.compile(r"area=52\.03"))
    vacancy = page.get_by_test_id("vacancy")
    assert vacancy.count() == 1
    assert "Operator pabrik · Malaysia" in vacancy.inner_text()
    assert "Kabupaten Lombok Timur" in vacancy.get_by_test_id("how-to-apply").inner_text()
    page.get_by_test_id("area-rate").wait_for()
    shot("board")

    page.get_by_text("Find vacancies").click()  # the filters fold away over the results; open them again
    page.get_by_label("Where you live").select_option("53.01")  # Kupang: the permit does not recruit there
    page.get_by_role("button", name="Show vacancies").click()
    page.get_by_text("0 job orders with places open").wait_for()

    page.go_back()
    page.get_by_role("link", name="Check this job order").click()
    page.wait_for_url(re.compile(rf"/cek/lowongan/{order.pk}/$"))
    body = page.locator("body").inner_text()
    assert "Baiq Rohani" not in body and "Lalu Ahmad" not in body


def test_read_how_to_go_safely(page, shot):
    page.goto("/informasi/")
    page.get_by_role("heading", name="Working abroad safely").wait_for()
    assert "Arab Saudi" in page.get_by_test_id("moratorium").inner_text()
    assert "Penata laksana rumah tangga" in page.get_by_test_id("zero-cost").inner_text()
    assert "Rp 8,000,000" in page.get_by_test_id("cost-caps").inner_text()
    shot("information")
    page.get_by_role("link", name="Report a fake offer or a broker").first.click()
    page.get_by_role("heading", name="Report a fake offer or a broker").wait_for()


def test_report_a_broker_anonymously(page, shot, public_form):
    page.goto("/laporkan/")
    page.get_by_role("heading", name="Report a fake offer or a broker").wait_for()
    trap = page.locator("#id_website")
    assert not trap.is_visible() or trap.bounding_box()["x"] < -1000
    page.get_by_label("A broker (calo) recruiting people without a licensed company").check()
    page.get_by_label("What did they offer or do?").fill("Menawarkan kerja di kebun sawit Malaysia, minta Rp 5 juta.")
    page.get_by_label("Their phone or WhatsApp numbers (optional)").fill("081234500011")
    page.get_by_label("Where did it happen? (regency or city)").select_option("52.03")
    page.get_by_label("Report anonymously").check()
    assert not page.get_by_label("Your phone number").is_visible()  # folded away, no script needed
    shot("report")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_role("heading", name="Save this code").wait_for()
    complaint = Complaint.objects.get()
    assert page.get_by_test_id("tracking-code").inner_text().strip() == complaint.tracking_code
    assert (complaint.category, complaint.anonymous, complaint.channel) == ("other", True, "web")
    assert "081234500011" in complaint.description
    shot("filed")
