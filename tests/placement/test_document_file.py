"""Uploaded documents are served only to those who may see the placement."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from agencies.models import Employer
from core.encrypted_columns import document_number_columns
from placement.choices import DocumentKind, Stage
from placement.models import Document, Placement
from recruitment.models import Country, JobOrder, Occupation
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_document(agency_a, ministry_official, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}},
    }
    country = Country.objects.get(code="MY")
    employer = Employer.objects.create(name="Sdn Bhd Uji", country=country, sector="formal")
    job_order = JobOrder.objects.create(
        agency=agency_a, employer=employer, country=country, sector="formal",
        occupation=Occupation.objects.get(code="factory_operator"), quota=5, salary=1800, currency="MYR",
        contract_months=24, valid_from="2026-01-01", valid_until="2027-01-01",
    )  # fmt: skip
    worker = WorkerFactory(
        nik="5203011708950001", full_name="Ahmad Fauzi", sex="M", birth_date="1995-08-17", birth_place="Keruak",
        village_id="52.03.01.2001", education="sma", marital_status="single", next_of_kin_name="Siti", agency=agency_a,
    )  # fmt: skip
    placement = Placement.objects.create(
        **Placement.columns_of(worker, job_order), stage=Stage.DOCUMENTS, stage_changed_at="2026-06-01T00:00Z"
    )
    document = Document(
        placement=placement, kind=DocumentKind.PASSPORT, number="C1234567", **document_number_columns("C1234567"),
        issued_on="2026-01-05",
        expires_on="2031-01-05", issuer="Kantor Imigrasi Mataram", content_type="application/pdf", size=12,
        uploaded_by=ministry_official,
    )  # fmt: skip
    document.file.save("paspor.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return document


def test_the_owning_agency_and_the_regency_official_can_download(
    client, stored_document, agency_a_staff, lotim_regency_official
):
    url = reverse("placement:document_file", args=[stored_document.pk])
    for user in (agency_a_staff, lotim_regency_official):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_other_agencies_and_regencies_get_a_404(client, stored_document, agency_b_staff, ntt_regency_official):
    url = reverse("placement:document_file", args=[stored_document.pk])
    for user in (agency_b_staff, ntt_regency_official):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, stored_document):
    response = client.get(reverse("placement:document_file", args=[stored_document.pk]))
    assert response.status_code == 302


def test_no_url_serves_the_stored_file_directly(client, stored_document, agency_a_staff, settings):
    client.force_login(agency_a_staff)
    assert not stored_document.file.path.startswith(str(settings.STATIC_ROOT))
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + stored_document.file.name).status_code == 404


def test_a_passport_scan_is_refused_to_whom_its_number_is_masked_and_every_download_is_audited(
    client, stored_document, village_officer, lotim_regency_official
):
    from accounts.choices import AuditAction
    from accounts.models import AuditEntry

    url = reverse("placement:document_file", args=[stored_document.pk])
    # The village officer sees the placement (their village's person) but only a masked passport number.
    client.force_login(village_officer)
    assert client.get(url).status_code == 403

    client.force_login(lotim_regency_official)
    assert client.get(url, REMOTE_ADDR="192.0.2.44").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert (entry.actor, entry.ip_address) == (lotim_regency_official, "192.0.2.44")
    assert entry.detail["records"] == [{"model": "placement.document", "ids": [stored_document.pk], "fields": ["file"]}]


def test_a_health_certificate_is_no_identity_document_and_stays_downloadable_by_the_village(
    client, stored_document, village_officer
):
    Document.objects.filter(pk=stored_document.pk).update(kind=DocumentKind.HEALTH_CERTIFICATE)
    client.force_login(village_officer)
    assert client.get(reverse("placement:document_file", args=[stored_document.pk])).status_code == 200


def test_the_placement_page_offers_the_passport_download_only_to_whom_may_have_it(
    client, stored_document, village_officer, lotim_regency_official
):
    page_url = reverse("portal:placement_detail", args=[stored_document.placement_id])
    file_url = reverse("placement:document_file", args=[stored_document.pk])

    client.force_login(lotim_regency_official)
    assert file_url in client.get(page_url).content.decode()

    client.force_login(village_officer)
    page = client.get(page_url).content.decode()
    assert file_url not in page and "Hanya pejabat dan perusahaan" in page
