import pytest
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from tests.conftest import verify_second_factor
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_pages_require_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_lands_on_the_role_home_page(english, lotim_regency_official):
    client = english
    response = login(client, "kab.lotim")
    assert response.status_code == 302 and response.url == reverse("portal:home")
    verify_second_factor(client, lotim_regency_official)  # an official confirms the login (test_two_factor.py)
    home = client.get(reverse("portal:home"))
    assert "Kabupaten Lombok Timur" in home.content.decode()
    assert "Regency official" in home.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=lotim_regency_official).exists()


def test_wrong_password_gets_a_generic_message(client, lotim_regency_official):
    wrong_password = login(client, "kab.lotim", "bukan-sandinya")
    unknown_user = login(client, "tidak.ada", "bukan-sandinya")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nama pengguna atau kata sandi tidak benar." in page
        # Django's own sentence named the field twice ("Masukkan nama pengguna nama pengguna ...").
        assert "nama pengguna nama pengguna" not in page.lower()
    # The message is the same whether or not the user exists: nothing is disclosed.
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failed.count() == 2
    assert "bukan-sandinya" not in str(list(failed.values_list("detail", flat=True)))


def test_logout_needs_a_post_and_ends_the_session(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_password_change(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    new_password = "Sandi-baru-yang-panjang-9"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    lotim_regency_official.refresh_from_db()
    assert lotim_regency_official.check_password(new_password)
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_password_change_refuses_a_wrong_old_password(english, lotim_regency_official):
    client = english
    client.force_login(lotim_regency_official)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "salah-sandi", "new_password1": "Sandi-baru-9x", "new_password2": "Sandi-baru-9x"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    lotim_regency_official.refresh_from_db()
    assert lotim_regency_official.check_password(TEST_PASSWORD)


def test_interface_is_indonesian_by_default_and_switches_to_english(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'lang="id"' in page
    assert "Selamat datang" in page and "Keluar" in page

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302
    page = client.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in page
    assert "Welcome" in page and "Log out" in page


def test_only_system_administrators_reach_the_admin(client, ministry_official, system_admin):
    client.force_login(ministry_official)
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff
    client.force_login(system_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/villages/village/?q=Tanjung+Luar").status_code == 200


def test_navigation_follows_the_role(english, agency_a_staff, system_admin):
    client = english
    client.force_login(agency_a_staff)
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:area_list") not in page
    assert "/admin/" not in page
    client.force_login(system_admin)
    page = client.get(reverse("portal:home")).content.decode()
    assert "/admin/" in page
