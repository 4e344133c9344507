"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Playwright cannot download its own browsers here, so it launches the system Chromium
(E2E_CHROMIUM overrides the path). Without Chromium or the playwright package every
test in this directory is skipped with a message saying which is missing.

Each test runs twice, at a desktop (1280 px) and at a phone width (360 px), against
pytest-django's live_server, and saves screenshots under var/e2e-screenshots/
(E2E_SCREENSHOTS overrides). Every page a test opens, by goto, click or redirect, is
checked when it has loaded (PAGE_CHECKS below): nothing drawn before the navigation bar,
nothing but head elements in <head>, no horizontal overflow at any width, and at desktop
width no table that has to scroll sideways, and no Content-Security-Policy violation (the
browser's console says "Refused to ... Content Security Policy", whenever it happens: on load,
after an HTMX swap, in a script). A page that fails fails the test at its end.

The live server needs a transactional database, whose flush after each
test empties every table, areas included: the ``e2e_db`` fixture reloads the areas
and reference data for each test.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

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


VIEWPORTS = [Viewport("desktop", 1280, 800, False), Viewport("phone", 360, 800, True)]
DESKTOP_WIDTH = 1280

# Run in every document the tab loads (Playwright's init script), once it has loaded; the
# findings of every page pile up in the tab's sessionStorage, which outlives navigations.
PAGE_CHECKS = """
(() => {
  const KEY = "e2e-page-checks";
  const HEAD_ELEMENTS = new Set(["META", "TITLE", "LINK", "STYLE", "SCRIPT", "BASE", "NOSCRIPT", "TEMPLATE"]);
  const visible = (el) => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.display !== "none" && style.visibility !== "hidden";
  };
  window.__e2eCheckPage = () => {
    const problems = [];
    for (const el of document.head.children) {
      if (!HEAD_ELEMENTS.has(el.tagName)) problems.push(`<${el.tagName.toLowerCase()}> inside <head>`);
    }
    const nav = document.querySelector("body > nav.navbar, body nav.navbar");
    if (!nav) problems.push("no navigation bar");
    else {
      // What the body holds before the navigation bar: only the (hidden) skip link may be there.
      for (const node of document.body.childNodes) {
        if (node === nav || (node.contains && node.contains(nav))) break;
        if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
          problems.push(`text before the navigation bar: "${node.textContent.trim().slice(0, 60)}"`);
        } else if (node.nodeType === Node.ELEMENT_NODE && !["SCRIPT", "STYLE"].includes(node.tagName)
                   && visible(node)) {
          const text = node.innerText.trim().slice(0, 60);
          problems.push(`<${node.tagName.toLowerCase()}> drawn before the navigation bar: "${text}"`);
        }
      }
      const top = nav.getBoundingClientRect().top + window.scrollY;
      if (top > 0) problems.push(`the navigation bar starts ${Math.round(top)} px down the page`);
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
      const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && visible(el))
        .slice(-3).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`);
      problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window: ${wide.join(", ")}`);
    }
    if (root.clientWidth >= DESKTOP_WIDTH - 40) {  // a desktop, less a scroll bar
      for (const box of document.querySelectorAll(".table-responsive")) {
        if (visible(box) && box.scrollWidth > box.clientWidth + 1) {
          const heading = box.closest("section, main")?.querySelector("h1, h2, h3")?.innerText || "";
          const sizes = `${box.scrollWidth} px in ${box.clientWidth}`;
          problems.push(`a table scrolls sideways at ${root.clientWidth} px (${sizes}) under "${heading}"`);
        }
      }
    }
    return problems;
  };
  window.addEventListener("load", () => {
    const found = JSON.parse(sessionStorage.getItem(KEY) || "[]");
    const width = document.documentElement.clientWidth;
    found.push({url: location.pathname + location.search, width, problems: window.__e2eCheckPage()});
    sessionStorage.setItem(KEY, JSON.stringify(found));
  });
})();
""".replace("DESKTOP_WIDTH", str(DESKTOP_WIDTH))


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
    """A fresh browser tab at this test's width, in English, pointed at the live server.

    English as a person gets it: chosen with the language switcher (its cookie); the
    browser's locale alone leaves the portal in Bahasa Indonesia. Every page the tab loads
    is checked (PAGE_CHECKS); the test fails at its end if one of them failed.
    """
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": viewport.width, "height": viewport.height},
        is_mobile=viewport.mobile,
        has_touch=viewport.mobile,
        locale="en-GB",
        accept_downloads=True,
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    context.add_init_script(PAGE_CHECKS)
    context.set_default_timeout(15_000)
    csp_violations = record_csp_violations(context)
    tab = context.new_page()
    tab.viewport_name = viewport.name
    tab.csp_violations = csp_violations
    screenshot_path(request, viewport.name, "FAILED").unlink(missing_ok=True)  # an earlier run's failure
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_screenshot(tab, request, "FAILED")
    try:
        checked = checked_pages(tab)
    finally:
        context.close()
    if report is not None and report.passed:
        failures = [f"{p['url']} at {p['width']} px: {problem}" for p in checked for problem in p["problems"]]
        assert not failures, "Pages that do not read well:\n" + "\n".join(failures)


def record_csp_violations(context) -> list[dict]:
    """Every Content-Security-Policy violation the browser reports in this context's tabs, as
    ``{"url", "width", "problems"}`` like PAGE_CHECKS' findings; filled as they happen."""
    found: list[dict] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            tab = message.page
            found.append(
                {
                    "url": tab.url if tab else "?",
                    "width": (tab.viewport_size or {}).get("width") if tab else None,
                    "problems": [f"Content-Security-Policy violation: {message.text}"],
                }
            )

    context.on("console", on_console)
    return found


def checked_pages(tab) -> list[dict]:
    """What PAGE_CHECKS found on every page this tab loaded so far, and the policy violations."""
    violations = list(getattr(tab, "csp_violations", []))
    try:
        return tab.evaluate("() => JSON.parse(sessionStorage.getItem('e2e-page-checks') || '[]')") + violations
    except Exception:  # the tab is on a page of another origin, or closed
        return violations


def check_page(tab) -> None:
    """Check the page as it is now (after an HTMX swap, say), like PAGE_CHECKS does on load, and
    that no Content-Security-Policy violation was reported so far."""
    problems = tab.evaluate("() => window.__e2eCheckPage()")
    problems += [problem for found in getattr(tab, "csp_violations", []) for problem in found["problems"]]
    assert not problems, f"{tab.url}: " + "; ".join(problems)


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


def current_totp_code(device) -> str:
    """The 6-digit code the user's authenticator app shows now for this TOTP device."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.fixture
def log_in(page):
    """Log in through the login form, as a user would; a user who must use a second factor then
    types the code of their authenticator app (a confirmed TOTP device, made here if they have none)."""
    from core.roles import needs_second_factor
    from tests.conftest import second_factor_device

    def _log_in(user, password: str = TEST_PASSWORD):
        device = second_factor_device(user) if needs_second_factor(user) else None
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if device is not None:
            # A code is accepted once: a second log-in within the same 30 s may use it again here.
            type(device).objects.filter(pk=device.pk).update(last_t=-1)
            device.refresh_from_db()
            page.wait_for_url(lambda url: "/accounts/two-factor/" in url)
            page.locator("input[name=otp_token]").fill(current_totp_code(device))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)

    return _log_in


def open_filters(page) -> None:
    """Unfold a list's filter form (it starts unfolded when a filter is already applied)."""
    details = page.locator("details").filter(has=page.locator("summary", has_text="Filter")).first
    if details.get_attribute("open") is None:
        details.locator("summary").click()
