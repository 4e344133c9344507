"""The time a change is recorded at: now, except while replaying facts that happened earlier.

Services stamp events with :func:`now`. Seeding demo data replays months of work in a few
seconds; inside :func:`as_of` each event carries the moment its fact happened instead of
the moment the seed ran, so a timeline never contradicts the dates beside it.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_replayed_moment: ContextVar[datetime | None] = ContextVar("replayed_moment", default=None)


def now() -> datetime:
    return _replayed_moment.get() or timezone.now()


def today():
    return timezone.localdate(now())


@contextmanager
def as_of(moment: datetime):
    """Record what happens inside at ``moment`` (an aware datetime)."""
    token = _replayed_moment.set(moment)
    try:
        yield
    finally:
        _replayed_moment.reset(token)
