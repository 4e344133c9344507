"""Partner API personas: an API key per company, and clients that send them."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_budget():
    # Throttle counters live in Redis, which outlives a test's database rollback.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def agency_a_admin(agency_a):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)


@pytest.fixture
def agency_b_admin(agency_b):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="admin.b", role=Role.AGENCY_ADMIN, agency=agency_b)


def _issue(admin, scope):
    from accounts.services import api_key_create

    key, raw = api_key_create(actor=admin, name=f"Sistem {admin.agency.name} ({scope})", scope=scope)
    return key, raw


def _client(raw_key: str) -> APIClient:
    # English unless a test asks otherwise (per-request headers override defaults, not credentials).
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def key_a(agency_a_admin):
    return _issue(agency_a_admin, "read_write")


@pytest.fixture
def api_a(key_a):
    """Agency A's system, with a read-write key."""
    return _client(key_a[1])


@pytest.fixture
def api_a_read_only(agency_a_admin):
    return _client(_issue(agency_a_admin, "read")[1])


@pytest.fixture
def api_b(agency_b_admin):
    """Agency B's system, with a read-write key: it must see nothing of agency A's."""
    return _client(_issue(agency_b_admin, "read_write")[1])
