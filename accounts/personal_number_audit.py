"""Audit every full personal number a response shows, once per request."""

from __future__ import annotations

from core.client_address import client_address
from core.personal_data import full_numbers_shown

from .services import personal_numbers_viewed_record


class PersonalNumberAuditMiddleware:
    """Pages and API serializers note the full NIK and passport numbers they render
    (``core.personal_data.note_full_numbers_shown``); after the response is made, this writes one
    audit row naming the records. An error response showed nothing, so it is not recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        records = full_numbers_shown(request)
        user = getattr(request, "user", None)
        if records and response.status_code < 400 and user is not None and user.is_authenticated:
            personal_numbers_viewed_record(
                actor=user,
                ip_address=client_address(request),
                door="api" if request.path.startswith("/api/") else "page",
                path=request.path,
                records=records,
            )
        return response
