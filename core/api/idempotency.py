"""``Idempotency-Key`` on POST: a retried request returns the first response and creates nothing.

The first request claims (owner, key) with ``INSERT ... ON CONFLICT DO NOTHING`` of an
"in progress" record (no status yet), committed at once; the view then runs in one
transaction that also stores its response, so the work and the stored answer commit
together. A request finding the key claimed answers at once, without waiting on a lock
that would hold its database connection:

- the first is still running: 409 ``idempotency_in_progress`` with ``Retry-After``;
- the first finished: its stored response, replayed (``Idempotent-Replayed: true``);
- the key was used for a different request: 422 ``idempotency_key_reused``.

Only successful (2xx) responses are kept: after an error response or an exception the
work is rolled back and the claim deleted, so the client can fix the request and send
it again with the same key. A claim left by a process that died mid-request expires
after ``IDEMPOTENCY_CLAIM_EXPIRES_SECONDS`` and the next retry takes it over.

The stored body is encrypted (``core.crypto``, under the personal numbers' keys): it may
hold a registered person's full NIK or a complaint's secret, and a replay must give the
very same body back. A key retired from PERSONAL_DATA_KEYS must stay listed for a day,
as long as a stored response is kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from core import crypto
from core.models import IdempotencyRecord

from .exceptions import IdempotencyKeyReused

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)
# Response headers a replay must carry like the original did.
REPLAYED_HEADERS = ("Location", "ETag")


class IdempotencyRequestInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "A request with this Idempotency-Key is still being processed. Send it again in a moment to get its answer."
    )
    default_code = "idempotency_in_progress"
    wait = 1  # seconds: DRF's exception handler sends it as Retry-After


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


@dataclass(frozen=True)
class _Claim:
    """The in-progress record this request owns; ``claimed_at`` tells it apart from a later takeover."""

    record_id: int
    claimed_at: datetime

    def records(self):
        return IdempotencyRecord.objects.filter(pk=self.record_id, created_at=self.claimed_at, status_code__isnull=True)


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


def _claim_new(owner_id: int, key: str, fingerprint: str) -> _Claim | None:
    """Insert the in-progress record; None when (owner, key) is already there. Autocommit: others see it at once."""
    table = IdempotencyRecord._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (owner_id, key, request_hash, content_type, body, headers, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, '', '', '{}', %s) ON CONFLICT (owner_id, key) DO NOTHING RETURNING id",
            [owner_id, key, fingerprint, now],
        )
        row = cursor.fetchone()
    return _Claim(row[0], now) if row else None


def _claim_stale(record: IdempotencyRecord, fingerprint: str) -> _Claim | None:
    """Take over a claim whose request never finished (its process died); None if it is not stale
    or another retry took it first (a conditional UPDATE: only one wins)."""
    expires_after = timedelta(seconds=settings.IDEMPOTENCY_CLAIM_EXPIRES_SECONDS)
    now = timezone.now()
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, created_at=record.created_at, created_at__lt=now - expires_after
    ).update(request_hash=fingerprint, created_at=now)
    return _Claim(record.pk, now) if taken else None


def _claim_or_answer(owner_id: int, key: str, fingerprint: str) -> _Claim:
    """Own the key, or raise what this request gets instead: the stored response (a replay),
    409 while the first request runs, 422 when the key was used for another request."""
    for _attempt in range(2):  # a claim released between our INSERT and our read frees the key: once more
        claim = _claim_new(owner_id, key, fingerprint)
        if claim is not None:
            return claim
        record = IdempotencyRecord.objects.filter(owner_id=owner_id, key=key).first()
        if record is None:
            continue
        if record.status_code is not None:
            if record.request_hash != fingerprint:
                raise IdempotencyKeyReused()
            raise _Replay(record)
        claim = _claim_stale(record, fingerprint)
        if claim is not None:
            return claim
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused()
        raise IdempotencyRequestInProgress()
    raise IdempotencyRequestInProgress()


class IdempotentPostMixin:
    """For API views: honour ``Idempotency-Key`` on POST."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or not request.headers.get(HEADER):
            return super().dispatch(request, *args, **kwargs)
        self._idempotency_claim = None
        stored = False
        try:
            # initial() claims the key, then opens the view's transaction in this scope.
            with ExitStack() as self._idempotency_scope:
                response = super().dispatch(request, *args, **kwargs)
                claim = self._idempotency_claim
                if claim is not None:
                    succeeded = 200 <= response.status_code < 300
                    stored = succeeded and self._store(claim, response)
                    if not stored:
                        transaction.set_rollback(True)  # an error: nothing of it stays, the key is released
                    if succeeded and not stored:
                        # Our claim expired and a retry took the key over: our work goes, the retry's stays.
                        response = self.finalize_response(
                            self.request, self.handle_exception(IdempotencyRequestInProgress())
                        )
        finally:
            claim = self._idempotency_claim
            if claim is not None and not stored:
                self._release(claim)
        return response

    @staticmethod
    def _release(claim: _Claim) -> None:
        """Delete the claim so the key may be used again; if the database is gone, the claim expires instead."""
        try:
            claim.records().delete()
        except DatabaseError:
            logger.warning("Idempotency claim %s not released; it expires on its own", claim.record_id, exc_info=True)

    def _store(self, claim: _Claim, response) -> bool:
        if hasattr(response, "render"):
            response.render()
        return bool(
            claim.records().update(
                status_code=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=crypto.encrypt(response.content.decode()),
                headers={h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)},
            )
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling first
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationError({HEADER: [_("At most 255 characters.")]})
        self._idempotency_claim = _claim_or_answer(request.user.pk, key, request_fingerprint(request))
        self._idempotency_scope.enter_context(transaction.atomic())

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            body = crypto.decrypt(record.body) if crypto.is_token(record.body) else record.body  # plain: stored before
            response = HttpResponse(body, status=record.status_code, content_type=record.content_type)
            for name, value in record.headers.items():
                response[name] = value
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)


def idempotency_records_purge(*, older_than: timedelta = KEEP_FOR) -> int:
    """Forget keys older than a day (a periodic task); returns how many went."""
    deleted, _per_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
