"""The officials' portal in a browser: log in, the dashboard's charts, a filtered list and a
record, and an export downloaded. (Triage has its own file: test_triage.py.)"""

import csv
import re

import pytest

from tests.conftest import second_factor_device
from tests.e2e.conftest import current_totp_code, open_filters
from tests.e2e.world import build_world
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(e2e_db):
    return build_world()


def menu(page, name):
    """A link of the main navigation; on a phone the menu opens first."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    link = page.locator("#main-nav").get_by_role("link", name=name, exact=True)
    link.wait_for(state="visible")
    return link


def test_log_in(page, world, shot):
    device = second_factor_device(world.lotim_official)  # set up on an earlier login
    page.goto("/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    shot("login-form")
    page.get_by_label("Username").fill("kab.lotim")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    page.get_by_label("Username").fill("kab.lotim")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # An official confirms the login with the code of their authenticator app.
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    shot("second-factor")
    page.get_by_label("The 6-digit code your app shows").fill(current_totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert menu(page, "Red flags").is_visible()
    shot("logged-in")


def test_the_dashboard_shows_its_charts(page, world, log_in, shot):
    log_in(world.ministry_official)
    menu(page, "Dashboard").click()
    page.wait_for_url(re.compile(r"/dasbor/"))
    page.get_by_role("heading", level=1).wait_for()
    canvases = page.locator("canvas")
    assert canvases.count() >= 4
    # Chart.js has drawn on every canvas (the figures are also in tables beside them).
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas')].every(c => window.Chart && window.Chart.getChart(c))"
    )
    page.locator("canvas").first.scroll_into_view_if_needed()
    shot("dashboard")
    assert "Figures as of" in page.locator("#freshness").inner_text()


def test_filter_a_list_and_open_a_record(page, world, log_in, shot):
    log_in(world.lotim_official)
    page.goto("/rekrutmen/pekerja/")
    page.get_by_role("heading", name="Workers").wait_for()
    table = page.locator("table tbody")
    assert "Baiq Rohani" in table.inner_text() and "Lalu Ahmad" in table.inner_text()
    assert "Maria Seran" not in table.inner_text()  # Kupang is another regency
    open_filters(page)
    page.get_by_label("Name contains").fill("baiq")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url(re.compile(r"name=baiq"))
    assert page.locator("table tbody tr").count() == 1
    shot("filtered-list")
    page.get_by_role("link", name="Baiq Rohani").click()
    page.wait_for_url(re.compile(r"/rekrutmen/pekerja/\d+/"))
    page.get_by_role("heading", name=re.compile("Baiq Rohani")).wait_for()
    assert world.workers["baiq"].nik not in page.content()  # the NIK stays masked
    shot("worker")


def test_export_a_list_and_download_it(page, world, log_in, shot):
    # A village officer's export: her village's workers, their NIKs masked (officials see them in full).
    log_in(world.village_officer)
    page.goto("/rekrutmen/pekerja/?name=baiq")
    assert page.locator("table tbody tr").count() == 1
    shot("before-export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2, rows  # a header and Baiq Rohani
    assert "Baiq Rohani" in rows[1]
    nik = world.workers["baiq"].nik
    assert nik not in repr(rows) and "*" * 12 + nik[-4:] in rows[1]
