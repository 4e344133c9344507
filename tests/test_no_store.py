"""Responses that may carry personal data say ``Cache-Control: no-store`` (core.middleware): every
page for a signed-in user and every API answer; anonymous public pages and static files keep theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_a_admin(agency_a):
    return UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_page_for_a_signed_in_user_is_not_stored(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    page = client.get(reverse("portal:worker_list"))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"


def test_a_public_page_is_not_stored_for_a_signed_in_user_either(client, agency_a_staff):
    client.force_login(agency_a_staff)
    assert _no_store(client.get(reverse("public:vacancy_board")))


def test_api_answers_are_not_stored_whoever_asks(agency_a_admin, client):
    from accounts.services import api_key_create

    _key, raw = api_key_create(actor=agency_a_admin, name="Sistem A", scope="read")
    company = APIClient()
    company.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert company.get("/api/v1/workers/")["Cache-Control"] == "private, no-store"
    refused = client.get("/api/v1/workers/")  # no key: 401 or 403, still not to be kept
    assert refused.status_code in (401, 403) and _no_store(refused)


def test_the_api_description_may_be_cached(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and not _no_store(schema)


def test_anonymous_public_pages_keep_their_own_caching(client, agency_a):
    for url in (reverse("public:vacancy_board"), reverse("public:company_check", args=[agency_a.pk])):
        response = client.get(url)
        assert response.status_code == 200 and not _no_store(response), url


def test_static_files_are_left_alone(client, agency_a_staff, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source tree, as in development
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(agency_a_staff)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200 and not _no_store(response)
