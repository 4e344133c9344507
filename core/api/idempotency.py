"""``Idempotency-Key`` on POST: a retried request returns the first response and creates nothing.

The whole request runs in one transaction that first claims (owner, key) with
``INSERT ... ON CONFLICT DO NOTHING``. A concurrent retry waits on that row and then
replays the stored response. Only successful (2xx) responses are kept: after an
error the claim is rolled back with everything else, so the client can fix the
request and send it again with the same key.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from core.models import IdempotencyRecord

from .exceptions import IdempotencyKeyReused

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)
# Response headers a replay must carry like the original did.
REPLAYED_HEADERS = ("Location", "ETag")


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def request_fingerprint(request) -> str:
    """A hash of what the request asks for: method, path, query and parsed body (files by content)."""
    data = request.data
    body = dict(data.lists()) if hasattr(data, "lists") else data
    files = {}
    for name, upload in getattr(request, "FILES", {}).items():
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        files[name] = [upload.name, upload.size, digest.hexdigest()]
    canonical = json.dumps(
        [request.method, request.path, request.META.get("QUERY_STRING", ""), body, files],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _claim(owner_id: int, key: str, fingerprint: str) -> bool:
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (owner_id, key, request_hash, content_type, body, headers, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, '', '', '{}', %s) ON CONFLICT (owner_id, key) DO NOTHING RETURNING id",
            [owner_id, key, fingerprint, timezone.now()],
        )
        return cursor.fetchone() is not None


class IdempotentPostMixin:
    """For API views: honour ``Idempotency-Key`` on POST."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or not request.headers.get(HEADER):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            claim = getattr(self, "_idempotency_claim", None)
            if claim is not None:
                if 200 <= response.status_code < 300:
                    if hasattr(response, "render"):
                        response.render()
                    IdempotencyRecord.objects.filter(owner_id=claim[0], key=claim[1]).update(
                        status_code=response.status_code,
                        content_type=response.get("Content-Type", ""),
                        body=response.content.decode(),
                        headers={h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)},
                    )
                else:
                    transaction.set_rollback(True)
            return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling first
        self._idempotency_claim = None
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationError({HEADER: [_("At most 255 characters.")]})
        fingerprint = request_fingerprint(request)
        if _claim(request.user.pk, key, fingerprint):
            self._idempotency_claim = (request.user.pk, key)
            return
        record = IdempotencyRecord.objects.get(owner_id=request.user.pk, key=key)
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused()
        raise _Replay(record)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            response = HttpResponse(record.body, status=record.status_code, content_type=record.content_type)
            for name, value in record.headers.items():
                response[name] = value
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)


def idempotency_records_purge(*, older_than: timedelta = KEEP_FOR) -> int:
    """Forget keys older than a day (a periodic task); returns how many went."""
    deleted, _per_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
