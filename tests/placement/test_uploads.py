"""Uploaded documents: the type comes from the content and the size is limited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from placement import services
from placement.choices import DocumentKind
from placement.files import MAX_UPLOAD_BYTES
from placement.models import Document
from siskop2mi.errors import DomainError
from tests.placement.lifecycle import LONG_AGO, apply_and_select, make_agency, make_job_order, register_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(ministry_official, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    agency = make_agency()
    job_order = make_job_order(ministry_official, agency)
    worker = register_worker(ministry_official, agency)
    return services.placement_create(
        actor=ministry_official, application=apply_and_select(ministry_official, worker, job_order)
    )


def upload(actor, placement, file):
    with translation.override("en"):
        return services.document_add(
            actor=actor, placement_id=placement.pk, kind=DocumentKind.PASSPORT, number="C1234567",
            issued_on=LONG_AGO, issuer="Kantor Imigrasi Selong", file=file,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n...", "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_content(ministry_official, placement, content, content_type):
    document = upload(
        ministry_official, placement, SimpleUploadedFile("whatever.bin", content, content_type="text/plain")
    )
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.file.read() == content


def test_a_text_file_named_pdf_is_refused(ministry_official, placement):
    with pytest.raises(DomainError) as refused:
        upload(
            ministry_official, placement, SimpleUploadedFile("paspor.pdf", b"<html>not a pdf</html>", "application/pdf")
        )
    assert refused.value.code == "file_type"
    assert "Only PDF, JPEG or PNG files are accepted." in str(refused.value)
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(ministry_official, placement):
    too_big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "application/pdf")
    with pytest.raises(DomainError) as refused:
        upload(ministry_official, placement, too_big)
    assert refused.value.code == "file_too_large"
    assert "the limit is 5 MB" in str(refused.value)
    assert not Document.objects.exists()
