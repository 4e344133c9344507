"""An Idempotency-Key whose first request is still running answers 409 with Retry-After at once,
instead of holding a database connection until the first finishes."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from core.models import IdempotencyRecord
from recruitment import services as recruitment_services
from recruitment.models import Worker
from tests.api.test_recruitment import worker_body


def _post_worker(client, key):
    return client.post("/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_runs_gets_409_at_once_then_the_first_answer(
    reference_data, api_a, licensed_agency, monkeypatch
):
    inside, release = threading.Event(), threading.Event()
    register = recruitment_services.worker_register

    def held_register(**kwargs):
        inside.set()
        assert release.wait(30), "the test never let the first request finish"
        return register(**kwargs)

    monkeypatch.setattr(recruitment_services, "worker_register", held_register)
    first = {}

    def send_first():
        try:
            first["response"] = _post_worker(api_a, "sync-42")
        finally:
            connection.close()

    thread = threading.Thread(target=send_first)
    thread.start()
    try:
        assert inside.wait(30), "the first request never reached the service"
        retry = _post_worker(api_a, "sync-42")  # would wait on a lock until release.set() before
    finally:
        release.set()
        thread.join(30)

    assert retry.status_code == 409
    assert retry["Retry-After"] == "1"
    assert retry["Content-Type"] == "application/problem+json"
    assert retry.json()["code"] == "idempotency_in_progress"
    assert first["response"].status_code == 201

    replay = _post_worker(api_a, "sync-42")
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first["response"].json()
    assert Worker.objects.count() == 1


def _die_holding_the_key(client, key, monkeypatch):
    """A request that claims the key, then its process dies: nothing releases the claim."""
    from core.api.idempotency import IdempotentPostMixin

    def dying_register(**kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(recruitment_services, "worker_register", dying_register)
        patch.setattr(IdempotentPostMixin, "_release", staticmethod(lambda claim: None))
        with pytest.raises(SystemExit):
            _post_worker(client, key)
    assert IdempotencyRecord.objects.filter(key=key, status_code=None).exists()


@pytest.mark.django_db
def test_the_in_progress_answer_is_translated(api_a, licensed_agency, monkeypatch):
    _die_holding_the_key(api_a, "sync-43", monkeypatch)
    response = api_a.post(
        "/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY="sync-43", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 409
    assert "masih diproses" in response.json()["detail"]


@pytest.mark.django_db
def test_a_first_request_that_failed_leaves_the_key_usable(api_a, licensed_agency, monkeypatch):
    def broken_register(**kwargs):
        raise RuntimeError("the service fell over")

    with monkeypatch.context() as patch:
        patch.setattr(recruitment_services, "worker_register", broken_register)
        with pytest.raises(RuntimeError):
            _post_worker(api_a, "sync-44")
    assert not IdempotencyRecord.objects.exists()

    retry = _post_worker(api_a, "sync-44")
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert Worker.objects.count() == 1


@pytest.mark.django_db
@override_settings(IDEMPOTENCY_CLAIM_EXPIRES_SECONDS=60)
def test_a_claim_left_by_a_dead_process_expires(api_a, licensed_agency, monkeypatch):
    _die_holding_the_key(api_a, "sync-45", monkeypatch)
    assert _post_worker(api_a, "sync-45").status_code == 409  # fresh: its request may still be running

    IdempotencyRecord.objects.filter(key="sync-45").update(created_at=timezone.now() - timedelta(seconds=61))
    taken_over = _post_worker(api_a, "sync-45")
    assert taken_over.status_code == 201
    replay = _post_worker(api_a, "sync-45")
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == taken_over.json()
    assert Worker.objects.count() == 1


@pytest.mark.django_db
def test_the_stored_answer_is_encrypted_and_replayed_as_it_was(api_a, licensed_agency):
    first = _post_worker(api_a, "sync-46")
    nik = first.json()["nik"]
    stored = IdempotencyRecord.objects.get(key="sync-46").body
    assert nik not in stored and "Lalu Wulan Sari" not in stored
    replay = _post_worker(api_a, "sync-46")
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["nik"] == nik and replay.content == first.content
