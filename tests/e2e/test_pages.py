"""Every main page, opened as the people who use it, at 1280 px and at 360 px.

The checks are the page fixture's (conftest.PAGE_CHECKS), run on each page as it loads:
nothing drawn before the navigation bar, nothing but head elements in <head>, no
sideways overflow, no table that scrolls sideways on a desktop. Here we only make sure
each page is reached, and is the page we meant.
"""

import re

import pytest

from accounts.choices import Role
from accounts.models import User
from oversight.models import Flag
from placement.models import Placement
from recruitment.models import JobOrder
from tests.e2e.conftest import checked_pages
from tests.e2e.world import build_world
from tests.factories import UserFactory
from tests.placement.lifecycle import add_document

pytestmark = pytest.mark.django_db(transaction=True)


def visit(page, path: str, heading=None, status: int = 200):
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    if heading:
        page.get_by_role("heading", level=1).filter(has_text=heading).wait_for()


def test_an_official_reads_every_main_page(page, e2e_db, log_in, shot):
    world = build_world()
    placement = Placement.objects.get(worker=world.workers["baiq"])
    registered = Placement.objects.get(worker=world.workers["lalu"])
    # A long document number and issuer: they wrap; the documents table does not scroll sideways.
    staff = User.objects.get(username="staf.a")
    add_document(staff, registered, "family_consent", number="SK/2026/DESA-PIJOT/0000123456789012345")
    job_order = JobOrder.objects.get()
    log_in(world.ministry_official)
    visit(page, "/", "Welcome")
    visit(page, "/rekrutmen/pekerja/", "Workers")
    visit(page, f"/rekrutmen/pekerja/{world.workers['baiq'].pk}/", "Baiq Rohani")
    visit(page, "/rekrutmen/lowongan/", "Job orders")
    visit(page, f"/rekrutmen/lowongan/{job_order.pk}/")
    visit(page, "/penempatan/", "Placements")
    visit(page, f"/penempatan/{placement.pk}/", "Baiq Rohani")
    shot("placement")
    visit(page, f"/penempatan/{registered.pk}/", "Lalu Ahmad")
    visit(page, "/perusahaan/", "Placement companies")
    visit(page, f"/perusahaan/{world.agency.pk}/", "PT Agensi A")
    visit(page, "/pengawasan/antrean/", "Red-flag queue")
    visit(page, f"/pengawasan/bendera/{Flag.objects.first().pk}/")
    visit(page, "/dasbor/")
    visit(page, "/wilayah/52.03/")
    assert len(checked_pages(page)) >= 14  # the log-in pages and these, each checked


def test_a_company_reads_its_pages_and_is_refused_supervision_in_words(page, e2e_db, log_in, shot):
    world = build_world(dashboard=False, scan=False)
    admin = UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=world.agency, full_name="Admin Agensi A")
    log_in(admin)
    visit(page, "/", "Welcome")
    visit(page, "/rekrutmen/pekerja/", "Workers")
    visit(page, "/rekrutmen/lowongan/", "Job orders")
    visit(page, "/penempatan/", "Placements")
    visit(page, f"/penempatan/{Placement.objects.get(worker=world.workers['baiq']).pk}/", "Baiq Rohani")
    visit(page, "/perusahaan/kunci-api/", "API keys")
    page.get_by_label("Name").fill("Sistem SDM kantor Jakarta Selatan, gedung utama lantai tiga")
    page.get_by_role("button", name="Create key").click()
    page.get_by_role("heading", name=re.compile("created")).wait_for()
    shot("api-key")
    # Supervision of companies is for officials: the company gets the portal's page, in words.
    visit(page, "/perusahaan/", "Access denied", status=403)
    assert page.get_by_role("link", name="Back to the home page").is_visible()
    shot("refused")
    staff = User.objects.get(username="staf.a")
    page.context.clear_cookies(name="sessionid")  # logged out, still in English
    log_in(staff)
    visit(page, "/pengawasan/antrean/", "Access denied", status=403)


def test_the_login_page_and_its_error(page, e2e_db):
    visit(page, "/accounts/login/", "Log in")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().count("username") == 1


def test_the_page_checks_catch_what_they_are_for(page, e2e_db, log_in):
    """The checks themselves: column headers written into <head> (the browser draws their text
    above the navigation bar) and a page wider than the window are both reported."""
    world = build_world(dashboard=False, scan=False)
    log_in(world.lotim_official)

    def headers_in_head(route):
        response = route.fetch()
        body = response.text().replace("</head>", '<th scope="col">Name</th><th scope="col">NIK</th></head>', 1)
        route.fulfill(response=response, body=body)

    page.route("**/rekrutmen/pekerja/", headers_in_head)
    page.goto("/rekrutmen/pekerja/")
    problems = page.evaluate("() => window.__e2eCheckPage()")
    assert any("before the navigation bar" in problem for problem in problems), problems
    page.evaluate(
        "() => { const wide = document.createElement('div'); wide.style.width = '2000px';"
        " wide.style.height = '1px'; document.querySelector('main').append(wide); }"
    )
    problems = page.evaluate("() => window.__e2eCheckPage()")
    assert any("px wide in a" in problem for problem in problems), problems
    page.evaluate("() => sessionStorage.removeItem('e2e-page-checks')")  # planted on purpose
