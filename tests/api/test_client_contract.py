"""What a client integrates against: cursor pages, ordering, Idempotency-Key, throttling."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.settings import api_settings

from core.models import IdempotencyRecord
from recruitment.models import Worker
from tests.api.test_recruitment import worker_body
from tests.placement.journey import nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_workers(agency_a_staff, licensed_agency):
    from tests.placement.journey import register_worker

    names = ["Wati", "Ani", "Sri", "Baiq", "Nur"]
    return [
        register_worker(actor=agency_a_staff, agency=licensed_agency, serial=i, full_name=names[i - 1])
        for i in range(1, 6)
    ]


def test_cursor_pages_cover_every_row_once(api_a, five_workers):
    seen, url = [], "/api/v1/workers/?page_size=2"
    while url:
        page = api_a.get(url).json()
        assert len(page["results"]) <= 2
        seen += [w["id"] for w in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(w.pk for w in five_workers) and len(seen) == 5
    assert seen == sorted(seen, reverse=True)  # newest first by default


def test_ordering_by_a_column_the_filterset_allows(api_a, five_workers):
    names = [w["full_name"] for w in api_a.get("/api/v1/workers/?ordering=full_name").json()["results"]]
    assert names == sorted(names)
    ids = [w["id"] for w in api_a.get("/api/v1/workers/?ordering=id").json()["results"]]
    assert ids == sorted(ids)


def test_a_retried_post_returns_the_first_response_and_creates_nothing(api_a, licensed_agency):
    first = api_a.post("/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-0001")
    again = api_a.post("/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Worker.objects.count() == 1


def test_the_same_key_for_another_request_is_refused(api_a, licensed_agency):
    api_a.post("/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-0002")
    other = worker_body(nik=nik_for(timezone.localdate().replace(year=2000, month=3, day=14), "F", serial=78))
    response = api_a.post("/api/v1/workers/", other, format="json", HTTP_IDEMPOTENCY_KEY="reg-0002")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Worker.objects.count() == 1


def test_a_failed_request_can_be_retried_with_its_key(api_a, licensed_agency):
    broken = api_a.post("/api/v1/workers/", worker_body(sex="X"), format="json", HTTP_IDEMPOTENCY_KEY="reg-0003")
    assert broken.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    fixed = api_a.post("/api/v1/workers/", worker_body(sex="X"), format="json", HTTP_IDEMPOTENCY_KEY="reg-0003")
    assert fixed.status_code == 400  # same request, same answer; nothing stored, nothing created
    assert not Worker.objects.exists()


def test_keys_are_per_company(api_a, api_b, licensed_agency, agency_b):
    from tests.placement.journey import license_agency

    license_agency(agency_b)
    assert api_a.post("/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = worker_body(nik=nik_for(timezone.localdate().replace(year=2001, month=3, day=14), "F", serial=79))
    response = api_b.post("/api/v1/workers/", other, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201 and response.json()["agency"] == agency_b.pk


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_retries_create_one_row(reference_data):
    """Both requests race on the same key: one writes; the other replays its answer, or is told at
    once (409) that it is still running when it comes while the first is in progress."""
    from accounts.choices import Role
    from accounts.services import api_key_create
    from tests.factories import AgencyFactory, UserFactory
    from tests.placement.journey import license_agency

    agency = license_agency(AgencyFactory(name="PT Serentak"))
    admin = UserFactory(username="admin.serentak", role=Role.AGENCY_ADMIN, agency=agency)
    raw = api_key_create(actor=admin, name="sync", scope="read_write")[1]
    from rest_framework.test import APIClient

    results, barrier = [], threading.Barrier(2)

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        barrier.wait()
        results.append(client.post("/api/v1/workers/", worker_body(), format="json", HTTP_IDEMPOTENCY_KEY="race"))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = sorted(results, key=lambda r: r.status_code)
    assert first.status_code == 201
    assert second.status_code in {201, 409}
    if second.status_code == 201:
        assert second.json() == first.json()
    else:
        assert second.json()["code"] == "idempotency_in_progress"
    assert Worker.objects.count() == 1


def test_throttling_per_key_answers_429_with_retry_after(api_a, api_b):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "partner": "3/minute"}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        statuses = [api_a.get("/api/v1/countries/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = api_a.get("/api/v1/countries/")
        assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
        assert limited.json()["code"] == "throttled"
        assert api_b.get("/api/v1/countries/").status_code == 200  # another key has its own budget


def _rest_framework():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_updated_since_must_be_a_moment(api_a):
    response = api_a.get("/api/v1/workers/?updated_since=yesterday")
    assert response.status_code == 400 and "updated_since" in response.json()["errors"]
    ok = api_a.get("/api/v1/workers/", {"updated_since": (timezone.now() - timedelta(days=1)).isoformat()})
    assert ok.status_code == 200
