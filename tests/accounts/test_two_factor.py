"""A second factor for those who see many people's data (core.roles.needs_second_factor): set up on
the first login, asked at every login after, a recovery code when the phone is lost; until then no
page and no API endpoint opens. Village officers, companies and API keys are not asked."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import AuditAction, Role
from accounts.models import AuditEntry
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP, VERIFY = reverse("accounts:two_factor_setup"), reverse("accounts:two_factor")


def code_now(device: TOTPDevice) -> str:
    """What the authenticator app shows now. A code is accepted once; a test that needs a second
    one in the same 30 seconds forgets the last one used (``last_t``)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})


def enrol(client, user) -> list[str]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"otp_token": code_now(device), "next": "/"})
    assert response.status_code == 200
    return re.findall(r"<li class=\"col\">([a-z2-7]{8})</li>", response.content.decode())


@pytest.mark.without_second_factor
@pytest.mark.parametrize("path", ["/", "/pengawasan/", "/pengawasan/antrean/", "/dasbor/", "/rekrutmen/pekerja/"])
def test_an_official_without_a_second_factor_reaches_no_page(client, lotim_regency_official, path):
    client.force_login(lotim_regency_official)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={path.replace('/', '%2F')}"
    # No device yet: the step is the set-up.
    assert client.get(response.url).url.startswith(SETUP)


@pytest.mark.without_second_factor
def test_the_admin_site_waits_for_the_second_factor_too(client, system_admin):
    client.force_login(system_admin)
    for path in ("/admin/", reverse("admin:accounts_user_changelist")):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(VERIFY)


@pytest.mark.without_second_factor
def test_the_api_with_the_session_answers_that_a_second_factor_is_needed(client, ministry_official):
    client.force_login(ministry_official)
    response = client.get("/api/v1/workers/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "second_factor_required"


@pytest.mark.without_second_factor
@pytest.mark.parametrize("path", ["/healthz", "/pengaduan/baru/", "/cek/perusahaan/", "/accounts/login/"])
def test_the_public_pages_and_the_health_check_stay_open(client, ministry_official, path):
    client.force_login(ministry_official)
    response = client.get(path)
    assert not (response.status_code == 302 and response.url.startswith(VERIFY))


def test_enrolment_on_the_first_login(client, english, ntb_province_official):
    assert log_in(client, ntb_province_official).status_code == 302
    page = client.get(SETUP).content.decode()
    assert "<svg" in page  # the QR code, drawn in the page
    device = TOTPDevice.objects.get(user=ntb_province_official, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert device.config_url.split("secret=")[1].startswith(secret.replace(" ", "")[:16])
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label class="form-label" for="id_otp_token">' in page
    wrong = client.post(SETUP, {"otp_token": "000000" if code_now(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/").status_code == 302  # still waiting
    right = client.post(SETUP, {"otp_token": code_now(device), "next": "/"})
    assert right.status_code == 200 and "no-store" in right["Cache-Control"]
    codes = re.findall(r"<li class=\"col\">([a-z2-7]{8})</li>", right.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_ENROLLED, actor=ntb_province_official).exists()
    assert AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED, actor=ntb_province_official).count() == 1


def test_the_next_login_asks_for_the_code(client, ntb_province_official):
    log_in(client, ntb_province_official)
    enrol(client, ntb_province_official)
    client.post(reverse("accounts:logout"))
    assert log_in(client, ntb_province_official).status_code == 302
    asked = client.get("/dasbor/")
    assert asked.url == f"{VERIFY}?next=%2Fdasbor%2F"
    page = client.get(asked.url)
    assert page.status_code == 200 and 'name="otp_token"' in page.content.decode()
    device = TOTPDevice.objects.get(user=ntb_province_official, confirmed=True)
    refused = client.post(VERIFY, {"otp_token": "12345", "next": "/dasbor/"})
    assert refused.status_code == 200 and "Kode tidak benar" in refused.content.decode()
    accepted = client.post(VERIFY, {"otp_token": code_now(device), "next": "/dasbor/"})
    assert accepted.status_code == 302 and accepted.url == "/dasbor/"
    assert client.get("/dasbor/").status_code == 200


def test_a_recovery_code_works_once(client, ntb_province_official):
    log_in(client, ntb_province_official)
    codes = enrol(client, ntb_province_official)
    client.post(reverse("accounts:logout"))
    log_in(client, ntb_province_official)
    assert client.post(VERIFY, {"recovery_code": codes[0], "next": "/"}).url == "/"
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=ntb_province_official).count() == 9
    client.post(reverse("accounts:logout"))
    log_in(client, ntb_province_official)
    again = client.post(VERIFY, {"recovery_code": codes[0], "next": "/"})
    assert again.status_code == 200
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.RECOVERY_CODE_USED).count() == 1


def test_five_wrong_codes_end_the_login_and_lock_it(client, ntb_province_official):
    log_in(client, ntb_province_official)
    enrol(client, ntb_province_official)
    client.post(reverse("accounts:logout"))
    log_in(client, ntb_province_official)
    statuses = [client.post(VERIFY, {"otp_token": "99999", "next": "/"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 302]
    assert "_auth_user_id" not in client.session  # logged out
    lock = AuditEntry.objects.get(action=AuditAction.LOGIN_LOCKED_OUT)
    assert lock.actor == ntb_province_official and lock.detail["reason"] == "second_factor"
    assert AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED).count() == 5
    # The password alone is refused now, until the lock ends.
    assert log_in(client, ntb_province_official).status_code == 429


@pytest.mark.parametrize("role", [Role.VILLAGE_OFFICER, Role.AGENCY_ADMIN])
def test_village_officers_and_companies_are_not_asked(client, role, village_officer, agency_a_staff):
    user = village_officer if role == Role.VILLAGE_OFFICER else agency_a_staff
    assert log_in(client, user).status_code == 302
    home = client.get("/", follow=True)
    assert home.status_code == 200 and home.redirect_chain[-1:] in ([], [("/desa/", 302)])
    assert client.get(VERIFY).status_code == 302  # nothing to verify: on to the portal
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_api_keys_are_not_asked_even_beside_an_unverified_session(client, agency_a):
    from accounts.services import api_key_create

    admin = UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)
    _, raw_key = api_key_create(actor=admin, name="Sistem SDM", scope="read")
    official = UserFactory(username="kementerian.2", role=Role.MINISTRY_OFFICIAL)
    log_in(client, official)  # a session still waiting for its second factor
    response = client.get("/api/v1/placements/", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200


@pytest.mark.without_second_factor
@pytest.mark.parametrize("path", ["/", "/rekrutmen/pekerja/", "/admin/"])
def test_an_authorization_header_does_not_open_a_page_to_an_unverified_session(client, ministry_official, path):
    client.force_login(ministry_official)
    response = client.get(path, HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 302 and response.url.startswith(VERIFY)


@pytest.mark.without_second_factor
def test_a_wrong_api_key_beside_an_unverified_session_is_refused(client, ministry_official):
    client.force_login(ministry_official)
    response = client.get("/api/v1/workers/", HTTP_AUTHORIZATION="Bearer p2mi_nope_nope")
    assert response.status_code == 401
