"""A province official issues a recruitment permit (SIP2MI) from the queue in a browser, at a
desktop and at a phone width (360 px), and the page never scrolls sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Role
from recruitment import services
from recruitment.choices import JobOrderStatus, PermitStatus
from recruitment.models import RecruitmentPermit
from tests.factories import AgencyFactory, EmployerFactory, UserFactory
from tests.placement import journey as steps

pytestmark = pytest.mark.django_db(transaction=True)

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _an_application():
    """Agency A's verified job order in Malaysia and its application for a permit in Lombok Timur."""
    today = timezone.localdate()
    ministry = UserFactory(username="kementerian", role=Role.MINISTRY_OFFICIAL)
    agency = steps.license_agency(AgencyFactory(name="PT Agensi A"))
    staff = UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency)
    employer = EmployerFactory(name="Penang Electronics Sdn Bhd", registration_number="MY-200301012345")
    order = steps.job_order(
        company=staff, mission=ministry, agency=agency, employer=employer, status=JobOrderStatus.SUBMITTED
    )
    services.job_order_verify(actor=ministry, job_order_id=order.pk, mission_reference="KBRI-KL/1", verified_on=today)
    return services.permit_apply(
        actor=staff,
        job_order_id=order.pk,
        quota=5,
        valid_from=today,
        valid_until=today + timedelta(days=180),
        regions=["52.03"],
    )


def test_an_official_issues_a_permit_from_the_queue(page, e2e_db, log_in, shot):
    if page.viewport_name == "phone":
        page.set_viewport_size({"width": 360, "height": 780})
    applied = _an_application()
    official = UserFactory(username="prov.ntb", role=Role.PROVINCE_OFFICIAL, province_id="52")
    log_in(official)
    page.goto("/izin-rekrutmen/")
    page.get_by_role("heading", name="Recruitment permits to decide").wait_for()
    card = page.locator(f"#permit-{applied.pk}")
    assert "PT Agensi A" in card.inner_text() and "Lombok Timur" in card.inner_text()
    assert page.evaluate(OVERFLOW) <= 0
    shot("queue")

    card.get_by_label("SIP2MI number").fill("SIP2MI/NTB/2026/001")
    card.get_by_role("button", name="Issue").click()
    page.get_by_text("The recruitment permit was issued.").wait_for()
    page.get_by_text("No application for a recruitment permit is waiting for your decision.").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    shot("issued")
    permit = RecruitmentPermit.objects.get(pk=applied.pk)
    assert (permit.status, permit.number) == (PermitStatus.ISSUED, "SIP2MI/NTB/2026/001")

    page.goto(f"/rekrutmen/lowongan/{permit.job_order_id}/")
    page.get_by_text("SIP2MI/NTB/2026/001").first.wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    shot("job-order")
