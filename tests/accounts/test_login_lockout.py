"""Password guessing is stopped at every login door (django-axes, accounts/lockout.py): the wrong
password that makes six in the cool-off locks the account and the address, the right password is
refused until the lock ends, it is audited, the system administrators are told once, and they can
lift it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditEntry
from core.models import OutboundMessage
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PORTAL, ADMIN = "/accounts/login/", "/admin/login/"
WRONG = "bukan-sandinya"


def attempt(client, door: str, username: str, password: str, address: str = "10.1.1.1"):
    return client.post(door, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def guess(client, door: str, username: str, times: int, address: str = "10.1.1.1") -> list[int]:
    return [attempt(client, door, username, WRONG, address).status_code for _ in range(times)]


@pytest.fixture
def admin_with_mail(db):
    return UserFactory(
        username="admin.ops", role=Role.SYSTEM_ADMIN, email="ops@kp2mi.go.id", is_staff=True, is_superuser=True
    )


@pytest.mark.parametrize("door", [PORTAL, ADMIN], ids=["portal", "admin"])
def test_the_sixth_wrong_password_locks_and_the_right_one_is_refused(client, system_admin, door):
    assert guess(client, door, "sysadmin", 5) == [200] * 5  # the form again, with its error
    locked = attempt(client, door, "sysadmin", WRONG)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Login terkunci untuk sementara" in page
    assert "coba lagi setelah pukul" in page
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    right = attempt(client, door, "sysadmin", TEST_PASSWORD)
    assert right.status_code == 429
    assert not logged_in(client)


def test_the_lock_is_per_account_whatever_the_address(client, lotim_regency_official):
    for serial in range(6):
        attempt(client, PORTAL, "kab.lotim", WRONG, address=f"10.2.0.{serial}")
    assert attempt(client, PORTAL, "kab.lotim", TEST_PASSWORD, address="10.2.0.99").status_code == 429
    assert not logged_in(client)


def test_the_lock_is_per_address_whatever_the_account(client, lotim_regency_official, village_officer):
    for serial in range(6):
        attempt(client, PORTAL, f"tebakan{serial}", WRONG, address="10.3.0.1")
    # Another account from that address is refused too; from another address it logs in.
    assert attempt(client, PORTAL, "desa.tanjungluar", TEST_PASSWORD, address="10.3.0.1").status_code == 429
    assert not logged_in(client)
    assert attempt(client, PORTAL, "desa.tanjungluar", TEST_PASSWORD, address="10.3.0.2").status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, settings, village_officer):
    guess(client, PORTAL, "desa.tanjungluar", 6)
    assert attempt(client, PORTAL, "desa.tanjungluar", TEST_PASSWORD).status_code == 429
    # The cool-off passes (the failures are moved back in time rather than waiting for it).
    for row in AccessAttempt.objects.all():
        row.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        row.save(update_fields=["attempt_time"])
    assert attempt(client, PORTAL, "desa.tanjungluar", TEST_PASSWORD).status_code == 302


def test_a_lock_is_audited_and_the_administrators_told_once(client, village_officer, admin_with_mail):
    UserFactory(username="admin.lama", role=Role.SYSTEM_ADMIN, email="lama@kp2mi.go.id", is_active=False)
    UserFactory(username="admin.tanpa.surel", role=Role.SYSTEM_ADMIN, email="")
    guess(client, PORTAL, "desa.tanjungluar", 9)  # six lock it, three more while locked
    locks = AuditEntry.objects.filter(action=AuditAction.LOGIN_LOCKED_OUT)
    assert locks.count() == 1
    lock = locks.get()
    assert lock.actor == village_officer
    assert lock.ip_address == "10.1.1.1"
    assert lock.detail["door"] == PORTAL and lock.detail["reason"] == "password"
    assert WRONG not in str(lock.detail)
    # The failed logins are still audited one by one, without the password.
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 9
    notices = OutboundMessage.objects.filter(about="login_lock")
    assert [notice.recipient for notice in notices] == ["ops@kp2mi.go.id"]
    assert "desa.tanjungluar" in notices.get().body and "10.1.1.1" in notices.get().body


def test_an_unknown_username_locks_the_address_and_is_audited(client, admin_with_mail):
    guess(client, PORTAL, "tidak.ada", 6)
    lock = AuditEntry.objects.get(action=AuditAction.LOGIN_LOCKED_OUT)
    assert lock.actor is None and lock.detail["username"] == "tidak.ada"
    assert OutboundMessage.objects.filter(about="login_lock").count() == 1


def test_an_administrator_lifts_the_lock_in_the_admin(client, village_officer, admin_with_mail):
    guess(client, PORTAL, "desa.tanjungluar", 6, address="10.4.0.1")
    guess(client, PORTAL, "desa.tanjungluar", 6, address="10.4.0.2")  # the address is locked too
    admin = client.__class__()
    admin.force_login(admin_with_mail)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "lift_login_lock", "_selected_action": [village_officer.pk]},
        follow=True,
    )
    assert "desa.tanjungluar" in response.content.decode()
    assert attempt(client, PORTAL, "desa.tanjungluar", TEST_PASSWORD, address="10.4.0.3").status_code == 302
    unlock = AuditEntry.objects.get(action=AuditAction.LOGIN_UNLOCKED)
    assert unlock.actor == admin_with_mail and unlock.detail["username"] == "desa.tanjungluar"


def test_the_lock_list_is_in_the_admin_and_the_command_lifts_a_lock(client, admin_with_mail, village_officer):
    guess(client.__class__(), PORTAL, "desa.tanjungluar", 6)
    client.force_login(admin_with_mail)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "desa.tanjungluar" in listing.content.decode()
    call_command("axes_reset_username", "desa.tanjungluar")
    assert not AccessAttempt.objects.filter(username="desa.tanjungluar").exists()


def test_only_a_system_administrator_lifts_a_lock(village_officer, ministry_official):
    from accounts.lockout import login_unlock
    from core.errors import DomainError

    with pytest.raises(DomainError):
        login_unlock(actor=ministry_official, username="desa.tanjungluar")
