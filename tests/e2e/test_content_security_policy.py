"""The Content-Security-Policy in a real browser: it blocks what it is for, and the pages that
are not the portal's own layout (the admin site, the API's Swagger UI) still work under it.

Every other e2e test checks its pages for violations through the page fixture (conftest).
"""

import pytest

from tests.e2e.conftest import checked_pages

pytestmark = pytest.mark.django_db(transaction=True)


def forget_layout_checks(page) -> None:
    """The admin site and Swagger UI have their own layout: the portal's layout checks (navigation
    bar first) do not apply to them; the policy violations still count."""
    page.evaluate("() => sessionStorage.removeItem('e2e-page-checks')")


def test_an_inline_script_planted_in_a_page_does_not_run_and_is_reported(page, e2e_db):
    def plant_script(route):
        response = route.fetch()
        body = response.text().replace("</main>", "<script>document.title = 'planted';</script></main>", 1)
        route.fulfill(response=response, body=body)

    page.route("**/accounts/login/", plant_script)
    page.goto("/accounts/login/")
    assert page.title() != "planted"
    assert any("Content Security Policy" in problem for found in checked_pages(page) for problem in found["problems"])
    page.csp_violations.clear()  # planted on purpose


def test_the_admin_site_works_under_the_policy(page, e2e_db, log_in, system_admin):
    log_in(system_admin)
    page.goto("/admin/")
    page.get_by_role("link", name="Moratoria").first.click()
    page.get_by_role("link", name="Add moratorium").click()
    page.get_by_role("heading", name="Declare a moratorium").wait_for()
    if page.viewport_name == "desktop":  # a phone folds the sidebar away
        # The admin's own scripts run: the sidebar's filter hides what does not match ...
        page.get_by_placeholder("Start typing to filter").fill("Villages")
        page.get_by_role("link", name="Audit entries").wait_for(state="hidden")
    # ... and a list's "select all" box ticks every row.
    page.goto("/admin/accounts/user/")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select").first.is_checked()
    forget_layout_checks(page)
    assert not page.csp_violations


def test_the_api_documentation_works_under_the_policy(page, e2e_db):
    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .info").get_by_text("SISKOP2MI partner API").wait_for()
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").first.wait_for()
    forget_layout_checks(page)
    assert not page.csp_violations
