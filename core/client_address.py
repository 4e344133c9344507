"""Which address a request came from: one rule for the audit trail, the login locks and the public
forms' budgets."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind the reverse proxy the last entry of the header it sets
    (PUBLIC_CLIENT_IP_HEADER, e.g. HTTP_X_FORWARDED_FOR): the one the proxy saw, which a client
    cannot forge by sending its own header. None when unknown (no request, or nothing in it)."""
    if request is None:
        return None
    header = settings.PUBLIC_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
