from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from siskop2mi import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_client():
    client = health.redis_client()
    client.delete(health.BEAT_HEARTBEAT_KEY)
    yield client
    client.delete(health.BEAT_HEARTBEAT_KEY)


def test_healthy_when_database_redis_and_beat_are_up(client, redis_client):
    health.record_beat_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == body["redis"]["status"] == body["beat"]["status"] == "ok"
    assert body["beat"]["age_seconds"] <= 5


def test_unhealthy_before_any_heartbeat(client, redis_client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"] == {"status": "error", "error": "no heartbeat yet"}


def test_unhealthy_when_the_heartbeat_is_stale(client, redis_client, settings):
    stale = datetime.now(UTC) - timedelta(seconds=settings.BEAT_HEARTBEAT_MAX_AGE + 60)
    redis_client.set(health.BEAT_HEARTBEAT_KEY, stale.isoformat())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"]["status"] == "error"


def test_unhealthy_when_redis_is_unreachable(client, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/no-redis-here.sock"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"]["status"] == "error"
    assert response.json()["database"]["status"] == "ok"


def test_unhealthy_when_the_database_fails(client, redis_client, monkeypatch):
    health.record_beat_heartbeat()

    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "error", "error": "ConnectionError"}
