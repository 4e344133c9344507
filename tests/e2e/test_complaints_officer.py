"""A complaint officer works a complaint in a browser at desktop width: finds it on their home's
queue, acknowledges (verifies) it, refers it to the placement company, and resolves it once the
company answered."""

import pytest

from accounts.choices import Role
from complaints.models import Complaint
from complaints.services import complaint_file, complaint_refer, referral_answer
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_complaint_officer_acknowledges_refers_and_resolves(page, e2e_db, log_in, shot):
    if page.viewport_name == "phone":
        pytest.skip("The complaint officer's desk is a desktop; the public's phone journey is tested elsewhere.")
    officer = UserFactory(
        username="pengaduan.ntb", full_name="Ni Made Sari", role=Role.COMPLAINT_OFFICER, province_id="52"
    )
    agency = AgencyFactory(name="PT Agensi A")
    staff = UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency)
    complaint, _secret = complaint_file(
        actor=None,
        channel="web",
        category="unpaid_wages",
        description="Gaji adik saya tidak dibayar selama tiga bulan di Johor.",
        area_code="52.03",
        complainant_name="Lalu Ahmad",
        complainant_phone="081900001111",
    )
    log_in(officer)

    page.get_by_role("heading", name="Your complaint queue").wait_for()
    page.get_by_role("link", name="Complaints", exact=True).first.click()
    row = page.locator(f"#complaint-{complaint.pk}")
    assert "On time" in row.inner_text() and "Acknowledge by" in row.inner_text()
    shot("queue")
    row.get_by_role("link", name=complaint.tracking_code).click()
    page.get_by_role("heading", name=complaint.tracking_code).wait_for()
    assert "Lalu Ahmad" in page.locator("#complainant").inner_text()
    shot("received")

    page.get_by_role("button", name="Verify (acknowledge)").click()
    page.get_by_text("The complaint is now “Verified”.").wait_for()
    assert page.locator("#complaint-status").inner_text() == "Verified"

    refer = page.locator("form", has=page.get_by_role("button", name="Refer"))
    refer.get_by_label("Refer to").select_option("company")
    refer.get_by_label("Company").select_option(label="PT Agensi A")
    refer.get_by_label("What is asked of them").fill("Mohon klarifikasi pembayaran gaji pekerja.")
    refer.get_by_role("button", name="Refer").click()
    page.get_by_text("The complaint is referred to PT Agensi A.").wait_for()
    assert page.locator("#complaint-status").inner_text() == "In progress"
    assert "Waiting for the answer" in page.locator("#complaint-referrals").inner_text()
    shot("referred")

    referral_answer(
        actor=staff, referral_id=Complaint.objects.get().referrals.get().pk, answer="Gaji sudah dibayar penuh."
    )
    page.reload()
    assert "Gaji sudah dibayar penuh." in page.locator("#complaint-referrals").inner_text()
    page.get_by_label("Outcome: what was done and what the worker got").fill(
        "Perusahaan memastikan gaji tiga bulan dibayar penuh."
    )
    page.get_by_role("button", name="Resolve").click()
    page.get_by_text("The complaint is now “Resolved”.").wait_for()
    assert page.locator("#complaint-status").inner_text() == "Resolved"
    shot("resolved")

    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.outcome.startswith("Perusahaan memastikan")
    assert list(complaint.events.values_list("kind", flat=True)) == [
        "filed",
        "status",
        "status",
        "referred",
        "referral_answered",
        "status",
    ]


def test_an_officer_types_a_hotline_call_and_a_company_answers_its_referral(page, e2e_db, log_in, shot):
    """At both widths: the hotline form reads the code and secret back; the company answers on its page."""
    officer = UserFactory(
        username="pengaduan.ntb", full_name="Ni Made Sari", role=Role.COMPLAINT_OFFICER, province_id="52"
    )
    agency = AgencyFactory(name="PT Agensi A")
    staff = UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency)
    log_in(officer)

    page.goto("/pengaduan-masuk/baru/")
    page.get_by_label("What is it about?").select_option("unpaid_wages")
    page.get_by_label("What happened").fill("Gaji kakak saya tidak dibayar tiga bulan di Johor.")
    page.get_by_label("The worker's home regency or city").select_option("52.03")
    page.get_by_label("Complainant's name").fill("Inaq Saenah")
    page.get_by_label("Complainant's phone").fill("081700003333")
    shot("hotline-form")
    page.get_by_role("button", name="File the complaint").click()
    page.get_by_role("heading", name="Complaint filed").wait_for()
    complaint = Complaint.objects.get()
    assert page.locator("#tracking-code").inner_text() == complaint.tracking_code
    assert len(page.locator("#tracking-secret").inner_text()) == 12
    shot("hotline-filed")

    referral = complaint_refer(
        actor=officer, complaint_id=complaint.pk, target="company", agency=agency, note="Mohon klarifikasi gaji."
    )
    page.context.clear_cookies(name="sessionid")  # logged out, still in English
    log_in(staff)
    page.goto("/pengaduan-rujukan/")
    page.get_by_role("link", name=complaint.tracking_code).click()
    assert "Inaq Saenah" not in page.content() and "081700003333" not in page.content()
    page.get_by_label("Your answer: what you did about the complaint").fill("Gaji sudah dibayar penuh kemarin.")
    shot("referral")
    page.get_by_role("button", name="Send the answer").click()
    page.get_by_text("Your answer was sent to the complaint officers.").wait_for()
    referral.refresh_from_db()
    assert referral.answered_by == staff
