"""Uploaded documents: the type is read from the content, never trusted from the name."""

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput

# Magic numbers of the formats officials can open on any office computer.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
MAX_UPLOAD_BYTES = getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def sniff_upload(upload) -> tuple[str, int]:
    """(content type, size) of an acceptable upload, or InvalidInput (malformed input) saying why not."""
    size = upload.size
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            "file_too_large",
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": MAX_UPLOAD_BYTES // 1048576},
            fields={"file": [_("The file is too large.")]},
            invalid_input=True,
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type, size
    message = _("Only PDF, JPEG or PNG files are accepted.")
    raise InvalidInput("file_type", message, fields={"file": [message]})
