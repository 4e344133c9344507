"""Protection of the public forms without a third-party service: a budget per client address
(counted in the shared Redis cache, so every web worker counts the same), a honeypot field and a
signed time stamp that tells a person from a script that posts at once or replays an old form."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from core.client_address import client_address as core_client_address

STAMP_SALT = "public.form-stamp"
HONEYPOT_FIELD = "website"


def client_address(request) -> str:
    """The address budgets count (core.client_address), "unknown" when there is none."""
    return core_client_address(request) or "unknown"


class Budget:
    """At most ``limit`` counted events per ``window`` seconds for one address (a fixed window).
    The address is kept hashed: the cache holds no one's IP."""

    def __init__(self, name: str, *, limit: int, window: int):
        self.name, self.limit, self.window = name, limit, window

    def _key(self, address: str) -> str:
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
        return f"public:budget:{self.name}:{digest}"

    def spent(self, address: str) -> bool:
        return (cache.get(self._key(address)) or 0) >= self.limit

    def count(self, address: str) -> None:
        key = self._key(address)
        cache.add(key, 0, timeout=self.window)  # starts the window; a no-op while it runs
        try:
            cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.set(key, 1, timeout=self.window)


def filing_budget() -> Budget:
    return Budget("complaint", limit=settings.PUBLIC_COMPLAINTS_PER_HOUR, window=3600)


def tracking_budget() -> Budget:
    """Wrong code-and-secret attempts: guessing costs an hour after a few tries."""
    return Budget("track", limit=settings.PUBLIC_TRACK_FAILURES_PER_HOUR, window=3600)


def additions_budget() -> Budget:
    """Information added to opened complaints: a held session cannot flood a complaint."""
    return Budget("add", limit=settings.PUBLIC_ADDITIONS_PER_HOUR, window=3600)


def make_stamp(at: float | None = None) -> str:
    """The signed moment the form was drawn (a hidden field)."""
    return signing.dumps(time.time() if at is None else at, salt=STAMP_SALT)


def stamp_problem(stamp: str) -> str | None:
    """None when the form was drawn long enough ago (PUBLIC_FORM_MIN_SECONDS) and not longer ago
    than PUBLIC_FORM_MAX_AGE; else "too_fast", "expired" or "invalid"."""
    try:
        drawn_at = signing.loads(stamp or "", salt=STAMP_SALT)  # the signed value is the moment
    except signing.BadSignature:
        return "invalid"
    if not isinstance(drawn_at, (int, float)):
        return "invalid"
    elapsed = time.time() - drawn_at
    if elapsed > settings.PUBLIC_FORM_MAX_AGE:
        return "expired"
    if elapsed < settings.PUBLIC_FORM_MIN_SECONDS:
        return "too_fast"
    return None
