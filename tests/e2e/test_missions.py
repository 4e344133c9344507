"""A mission officer (KBRI Kuala Lumpur) works the verification queue in a browser: opens a
submitted job order, checks its demand letter and verifies it, at a desktop and at a phone
width (360 px); the page never scrolls sideways."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Role
from placement.choices import Stage
from placement.models import Placement
from recruitment.choices import JobOrderStatus
from recruitment.models import JobOrder, Mission
from tests.factories import AgencyFactory, EmployerFactory, UserFactory
from tests.placement import journey as steps

pytestmark = pytest.mark.django_db(transaction=True)

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _submitted_job_order() -> JobOrder:
    """Agency A's job order for Penang, submitted with its demand letter."""
    agency = steps.license_agency(AgencyFactory(name="PT Agensi A"))
    staff = UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency)
    employer = EmployerFactory(name="Penang Electronics Sdn Bhd", registration_number="MY-200301012345")
    return steps.job_order(
        company=staff, mission=None, agency=agency, employer=employer, status=JobOrderStatus.SUBMITTED
    )


def _malaysia_mission_officer():
    mission, _ = Mission.objects.get_or_create(
        name="KBRI Kuala Lumpur", defaults={"kind": "kbri", "city": "Kuala Lumpur"}
    )
    mission.countries.set(["MY"])
    return UserFactory(username="kbri.kl", role=Role.MISSION_OFFICER, mission=mission)


def _menu(page, name):
    """A link of the main navigation; on a phone the menu opens first."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    link = page.locator("#main-nav").get_by_role("link", name=name, exact=True)
    link.wait_for(state="visible")
    return link


def test_a_mission_officer_verifies_a_job_order_from_the_queue(page, e2e_db, log_in, shot):
    order = _submitted_job_order()
    officer = _malaysia_mission_officer()
    log_in(officer)
    assert page.evaluate(OVERFLOW) <= 0  # the home page, with the mission's counts
    page.get_by_text("Job orders to verify").wait_for()

    _menu(page, "Verification queue").click()
    page.get_by_role("heading", name="Job orders to verify").wait_for()
    row = page.locator("table tbody tr").filter(has_text="Penang Electronics Sdn Bhd")
    assert "PT Agensi A" in row.inner_text() and "Malaysia" in row.inner_text()
    assert page.evaluate(OVERFLOW) <= 0
    shot("queue")

    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/rekrutmen/lowongan/{order.pk}/"))
    documents = page.locator("#mission")
    assert "Demand letter" in documents.inner_text()
    page.get_by_label("The mission's reference number").fill("KBRI-KL/VER/2026/015")
    page.get_by_label("Verified on").fill(timezone.localdate().isoformat())
    assert page.evaluate(OVERFLOW) <= 0
    shot("job-order")

    page.get_by_role("button", name="Verify the job order and employer").click()
    page.get_by_text("The job order and its employer are verified.").wait_for()
    verification = page.locator("#verification-heading").locator("xpath=..")
    assert "KBRI-KL/VER/2026/015" in verification.inner_text()
    assert "Verified" in verification.inner_text()
    assert page.get_by_role("button", name="Verify the job order and employer").count() == 0
    assert JobOrder.objects.get(pk=order.pk).status == JobOrderStatus.VERIFIED
    assert page.evaluate(OVERFLOW) <= 0
    shot("verified")

    _menu(page, "Verification queue").click()
    page.get_by_text("No job order is waiting for the mission's verification.").wait_for()


def _departed_placement():
    """Baiq Rohani's placement on a Malaysian job order, departed three days ago."""
    today = timezone.localdate()
    ministry = UserFactory(username="kementerian", role=Role.MINISTRY_OFFICIAL)
    agency = steps.license_agency(AgencyFactory(name="PT Agensi A"))
    staff = UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency)
    employer = EmployerFactory(name="Penang Electronics Sdn Bhd", registration_number="MY-200301012345")
    order = steps.job_order(company=staff, mission=ministry, agency=agency, employer=employer)
    worker = steps.register_worker(actor=staff, agency=agency)
    trip = steps.place(staff, steps.select(staff, worker, order))
    trip.walk_to(Stage.READY)
    trip.depart(on=today - timedelta(days=3))
    return trip.placement


def test_a_mission_officer_records_an_arrival_from_the_list(page, e2e_db, log_in, shot):
    placement = _departed_placement()
    log_in(_malaysia_mission_officer())
    _menu(page, "Arrival reports").click()
    page.get_by_role("heading", name="Arrival reports").wait_for()
    row = page.locator(f"#arrival-{placement.pk}")
    assert "Baiq Rohani" in row.inner_text()
    today = timezone.localdate()
    row.get_by_label("Arrived on").fill((today - timedelta(days=2)).isoformat())
    row.get_by_label("Reported to the mission on").fill(today.isoformat())
    assert page.evaluate(OVERFLOW) <= 0
    shot("arrivals")

    row.get_by_role("button", name=re.compile("Record the arrival")).click()
    page.get_by_text("The arrival was recorded.").wait_for()
    page.get_by_text("No arrival is waiting to be recorded or confirmed.").wait_for()
    placement = Placement.objects.get(pk=placement.pk)
    assert placement.stage == Stage.WORKING and placement.arrival_confirmed_at is not None  # the mission's own word
    page.goto(f"/penempatan/{placement.pk}/")
    page.get_by_text("confirmed by the mission", exact=True).wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    shot("placement")
