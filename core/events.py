"""Append-only event rows: the one way a service records a change (who, when, from, to, why),
and with it asks the red-flag engine to re-check what the change touched."""

from __future__ import annotations

from . import clock
from .recheck import request_recheck


def record_event(model, *, recheck: dict | None = None, **fields):
    """Create one ``model`` event row (``at`` now unless given); re-check ``recheck``'s subjects after commit."""
    fields.setdefault("at", clock.now())
    event = model.objects.create(**fields)
    if recheck:
        request_recheck(**recheck)
    return event


def record_events(model, rows: list[dict], *, recheck: dict | None = None) -> list:
    """Many event rows at once (one INSERT), all at the same moment unless a row says otherwise."""
    now = clock.now()
    events = model.objects.bulk_create([model(**{"at": now, **row}) for row in rows])
    if recheck and events:
        request_recheck(**recheck)
    return events
