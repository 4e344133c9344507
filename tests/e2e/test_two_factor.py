"""The second factor in a browser, at 1280 px and at 360 px: an official's first login sets up the
authenticator app (QR code, or the key typed by hand), confirms it with a code and keeps the recovery
codes; the next login asks for the code. Every page is checked as it loads (conftest.PAGE_CHECKS)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import Role
from tests.e2e.conftest import current_totp_code
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_official_sets_up_the_second_factor_then_is_asked_for_it(page, e2e_db, shot):
    official = UserFactory(username="kab.baru", role=Role.MINISTRY_OFFICIAL, full_name="Pejabat Baru")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(official.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Set up the second factor").wait_for()
    assert page.locator("figure svg").is_visible()  # the QR code
    page.get_by_text("Cannot scan? Type this key into the app").click()
    assert page.locator("#otp-secret").is_visible()
    shot("setup")
    code = page.get_by_label("The 6-digit code your app shows")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"
    code.fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("That code is not right").wait_for()
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    page.get_by_label("The 6-digit code your app shows").fill(current_totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    shot("recovery-codes")
    page.get_by_role("link", name="I have kept them, continue").click()
    page.get_by_role("heading", level=1).filter(has_text="Welcome").wait_for()
    # The next login asks for the code.
    page.context.clear_cookies(name="sessionid")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(official.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    shot("verify")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the code of the set-up, again: once only
    device.refresh_from_db()
    page.get_by_label("The 6-digit code your app shows").fill(current_totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", level=1).filter(has_text="Welcome").wait_for()
