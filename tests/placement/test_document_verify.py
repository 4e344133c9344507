"""An official checks a placement document against its scan from the placement page; the company
that uploaded it may not, and a record still awaiting its file cannot be verified."""

import pytest

from placement.choices import DocumentKind, EventKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_regency_office_verifies_a_document_on_the_placement_page(client, journey, lotim_regency_official):
    document = journey.add_document(DocumentKind.HEALTH_CERTIFICATE)
    client.force_login(lotim_regency_official)
    page = client.get(f"/penempatan/{journey.pk}/")
    assert f'action="/penempatan/dokumen/{document.pk}/verifikasi/"' in page.content.decode()

    response = client.post(f"/penempatan/dokumen/{document.pk}/verifikasi/", follow=True)

    assert response.redirect_chain[-1][0] == f"/penempatan/{journey.pk}/"
    assert "was verified" in response.content.decode()
    document.refresh_from_db()
    assert document.verified_by == lotim_regency_official
    event = journey.reload().events.get(kind=EventKind.DOCUMENT_VERIFIED)
    assert event.actor == lotim_regency_official and event.data["document_id"] == document.pk


def test_the_company_that_uploaded_it_may_not_verify_it(client, journey):
    document = journey.add_document(DocumentKind.HEALTH_CERTIFICATE)
    client.force_login(journey.actor)
    assert 'verifikasi/"' not in client.get(f"/penempatan/{journey.pk}/").content.decode()

    assert client.post(f"/penempatan/dokumen/{document.pk}/verifikasi/").status_code == 403
    document.refresh_from_db()
    assert document.verified_at is None


def test_another_company_gets_404(client, journey, agency_b_staff):
    document = journey.add_document(DocumentKind.HEALTH_CERTIFICATE)
    client.force_login(agency_b_staff)
    assert client.post(f"/penempatan/dokumen/{document.pk}/verifikasi/").status_code == 404


def test_a_record_awaiting_its_file_is_not_verified(client, journey, lotim_regency_official):
    document = journey.add_document(DocumentKind.HEALTH_CERTIFICATE, file=None)
    client.force_login(lotim_regency_official)

    response = client.post(f"/penempatan/dokumen/{document.pk}/verifikasi/", follow=True)

    assert "has not been uploaded yet" in response.content.decode()
    document.refresh_from_db()
    assert document.verified_at is None
    assert not journey.reload().events.filter(kind=EventKind.DOCUMENT_VERIFIED).exists()
