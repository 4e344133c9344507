"""`GET /healthz`: the state of the database, Redis and the beat heartbeat."""

from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BEAT_HEARTBEAT_KEY = "siskop2mi:beat:heartbeat"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def record_beat_heartbeat() -> datetime:
    now = datetime.now(UTC)
    redis_client().set(BEAT_HEARTBEAT_KEY, now.isoformat(), ex=24 * 3600)
    return now


def _database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is for operators
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok"}


def _redis_and_beat_state() -> tuple[dict, dict]:
    try:
        client = redis_client()
        client.ping()
        raw = client.get(BEAT_HEARTBEAT_KEY)
    except redis.RedisError as exc:
        return {"status": "error", "error": exc.__class__.__name__}, {"status": "unknown"}
    if raw is None:
        return {"status": "ok"}, {"status": "error", "error": "no heartbeat yet"}
    last = datetime.fromisoformat(raw.decode())
    age = (datetime.now(UTC) - last).total_seconds()
    beat = {"last_heartbeat": last.isoformat(), "age_seconds": round(age)}
    beat["status"] = "ok" if age <= settings.BEAT_HEARTBEAT_MAX_AGE else "error"
    return {"status": "ok"}, beat


@never_cache
@require_GET
def healthz(request):
    database = _database_state()
    redis_state, beat = _redis_and_beat_state()
    healthy = all(part["status"] == "ok" for part in (database, redis_state, beat))
    body = {"status": "ok" if healthy else "error", "database": database, "redis": redis_state, "beat": beat}
    return JsonResponse(body, status=200 if healthy else 503)
