"""Guards that refuse a request before any view, form or parser touches it.

- A body larger than the portal accepts is refused from its Content-Length alone (413), before a
  byte of it is read: a 2 GB upload costs the server nothing. A body that is not a multipart
  upload (JSON, a plain form) is held to DATA_UPLOAD_MAX_MEMORY_SIZE, which Django applies only to
  form bodies it parses itself, not to the API's JSON. Under WSGI Django reads no more than
  Content-Length says, and nothing without one: a body sent in chunks without it is answered 411
  rather than read as empty.
- A NUL character in the address or a query parameter (``?q=%00``) is refused (400): PostgreSQL's
  text cannot hold one, and every filter would otherwise fail as a server error. Form fields and
  serializer fields refuse it on their own (Django's and DRF's CharField validators).

Both answer problem+json under /api/ and /data/v1/, a page elsewhere (core.api.exceptions).
"""

from __future__ import annotations

from django.conf import settings

from core.api.exceptions import length_required_response, refused_characters_response, request_too_large_response


def body_limit(request) -> int:
    """The most bytes this request's body may hold."""
    limit = settings.MAX_REQUEST_BODY_BYTES
    is_upload = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
    if not is_upload and settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
        limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return limit


class RequestBodyLimitMiddleware:
    """413 for a body over the limit, judged by Content-Length: must come before anything that reads
    the body (CSRF, the views); nothing above it in MIDDLEWARE does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return length_required_response(request)
        try:
            length = int(declared or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body whose length it cannot read either
        if length > body_limit(request):
            return request_too_large_response(request)
        return self.get_response(request)


def _has_nul(text: str) -> bool:
    return "\x00" in text


class NulCharacterMiddleware:
    """400 for a NUL character anywhere in the path or the query string (names and values)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.path) or any(
            _has_nul(name) or any(_has_nul(value) for value in values) for name, values in request.GET.lists()
        ):
            return refused_characters_response(request)
        return self.get_response(request)
