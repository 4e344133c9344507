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


def test_a_village_officer_sends_three_forms_without_javascript(phone_without_js):
    """Issue 13, "done when": online with JavaScript off at 360x740, three forms, one with a bad
    NIK: exactly two rows on the server, and the bad one comes back with the NIK message."""
    from django.utils import timezone

    from recruitment.models import Worker
    from villages.models import VillageReport

    tab = phone_without_js
    officer = UserFactory(
        username="desa.tanjungluar", role=Role.VILLAGE_OFFICER, village=Village.objects.get(code="52.03.01.2001")
    )
    tab.goto("/accounts/login/")
    tab.get_by_label("Username").fill(officer.username)
    tab.get_by_label("Password").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/desa/")
    _check(tab)

    # 1. A departure seen: a person not on the registry, by name.
    tab.get_by_role("link", name="Departure seen").click()
    tab.get_by_role("heading", name="Departure seen").wait_for()
    _check(tab)
    tab.get_by_label("Name, if not in the list").fill("Amaq Sahnan")
    tab.get_by_label("What happened, in your words").fill("Dijemput mobil malam hari")
    tab.get_by_role("button", name="Send the report").click()
    tab.wait_for_url("**/desa/")
    tab.get_by_text("Saved: Departure seen.").wait_for()

    # 2. A suspected broker with a phone number.
    tab.get_by_role("link", name="Suspected illegal recruiter").click()
    tab.get_by_label("Broker's name").fill("Pak Udin")
    tab.get_by_label("Phone number 1").fill("0812 3456 7890")
    tab.get_by_label("Company they claim to work for").fill("PT Maju Jaya")
    tab.get_by_role("button", name="Send the report").click()
    tab.wait_for_url("**/desa/")
    tab.get_by_text("Saved: Suspected illegal recruiter.").wait_for()

    # 3. An intent with a NIK of 16 digits whose district does not exist: the server refuses it.
    tab.get_by_role("link", name="Intends to work abroad").click()
    tab.get_by_label("NIK").fill("5299015204980001")
    tab.get_by_label("Full name").fill("Siti Aminah")
    tab.get_by_label("Birth date").fill("1998-04-12")
    tab.get_by_label("Sex").select_option("F")
    tab.get_by_label("Birth place").fill("Selong")
    tab.get_by_label("Education").select_option("smp")
    tab.get_by_label("Marital status").select_option("single")
    tab.get_by_label("Who in the family gave consent").fill("Inaq Saenah")
    tab.get_by_label("Their relation to the person").select_option("parent")
    tab.get_by_label("Date the family gave consent").fill(timezone.localdate().isoformat())
    tab.get_by_role("button", name="Send the report").click()
    tab.wait_for_load_state()
    message = "The first six digits of the NIK (529901) are not an existing district."
    tab.get_by_text("Nothing was saved").wait_for()
    assert tab.locator(".invalid-feedback", has_text=message).is_visible()
    assert tab.get_by_label("Full name").input_value() == "Siti Aminah"  # what was typed stays
    _check(tab)

    assert VillageReport.objects.count() == 2
    assert sorted(VillageReport.objects.values_list("kind", flat=True)) == ["departure_seen", "suspected_recruiter"]
    assert not Worker.objects.exists()

    # Every input of the forms is a big touch target.
    heights = tab.eval_on_selector_all(
        "form.village-form input:not([type=hidden]), form.village-form select, form.village-form button",
        "els => els.map(el => el.getBoundingClientRect().height)",
    )
    assert heights and min(heights) >= 44, heights
