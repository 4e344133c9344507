"""API keys: who gets in, with what scope; errors a client can act on."""

import pytest

from accounts.models import ApiKey, User
from accounts.services import api_key_revoke

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_no_key_is_401_problem_with_a_challenge(client):
    response = client.get("/api/v1/workers/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["code"] == "not_authenticated" and body["title"] == "Not authenticated"


def test_a_wrong_key_is_refused(client, key_a):
    forged = key_a[1][:-4] + "AAAA"
    response = client.get("/api/v1/workers/", HTTP_AUTHORIZATION=f"Bearer {forged}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid API key."


def test_the_key_is_stored_hashed_and_known_by_its_prefix(key_a):
    key, raw = key_a
    stored = ApiKey.objects.get(pk=key.pk)
    assert raw.startswith(f"p2mi_{stored.prefix}_")
    assert raw not in (stored.key_hash, stored.prefix, stored.name)
    assert len(stored.key_hash) == 64


def test_use_records_last_used(api_a, key_a):
    assert ApiKey.objects.get(pk=key_a[0].pk).last_used_at is None
    assert api_a.get("/api/v1/countries/").status_code == 200
    assert ApiKey.objects.get(pk=key_a[0].pk).last_used_at is not None


def test_a_revoked_key_stops_working_at_once(api_a, key_a, agency_a_admin):
    assert api_a.get("/api/v1/workers/").status_code == 200
    api_key_revoke(actor=agency_a_admin, api_key_id=key_a[0].pk)
    response = api_a.get("/api/v1/workers/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key has been revoked."


def test_a_key_whose_account_is_deactivated_stops_working_at_once(api_a, key_a):
    assert api_a.get("/api/v1/workers/").status_code == 200
    User.objects.filter(pk=key_a[0].user_id).update(is_active=False)
    assert api_a.get("/api/v1/workers/").status_code == 401


def test_the_key_and_its_account_are_read_whole(key_a):
    """Authentication reads the key and its account in one written-out query: every field as the ORM reads it."""
    from accounts.api.authentication import _key_with_user

    key = _key_with_user(key_a[0].prefix)
    expected = ApiKey.objects.select_related("user").get(pk=key_a[0].pk)
    for model_instance, read in ((expected, key), (expected.user, key.user)):
        for field in type(model_instance)._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(model_instance, field.attname), field.name
    assert key.user.scope == expected.user.scope and key.can_write == expected.can_write
    assert _key_with_user("nosuchkey") is None


def test_a_read_only_key_can_read_but_not_write(api_a_read_only):
    assert api_a_read_only.get("/api/v1/job-orders/").status_code == 200
    response = api_a_read_only.post("/api/v1/job-orders/", {}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_officials_are_not_partners(client, ministry_official):
    client.force_login(ministry_official)
    response = client.get("/api/v1/workers/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "The partner API is for placement companies."


def test_company_staff_may_browse_with_their_portal_session(client, agency_a_staff):
    client.force_login(agency_a_staff)
    assert client.get("/api/v1/workers/", HTTP_ACCEPT="text/html").status_code == 200


def test_session_writes_need_the_csrf_token(agency_a_staff):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agency_a_staff)
    response = client.post("/api/v1/job-orders/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_schema_and_docs_are_public(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/placements/{id}/advance/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # served from our own static files


def test_errors_follow_accept_language(api_a):
    english = api_a.post("/api/v1/workers/", {}, format="json")
    indonesian = api_a.post("/api/v1/workers/", {}, format="json", HTTP_ACCEPT_LANGUAGE="id")
    assert english.json()["errors"]["nik"] == ["This field is required."]
    assert indonesian.json()["errors"]["nik"] == ["Bidang ini harus diisi."]
    assert english.json()["title"] == "Invalid request"
    assert indonesian.json()["title"] != "Invalid request"


@pytest.mark.django_db
def test_a_request_with_too_many_fields_is_a_problem_json_400(api_a, factory_job_order):
    """More form fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) is answered like every API error."""
    body = "&".join(f"regions=52.{index % 100:02d}" for index in range(1200))
    response = api_a.post(
        f"/api/v1/job-orders/{factory_job_order.pk}/permits/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "bad_request"
    assert not factory_job_order.permits.filter(status="applied").exists()
