"""Recording a document, with or without its scanned file: the type is read from the content."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placement.choices import DocumentKind, EventKind, Stage
from placement.models import Document, PlacementEvent
from tests.placement.journey import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "media_root")]

FIVE_MB = 5 * 1024 * 1024


def stored_files(root):
    """The placement documents' files (the job order's demand letter lies elsewhere, under job-orders/)."""
    return [path for path in (root / "documents").rglob("*") if path.is_file()]


def assert_nothing_recorded(journey, media_root):
    assert not Document.objects.filter(placement_id=journey.pk).exists()
    assert not PlacementEvent.objects.filter(placement_id=journey.pk, kind=EventKind.DOCUMENT_ADDED).exists()
    assert journey.reload().version == 1
    assert stored_files(media_root) == []


def test_a_scanned_pdf_is_accepted_and_stored(journey, media_root):
    scan = SimpleUploadedFile("paspor.pdf", b"%PDF-1.7\n% scanned passport\n", content_type="application/pdf")

    document = journey.add_document(DocumentKind.PASSPORT, number="C1234567", file=scan)

    document.refresh_from_db()
    assert document.content_type == "application/pdf"
    assert document.size == len(b"%PDF-1.7\n% scanned passport\n")
    assert document.file.name.startswith("documents/")
    assert stored_files(media_root) == [media_root / document.file.name]
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    event = journey.placement.events.get(kind=EventKind.DOCUMENT_ADDED)
    assert event.data == {"document_id": document.pk, "document_kind": DocumentKind.PASSPORT}


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("foto-paspor.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        ("foto-paspor.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    ],
)
def test_photos_are_accepted_too(journey, name, content, content_type):
    document = journey.add_document(DocumentKind.PASSPORT, file=SimpleUploadedFile(name, content))
    assert document.content_type == content_type


def test_the_type_the_browser_claims_is_not_trusted(journey):
    lying = SimpleUploadedFile("scan.png", b"%PDF-1.4 really a pdf", content_type="image/png")
    assert journey.add_document(DocumentKind.BPJS, file=lying).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("paspor.pdf", b"Ini bukan PDF, hanya teks biasa.\n"),
        ("paspor.pdf", b"MZ\x90\x00 an executable"),
        ("paspor.pdf", b""),
    ],
    ids=["text-renamed-pdf", "executable", "empty"],
)
def test_a_file_that_is_not_a_pdf_or_photo_is_refused(journey, media_root, name, content):
    error = refused(
        journey.add_document,
        DocumentKind.PASSPORT,
        file=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )

    assert error.code == "file_type"
    assert str(error) == "Only PDF, JPEG or PNG files are accepted."
    assert error.fields == {"file": ["Only PDF, JPEG or PNG files are accepted."]}
    assert_nothing_recorded(journey, media_root)


def test_a_file_over_5_mb_is_refused(journey, media_root):
    big = SimpleUploadedFile("paspor.pdf", b"%PDF-1.4" + b"0" * (6 * 1024 * 1024 - 8))

    error = refused(journey.add_document, DocumentKind.PASSPORT, file=big)

    assert error.code == "file_too_large"
    assert str(error) == "The file is 6.0 MB; the limit is 5 MB."
    assert error.fields == {"file": ["The file is too large."]}
    assert_nothing_recorded(journey, media_root)


def test_a_file_of_exactly_5_mb_is_accepted(journey):
    limit = SimpleUploadedFile("paspor.pdf", b"%PDF-1.4" + b"0" * (FIVE_MB - 8))
    assert journey.add_document(DocumentKind.PASSPORT, file=limit).size == FIVE_MB


def test_one_byte_over_the_limit_is_refused(journey):
    over = SimpleUploadedFile("paspor.pdf", b"%PDF-1.4" + b"0" * (FIVE_MB - 7))
    assert refused(journey.add_document, DocumentKind.PASSPORT, file=over).code == "file_too_large"


def test_a_document_without_a_file_is_recorded_awaiting_its_file(journey):
    document = journey.add_document(DocumentKind.BPJS, number="  23019988776  ", file=None)
    assert (document.number, document.file.name, document.content_type, document.size) == (
        "23019988776",
        "",
        "",
        None,
    )


def test_a_document_counts_for_a_requirement_only_once_its_file_is_there(journey):
    journey.walk_to(Stage.SELECTED)
    journey.add_document(DocumentKind.HEALTH_CERTIFICATE, file=None)

    error = refused(journey.advance, Stage.MEDICAL)

    assert error.code == "stage_requirements_missing"
    assert error.missing == ["Health and psychological certificate (fit) (awaiting file)"]
    assert journey.stage == Stage.SELECTED
    journey.add_document(DocumentKind.HEALTH_CERTIFICATE)  # the scan arrives
    assert journey.advance(Stage.MEDICAL).stage == Stage.MEDICAL


def test_the_placement_page_says_a_document_awaits_its_file(client, agency_a_staff, journey):
    journey.add_document(DocumentKind.PASSPORT, file=None)
    client.force_login(agency_a_staff)
    page = client.get(reverse("portal:placement_detail", args=[journey.pk])).content.decode()
    assert "Menunggu berkas" in page


def test_a_document_must_expire_after_it_was_issued(journey, media_root):
    error = refused(
        journey.add_document,
        DocumentKind.PASSPORT,
        issued_on=journey.today,
        expires_on=journey.today,
        file=SimpleUploadedFile("paspor.pdf", b"%PDF-1.4 scan"),
    )
    assert (error.code, str(error)) == ("document_dates", "A document must expire after it was issued.")
    assert_nothing_recorded(journey, media_root)


def test_a_document_needs_its_number(journey, media_root):
    error = refused(journey.add_document, DocumentKind.WORK_VISA, number="   ")
    assert (error.code, str(error)) == ("document_number_missing", "The document number is required.")
    assert_nothing_recorded(journey, media_root)


def test_a_document_without_expiry_stays_valid(journey):
    journey.walk_to(Stage.SELECTED)
    journey.add_document(DocumentKind.HEALTH_CERTIFICATE, issued_on=journey.today - timedelta(days=10), expires_on=None)
    assert journey.advance(Stage.MEDICAL).stage == Stage.MEDICAL


def test_an_unknown_document_kind_is_refused(journey, media_root):
    refused(journey.add_document, "surat_sakti")
    assert_nothing_recorded(journey, media_root)
