"""A company's administrator issues and revokes API keys in the portal."""

import pytest

from accounts.choices import AuditAction, Role
from accounts.models import ApiKey, AuditEntry
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def admin_a(agency_a):
    return UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)


def test_the_administrator_creates_a_key_and_sees_it_once(client, admin_a):
    client.force_login(admin_a)
    response = client.post("/perusahaan/kunci-api/", {"name": "Sistem SDM", "scope": "read_write"})
    assert response.status_code == 200
    key = ApiKey.objects.get()
    raw = response.context["new_key"]["raw"]
    assert raw.startswith(f"p2mi_{key.prefix}_") and raw.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    assert key.agency == admin_a.agency and key.scope == "read_write" and key.created_by == admin_a
    assert AuditEntry.objects.filter(action=AuditAction.API_KEY_CREATED, actor=admin_a).exists()
    again = client.get("/perusahaan/kunci-api/")
    assert raw.encode() not in again.content and key.prefix.encode() in again.content


def test_a_key_without_a_name_is_refused_and_nothing_is_created(client, admin_a):
    client.force_login(admin_a)
    response = client.post("/perusahaan/kunci-api/", {"name": " ", "scope": "read"})
    assert b"Give the key a name" in response.content
    assert not ApiKey.objects.exists()


def test_revoke(client, admin_a):
    from accounts.services import api_key_create

    key, _raw = api_key_create(actor=admin_a, name="Lama", scope="read")
    client.force_login(admin_a)
    response = client.post(f"/perusahaan/kunci-api/{key.pk}/cabut/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == admin_a and not key.user.is_active


def test_staff_officials_and_other_companies_cannot_manage_keys(
    client, admin_a, agency_a_staff, agency_b, ministry_official
):
    from accounts.services import api_key_create

    key, _raw = api_key_create(actor=admin_a, name="Milik A", scope="read")
    for user in (agency_a_staff, ministry_official):
        client.force_login(user)
        assert client.get("/perusahaan/kunci-api/").status_code == 403
        assert client.post(f"/perusahaan/kunci-api/{key.pk}/cabut/").status_code == 403
    admin_b = UserFactory(username="admin.b", role=Role.AGENCY_ADMIN, agency=agency_b)
    client.force_login(admin_b)
    assert key.prefix.encode() not in client.get("/perusahaan/kunci-api/").content
    assert client.post(f"/perusahaan/kunci-api/{key.pk}/cabut/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_key_account_cannot_log_in_to_the_portal(client, admin_a):
    from accounts.services import api_key_create

    key, raw = api_key_create(actor=admin_a, name="Sistem", scope="read")
    assert not key.user.has_usable_password()
    # Through the login form (the login protection needs the request; Client.login() gives none).
    response = client.post("/accounts/login/", {"username": key.user.username, "password": raw})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
