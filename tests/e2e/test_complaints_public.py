"""A member of the public files a complaint on a phone, with no account, and follows it with the
code and the secret shown once (issue 14, "done when"); and the same form without JavaScript."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from complaints.models import Complaint
from tests.e2e.conftest import PAGE_CHECKS


@pytest.fixture
def public_form(settings):
    """A person in a test types at machine speed: the bot check's minimum time is off, and every
    address's hourly budget starts unspent."""
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def _fill_complaint(tab) -> None:
    tab.get_by_label("What is the complaint about?").select_option(label="Unpaid or underpaid wages")
    tab.get_by_label("What happened?").fill("Gaji adik saya tidak dibayar selama tiga bulan di Johor.")
    tab.get_by_label("Country where it happened").select_option(label="Malaysia")
    tab.get_by_label("The worker's name").fill("Siti Aminah")
    tab.get_by_label("The worker's home regency or city").select_option("52.03")
    tab.get_by_label("Your name").fill("Lalu Ahmad")
    tab.get_by_label("Your phone number").fill("081900001111")
    tab.get_by_label("You are", exact=True).select_option("family")


def test_a_member_of_the_public_files_a_complaint_and_follows_it(page, shot, public_form):
    page.goto("/pengaduan/baru/")
    page.get_by_role("heading", name="File a complaint").wait_for()
    # Nothing a script would fill is in front of a person: the honeypot is out of sight and reach.
    trap = page.locator("#id_website")
    assert not trap.is_visible() or trap.bounding_box()["x"] < -1000
    assert trap.get_attribute("tabindex") == "-1"

    _fill_complaint(page)
    shot("form")
    page.get_by_label("What happened?").fill("Gaji")  # too short: the form comes back, nothing kept
    page.get_by_role("button", name="Send the complaint").click()
    page.get_by_text("The complaint is not sent yet").wait_for()
    assert page.locator(".invalid-feedback", has_text="at least 10 letters").is_visible()
    assert page.get_by_label("Your name").input_value() == "Lalu Ahmad"
    assert not Complaint.objects.exists()

    page.get_by_label("What happened?").fill("Gaji adik saya tidak dibayar selama tiga bulan di Johor.")
    page.get_by_role("button", name="Send the complaint").click()
    page.get_by_role("heading", name="Save this code").wait_for()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    secret = page.get_by_test_id("secret").inner_text().strip()
    shot("filed")
    complaint = Complaint.objects.get()
    assert code == complaint.tracking_code and len(secret) == 12
    assert (complaint.channel, complaint.area_code, complaint.country_id) == ("web", "52.03", "MY")

    page.get_by_role("link", name="Follow the complaint").click()
    page.get_by_label("Tracking code").fill(code.lower())
    page.get_by_label("Secret", exact=True).fill(secret)
    page.get_by_role("button", name="Open the complaint").click()
    page.get_by_role("heading", name=f"Your complaint {code}").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Received"
    assert "/pengaduan/lacak/" in page.url and secret not in page.url and code not in page.url
    assert page.get_by_text("Lalu Ahmad").count() == 0 and page.get_by_text("081900001111").count() == 0

    page.get_by_label("What do you want to add?").fill("Majikan sekarang menahan paspornya juga.")
    page.get_by_role("button", name="Add to the complaint").click()
    page.get_by_text("Thank you: your information is added to the complaint.").wait_for()
    page.get_by_text("Majikan sekarang menahan paspornya juga.").wait_for()
    shot("followed")
    assert complaint.events.filter(kind="information_added").count() == 1


@pytest.fixture
def phone_without_js(browser, live_server, e2e_db, public_form):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def _check(tab) -> None:
    """The page checks of every browser test, run from outside (scripts are off in the page)."""
    tab.evaluate(PAGE_CHECKS.replace('window.addEventListener("load"', '(() => {}) || window.addEventListener("load"'))
    problems = tab.evaluate("() => window.__e2eCheckPage()")
    assert not problems, f"{tab.url}: " + "; ".join(problems)


def test_the_complaint_form_works_without_javascript_on_a_phone(phone_without_js):
    tab = phone_without_js
    tab.goto("/pengaduan/baru/")
    assert tab.evaluate("() => typeof window.htmx") == "undefined"  # scripts really are off
    _check(tab)
    # The public menu folds on a phone and opens without a script.
    track_link = tab.locator("#main-nav").get_by_role("link", name="Follow a complaint")
    assert not track_link.is_visible()
    tab.locator(".navbar-toggler").click()
    track_link.wait_for(state="visible")
    tab.locator(".navbar-toggler").click()

    _fill_complaint(tab)
    tab.get_by_label("Complain anonymously").check()
    assert not tab.get_by_label("Your name").is_visible()  # folded away by CSS alone
    tab.get_by_role("button", name="Send the complaint").click()
    tab.get_by_role("heading", name="Save this code").wait_for()
    _check(tab)
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.complainant_name == "" and complaint.complainant_phone == ""

    heights = tab.eval_on_selector_all(
        "main a.btn, main button", "els => els.map(el => el.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
