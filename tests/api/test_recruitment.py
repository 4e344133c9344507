"""Job orders, workers, applications and enrolments through the partner API."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recruitment.choices import JobOrderStatus
from recruitment.models import Application, JobOrder, Worker
from tests.placement.journey import nik_for

pytestmark = pytest.mark.django_db


def job_order_body(foreign_employer, **overrides):
    today = timezone.localdate()
    body = {
        "employer": foreign_employer.pk,
        "occupation": "factory_operator",
        "quota": 5,
        "salary": "1800.00",
        "currency": "MYR",
        "contract_months": 24,
        "valid_from": str(today),
        "valid_until": str(today + timedelta(days=180)),
        "reference": "DL/2026/001",
    }
    return {**body, **overrides}


def worker_body(**overrides):
    birth = timezone.localdate().replace(year=timezone.localdate().year - 25, month=3, day=14)
    body = {
        "nik": nik_for(birth, "F", serial=77),
        "full_name": "Lalu Wulan Sari",
        "sex": "F",
        "birth_date": str(birth),
        "birth_place": "Lombok Timur",
        "village": "52.03.01.2001",
        "education": "sma",
        "marital_status": "single",
        "next_of_kin_name": "Inaq Sumiati",
        "family_consent_on": str(timezone.localdate() - timedelta(days=3)),
        "consent_on": str(timezone.localdate() - timedelta(days=1)),
    }
    return {**body, **overrides}


class TestJobOrders:
    def test_a_company_creates_a_draft_then_submits_it(self, api_a, licensed_agency, malaysian_factory):
        created = api_a.post("/api/v1/job-orders/", job_order_body(malaysian_factory), format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert body["status"] == JobOrderStatus.DRAFT and body["agency"] == licensed_agency.pk
        assert body["country"] == "MY"
        # Without the demand letter the mission could not verify it: refused, naming what is missing.
        early = api_a.post(f"/api/v1/job-orders/{body['id']}/submit/")
        assert early.status_code == 409
        assert (early.json()["code"], early.json()["missing"]) == ("documents_missing", ["Demand letter"])
        letter = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 demand letter", content_type="application/pdf")
        attached = api_a.post(
            f"/api/v1/job-orders/{body['id']}/documents/",
            {"kind": "demand_letter", "number": "DL/2026/001", "file": letter},
            format="multipart",
        )
        assert attached.status_code == 201, attached.json()
        assert attached.json()["kind"] == "demand_letter" and attached.json()["content_type"] == "application/pdf"
        listed = api_a.get(f"/api/v1/job-orders/{body['id']}/documents/").json()
        assert [document["number"] for document in listed] == ["DL/2026/001"]
        submitted = api_a.post(f"/api/v1/job-orders/{body['id']}/submit/")
        assert submitted.status_code == 200
        assert submitted.json()["status"] == JobOrderStatus.SUBMITTED
        assert JobOrder.objects.get(pk=body["id"]).status == JobOrderStatus.SUBMITTED

    def test_a_document_that_is_not_a_scan_is_refused_and_another_company_gets_404(
        self, api_a, api_b, licensed_agency, malaysian_factory
    ):
        job_order = api_a.post("/api/v1/job-orders/", job_order_body(malaysian_factory), format="json").json()
        url = f"/api/v1/job-orders/{job_order['id']}/documents/"
        text = SimpleUploadedFile("surat.pdf", b"just text", content_type="application/pdf")
        refused = api_a.post(url, {"kind": "demand_letter", "file": text}, format="multipart")
        assert refused.status_code == 400 and "file" in refused.json()["errors"]
        missing = api_a.post(url, {"kind": "demand_letter"}, format="multipart")
        assert missing.status_code == 400 and "file" in missing.json()["errors"]
        letter = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
        assert api_b.post(url, {"kind": "demand_letter", "file": letter}, format="multipart").status_code == 404
        assert api_b.get(url).status_code == 404
        assert api_a.get(url).json() == []

    def test_invalid_input_names_the_fields_and_writes_nothing(self, api_a, licensed_agency, malaysian_factory):
        body = job_order_body(malaysian_factory, quota=0, currency="ringgit", employer=999999)
        response = api_a.post("/api/v1/job-orders/", body, format="json")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert set(response.json()["errors"]) == {"quota", "currency", "employer"}
        assert not JobOrder.objects.exists()

    def test_a_rule_refusal_is_a_409_with_its_code(self, api_a, licensed_agency, malaysian_factory):
        today = timezone.localdate()
        body = job_order_body(malaysian_factory, valid_until=str(today - timedelta(days=1)))
        response = api_a.post("/api/v1/job-orders/", body, format="json")
        assert response.status_code in (400, 409)
        assert response.json()["code"]
        assert not JobOrder.objects.exists()

    def test_another_company_sees_none_of_them(self, api_a, api_b, factory_job_order):
        assert api_a.get("/api/v1/job-orders/").json()["results"][0]["id"] == factory_job_order.pk
        assert api_b.get("/api/v1/job-orders/").json()["results"] == []
        assert api_b.get(f"/api/v1/job-orders/{factory_job_order.pk}/").status_code == 404
        assert api_b.post(f"/api/v1/job-orders/{factory_job_order.pk}/submit/").status_code == 404

    def test_the_company_closes_a_filled_job_order(self, api_a, api_b, factory_job_order):
        assert api_b.post(f"/api/v1/job-orders/{factory_job_order.pk}/close/").status_code == 404
        closed = api_a.post(f"/api/v1/job-orders/{factory_job_order.pk}/close/")
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert factory_job_order.events.filter(kind="closed").exists()
        assert api_a.post(f"/api/v1/job-orders/{factory_job_order.pk}/close/").status_code == 409

    def test_the_company_cancels_a_job_order_with_a_reason(self, api_a, factory_job_order):
        url = f"/api/v1/job-orders/{factory_job_order.pk}/cancel/"
        missing = api_a.post(url, {}, format="json")
        assert missing.status_code == 400 and "reason" in missing.json()["errors"]
        factory_job_order.refresh_from_db()
        assert factory_job_order.status == "published"

        cancelled = api_a.post(url, {"reason": "Pemberi kerja menunda perekrutan"}, format="json")

        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert factory_job_order.events.get(kind="cancelled").reason == "Pemberi kerja menunda perekrutan"

    def test_filter_by_status(self, api_a, factory_job_order):
        assert len(api_a.get("/api/v1/job-orders/?status=published").json()["results"]) == 1
        assert api_a.get("/api/v1/job-orders/?status=draft").json()["results"] == []
        bad = api_a.get("/api/v1/job-orders/?status=nonsense")
        assert bad.status_code == 400 and "status" in bad.json()["errors"]


class TestWorkers:
    def test_register_then_read_in_full_but_listed_masked(self, api_a, licensed_agency):
        created = api_a.post("/api/v1/workers/", worker_body(), format="json")
        assert created.status_code == 201, created.json()
        worker = created.json()
        nik = worker_body()["nik"]
        assert worker["nik"] == nik and worker["agency"] == licensed_agency.pk
        listed = api_a.get("/api/v1/workers/").json()["results"]
        assert listed[0]["id"] == worker["id"] and listed[0]["nik"] != nik and listed[0]["nik"].endswith(nik[-4:])
        assert api_a.get(f"/api/v1/workers/{worker['id']}/").json()["nik"] == nik

    def test_search_by_exact_nik_only(self, api_a, lombok_worker):
        found = api_a.post("/api/v1/workers/search/", {"nik": lombok_worker.nik}, format="json")
        assert [w["id"] for w in found.json()["results"]] == [lombok_worker.pk]
        fragment = api_a.post("/api/v1/workers/search/", {"nik": lombok_worker.nik[:8]}, format="json")
        assert fragment.status_code == 400 and "nik" in fragment.json()["errors"]

    def test_a_registered_nik_with_another_name_is_refused_without_saying_why(self, api_a, licensed_agency):
        assert api_a.post("/api/v1/workers/", worker_body(), format="json").status_code == 201
        again = api_a.post("/api/v1/workers/", worker_body(full_name="Orang Lain"), format="json")
        assert again.status_code == 400 and again.json()["code"] == "identity_mismatch"
        assert again.json()["errors"]["nik"] == [
            "The NIK does not agree with the full name, birth date and sex entered. Check them against the "
            "identity card (KTP)."
        ]
        assert Worker.objects.count() == 1

    def test_a_nik_that_disagrees_with_the_birth_date_is_refused(self, api_a, licensed_agency):
        response = api_a.post("/api/v1/workers/", worker_body(birth_date="1990-01-01"), format="json")
        assert response.status_code == 400
        assert not Worker.objects.exists()

    def test_another_company_cannot_read_or_find_them(self, api_b, lombok_worker):
        assert api_b.get(f"/api/v1/workers/{lombok_worker.pk}/").status_code == 404
        assert api_b.post("/api/v1/workers/search/", {"nik": lombok_worker.nik}, format="json").json()["results"] == []


class TestApplicationsAndEnrolments:
    def test_apply_and_decide(self, api_a, lombok_worker, factory_job_order):
        applied = api_a.post(
            "/api/v1/applications/",
            {"worker": lombok_worker.pk, "job_order": factory_job_order.pk, "applied_on": str(timezone.localdate())},
            format="json",
        )
        assert applied.status_code == 201, applied.json()
        decided = api_a.post(f"/api/v1/applications/{applied.json()['id']}/decide/", {"selected": True}, format="json")
        assert decided.status_code == 200 and decided.json()["status"] == "selected"
        again = api_a.post(f"/api/v1/applications/{applied.json()['id']}/decide/", {"selected": False}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "application_decided"

    def test_another_company_cannot_apply_with_or_decide_on_a_records(
        self, api_b, lombok_worker, factory_job_order, selected_application
    ):
        response = api_b.post(
            "/api/v1/applications/",
            {"worker": lombok_worker.pk, "job_order": factory_job_order.pk, "applied_on": str(timezone.localdate())},
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"worker", "job_order"}
        assert (
            api_b.post(f"/api/v1/applications/{selected_application.pk}/decide/", {"selected": False}).status_code
            == 404
        )
        assert Application.objects.count() == 1

    def test_record_an_enrolment(self, api_a, lombok_worker):
        from tests.factories import TrainingProviderFactory

        provider = TrainingProviderFactory()
        body = {
            "worker": lombok_worker.pk,
            "provider": provider.pk,
            "programme": "Operator produksi",
            "kind": "skill",
            "hours": 200,
            "starts_on": str(timezone.localdate() - timedelta(days=30)),
        }
        created = api_a.post("/api/v1/enrolments/", body, format="json")
        assert created.status_code == 201, created.json()
        assert api_a.get("/api/v1/enrolments/").json()["results"][0]["id"] == created.json()["id"]


class TestReferenceData:
    def test_reference_lists(self, api_a):
        assert any(c["code"] == "MY" for c in api_a.get("/api/v1/countries/").json())
        assert api_a.get("/api/v1/occupations/factory_operator/").status_code == 200
        assert any(p["code"] == "LOP" for p in api_a.get("/api/v1/embarkation-points/").json())

    def test_area_search_by_name_and_by_code(self, api_a):
        by_name = api_a.get("/api/v1/areas/?q=tanjung luar&level=village").json()
        assert {"code": "52.03.01.2001", "name": by_name[0]["name"], "level": "village"} in by_name
        by_code = api_a.get("/api/v1/areas/?q=52.03&limit=5").json()
        assert by_code[0]["code"] == "52.03" and len(by_code) == 5
        too_short = api_a.get("/api/v1/areas/?q=ta")
        assert too_short.status_code == 400 and "q" in too_short.json()["errors"]
