"""A village officer on a cheap phone with JavaScript off (issue 13, point 3): logs in, opens
the menu, reaches the village home and logs out, all as plain HTML and CSS at 360 px."""

from __future__ import annotations

import pytest
from django.conf import settings

from core.roles import Role
from tests.e2e.conftest import PAGE_CHECKS
from tests.factories import TEST_PASSWORD, UserFactory
from villages.models import Village


@pytest.fixture
def phone_without_js(browser, live_server, e2e_db):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def _check(tab) -> None:
    """The page checks of every browser test (nothing before the navigation bar, no overflow),
    run from outside: with scripts off the page cannot run them itself."""
    tab.evaluate(PAGE_CHECKS.replace('window.addEventListener("load"', '(() => {}) || window.addEventListener("load"'))
    problems = tab.evaluate("() => window.__e2eCheckPage()")
    assert not problems, f"{tab.url}: " + "; ".join(problems)


def test_a_village_officer_uses_the_menu_and_logs_out_without_javascript(phone_without_js):
    tab = phone_without_js
    officer = UserFactory(
        username="desa.tanjungluar", role=Role.VILLAGE_OFFICER, village=Village.objects.get(code="52.03.01.2001")
    )
    assert tab.evaluate("() => typeof window.htmx") == "undefined"  # scripts really are off

    tab.goto("/accounts/login/")
    tab.get_by_label("Username").fill(officer.username)
    tab.get_by_label("Password").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    tab.get_by_role("heading", name="Tanjung Luar").wait_for()
    _check(tab)

    menu_link = tab.locator("#main-nav").get_by_role("link", name="Village reports", exact=True)
    assert not menu_link.is_visible()  # folded on a phone
    tab.locator(".navbar-toggler").click()
    menu_link.wait_for(state="visible")
    _check(tab)

    account = tab.locator(".account-menu > summary")
    logout = tab.get_by_role("button", name="Log out")
    assert not logout.is_visible()
    account.click()
    logout.wait_for(state="visible")
    box = logout.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    logout.click()
    tab.wait_for_load_state()
    tab.goto("/")
    tab.wait_for_url(lambda url: "/accounts/login/" in url)  # logged out: home asks to log in again
