"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Playwright cannot download its own browsers here, so it launches the system Chromium
(E2E_CHROMIUM overrides the path). Without Chromium or the playwright package every
test in this directory is skipped with a message saying which is missing.

Each test runs twice, at a desktop and at a phone width, against pytest-django's
live_server, and saves screenshots under var/e2e-screenshots/ (E2E_SCREENSHOTS
overrides). The live server needs a transactional database, whose flush after each
test empties every table, areas included: the ``e2e_db`` fixture reloads the areas
and reference data for each test.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from siskop2mi.paths import BASE_DIR
from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS") or Path(BASE_DIR) / "var" / "e2e-screenshots")
# What a sandboxed, offline machine needs: no sandbox as root, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool


VIEWPORTS = [Viewport("desktop", 1280, 800, False), Viewport("phone", 390, 844, True)]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Lets the page fixture know whether its test failed, to keep a screenshot of the moment.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        pytest.skip(f"Browser tests skipped: {reason}.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread while it is open; Django would
    # take the test's own (synchronous) database calls for async ones. Module scope closes the
    # loop before the rest of the suite runs, and the switch is put back as it was.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(params=VIEWPORTS, ids=[v.name for v in VIEWPORTS])
def viewport(request) -> Viewport:
    return request.param


@pytest.fixture
def e2e_db(reference_data):
    """Areas and reference data, reloaded for this test (the last one's flush removed them)."""


@pytest.fixture
def page(browser, live_server, viewport, e2e_db, request):
    """A fresh browser tab at this test's width, in English, pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": viewport.width, "height": viewport.height},
        is_mobile=viewport.mobile,
        has_touch=viewport.mobile,
        locale="en-GB",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.viewport_name = viewport.name
    screenshot_path(request, viewport.name, "FAILED").unlink(missing_ok=True)  # an earlier run's failure
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_screenshot(tab, request, "FAILED")
    context.close()


def screenshot_path(request, viewport_name: str, step: str) -> Path:
    test = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.originalname)
    return SCREENSHOTS / f"{test}-{viewport_name}-{step}.png"


def save_screenshot(tab, request, step: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = screenshot_path(request, tab.viewport_name, step)
    tab.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot(page, request):
    """``shot("step")`` saves a full-page screenshot of this step."""
    return lambda step: save_screenshot(page, request, step)


@pytest.fixture
def log_in(page):
    """Log in through the login form, as a user would."""

    def _log_in(user, password: str = TEST_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return _log_in


def open_filters(page) -> None:
    """Unfold a list's filter form (it starts unfolded when a filter is already applied)."""
    details = page.locator("details").filter(has=page.locator("summary", has_text="Filter")).first
    if details.get_attribute("open") is None:
        details.locator("summary").click()
