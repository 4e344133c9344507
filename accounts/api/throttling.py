import time
from functools import cache

import redis
from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from accounts.models import ApiKey


class PerKeyThrottle(BaseThrottle):
    """One budget per API key (per user for the browsable API): a fixed-window counter in Redis.

    DRF's SimpleRateThrottle keeps a list of every request time per client and rewrites it on
    each request; at hundreds of requests a minute that list was a measurable part of each
    response (bench/api.py). An atomic INCR per window, with its expiry in the same round
    trip, costs the same at any rate.
    """

    scope = "partner"

    def rate(self) -> tuple[int, int] | None:
        # Read at request time, not import time, so settings (and tests) can change it.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not rate:
            return None
        count, period = rate.split("/")
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        return int(count), seconds

    def ident(self, request) -> str:
        if isinstance(request.auth, ApiKey):
            return f"key-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"

    def allow_request(self, request, view):
        rate = self.rate()
        if rate is None:
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        key = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:throttle:{self.scope}:{self.ident(request)}:{window}"
        # Both commands in one round trip, without MULTI/EXEC: INCR alone is atomic, and the EXPIRE
        # right behind it only needs to happen, not to happen in the same transaction.
        pipeline = _redis().pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, period + 1)
        count, _expiry_set = pipeline.execute()
        self._wait = (window + 1) * period - now
        return count <= limit

    def wait(self):
        return self._wait


@cache
def _redis() -> redis.Redis:
    # One client (and connection pool) per process, shared by its threads.
    return redis.Redis.from_url(settings.REDIS_URL)
