"""Complaints over the partner API: a company files one about its own placement and gets the
tracking code and secret; it reads the complaints referred to it without the complainant's
identity (unless they consented) and answers them; another company sees and answers nothing."""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from complaints.services import complaint_file, complaint_for_code, complaint_refer
from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "category": "unpaid_wages",
    "description": "The employer has not paid the worker's wages for two months.",
}


@pytest.fixture
def complaint_officer(db):
    from villages.models import Province

    return UserFactory(username="pengaduan.ntb", role=Role.COMPLAINT_OFFICER, province=Province.objects.get(code="52"))


def referred(officer, agency, *, consent=False, anonymous=False):
    """A family's complaint from the web form about the worker, referred by the officer to ``agency``."""
    complaint, _secret = complaint_file(
        actor=None,
        channel="web",
        category="unpaid_wages",
        description="Gaji kakak saya tidak dibayar dua bulan di Penang.",
        area_code="52.03",
        anonymous=anonymous,
        complainant_name="Lalu Ahmad",
        complainant_phone="081900001111",
        complainant_email="ahmad@example.id",
        complainant_relation="family",
        identity_shared_with_company=consent,
        worker_name="Baiq Rohani",
        worker_nik="5203014711980001",
    )
    return complaint_refer(
        actor=officer, complaint_id=complaint.pk, target="company", agency=agency, note="Jelaskan pembayaran gaji."
    )


def test_a_company_files_a_complaint_about_its_placement_and_gets_the_code_and_secret(api_a, journey, agency_a):
    response = api_a.post("/api/v1/complaints/", {**COMPLAINT, "placement": journey.pk}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tracking_code"].startswith("ADU-") and len(body["secret"]) == 12
    assert (body["channel"], body["priority"], body["status"]) == ("company", "high", "received")
    complaint = complaint_for_code(body["tracking_code"], body["secret"])
    placement = journey.reload()
    assert complaint.placement == placement and complaint.agency == agency_a
    assert complaint.employer == placement.job_order.employer and complaint.area_code == placement.worker.village_id
    assert secret_not_stored(complaint, body["secret"])


def secret_not_stored(complaint, secret) -> bool:
    return secret not in complaint.secret_hash and not Complaint.objects.filter(secret_hash=secret).exists()


def test_the_same_idempotency_key_files_once_and_gives_the_same_answer(api_a, journey):
    first = api_a.post(
        "/api/v1/complaints/", {**COMPLAINT, "placement": journey.pk}, format="json", HTTP_IDEMPOTENCY_KEY="adu-1"
    )
    again = api_a.post(
        "/api/v1/complaints/", {**COMPLAINT, "placement": journey.pk}, format="json", HTTP_IDEMPOTENCY_KEY="adu-1"
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Complaint.objects.count() == 1


def test_another_companys_placement_is_unknown(api_b, journey):
    response = api_b.post("/api/v1/complaints/", {**COMPLAINT, "placement": journey.pk}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "placement" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_a_complaint_without_its_facts_is_refused_with_field_errors(api_a):
    response = api_a.post("/api/v1/complaints/", {"category": "wages", "description": "gaji"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) >= {"category"}
    short = api_a.post("/api/v1/complaints/", {**COMPLAINT, "description": "gaji"}, format="json")
    assert short.status_code == 400 and "description" in short.json()["errors"]
    assert not Complaint.objects.exists()


def test_a_read_only_key_cannot_file(api_a_read_only):
    response = api_a_read_only.post("/api/v1/complaints/", COMPLAINT, format="json")

    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_the_company_reads_its_referral_without_the_complainants_identity(api_a, complaint_officer, agency_a):
    referral = referred(complaint_officer, agency_a)

    response = api_a.get("/api/v1/complaint-referrals/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == referral.pk and row["note"] == "Jelaskan pembayaran gaji." and row["overdue"] is False
    assert row["complaint"]["tracking_code"] == referral.complaint.tracking_code
    assert row["complaint"]["complainant"] is None
    assert row["complaint"]["masked_worker_nik"].endswith("0001") and "5203014711980001" not in response.text
    for personal in ("Lalu Ahmad", "081900001111", "ahmad@example.id"):
        assert personal not in response.text
    assert api_a.get("/api/v1/complaint-referrals/?answered=true").json()["results"] == []


def test_the_complainant_who_consented_is_shown_to_the_company(api_a, complaint_officer, agency_a):
    referral = referred(complaint_officer, agency_a, consent=True)

    row = api_a.get(f"/api/v1/complaint-referrals/{referral.pk}/").json()

    assert row["complaint"]["complainant"] == {
        "name": "Lalu Ahmad",
        "phone": "081900001111",
        "email": "ahmad@example.id",
        "relation": "family",
    }


def test_another_company_sees_nothing_and_cannot_answer(api_b, complaint_officer, agency_a):
    referral = referred(complaint_officer, agency_a, consent=True)

    assert api_b.get("/api/v1/complaint-referrals/").json()["results"] == []
    detail = api_b.get(f"/api/v1/complaint-referrals/{referral.pk}/")
    assert detail.status_code == 404 and "Lalu Ahmad" not in detail.text
    answer = api_b.post(
        f"/api/v1/complaint-referrals/{referral.pk}/answer/", {"answer": "Kami sudah membayar gajinya."}, format="json"
    )
    assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
    referral.refresh_from_db()
    assert referral.answered_at is None


def test_the_company_answers_once(api_a, complaint_officer, agency_a):
    referral = referred(complaint_officer, agency_a)
    url = f"/api/v1/complaint-referrals/{referral.pk}/answer/"

    short = api_a.post(url, {"answer": "ok"}, format="json")
    assert short.status_code == 400 and "answer" in short.json()["errors"]

    answered = api_a.post(url, {"answer": "The wages were paid on 1 March; receipt attached."}, format="json")
    assert answered.status_code == 200
    assert answered.json()["answered_at"] and answered.json()["answer"].startswith("The wages were paid")
    assert referral.complaint.events.filter(kind="referral_answered").exists()

    again = api_a.post(url, {"answer": "The wages were paid on 1 March, again."}, format="json")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json" and again.json()["code"] == "referral_answered"
    assert api_a.get("/api/v1/complaint-referrals/?answered=false").json()["results"] == []


def test_a_read_only_key_reads_referrals_but_cannot_answer(api_a_read_only, complaint_officer, agency_a):
    referral = referred(complaint_officer, agency_a)

    assert len(api_a_read_only.get("/api/v1/complaint-referrals/").json()["results"]) == 1
    response = api_a_read_only.post(
        f"/api/v1/complaint-referrals/{referral.pk}/answer/", {"answer": "Kami sudah membayar gajinya."}, format="json"
    )
    assert response.status_code == 403
