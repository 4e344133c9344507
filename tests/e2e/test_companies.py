"""The ministry supervises a placement company in a browser: find it, suspend its licence
with a reason, see the sanction in its history, reinstate it."""

import re

import pytest

from agencies.models import Agency
from tests.e2e.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_suspend_and_reinstate_a_company(page, e2e_db, log_in, shot):
    world = build_world(dashboard=False)
    log_in(world.ministry_official)
    page.goto("/perusahaan/")
    page.get_by_role("heading", name="Placement companies").wait_for()
    row = page.locator("tbody tr", has_text="PT Agensi A")
    assert "Active" in row.inner_text()
    shot("list")
    row.get_by_role("link", name="PT Agensi A").click()
    page.wait_for_url(re.compile(r"/perusahaan/\d+/"))
    assert "Baiq Rohani" in page.locator("#placements-heading").locator("xpath=..").inner_text()

    page.get_by_label("Suspension of business activity").check()
    page.get_by_label("Reason", exact=True).first.fill("Holding workers' passports in Selong")
    page.get_by_role("button", name="Record the sanction").click()
    page.get_by_text("The licence is suspended.").wait_for()
    history = page.locator("#history-heading").locator("xpath=..")
    assert "Holding workers' passports in Selong" in history.inner_text()
    shot("suspended")

    page.get_by_role("group", name="Reinstate the suspended licence").get_by_label("Reason").fill(
        "Passports returned, verified by BP3MI NTB"
    )
    page.get_by_role("button", name="Reinstate the licence").click()
    page.get_by_text("The licence is reinstated.").wait_for()
    assert "Passports returned" in page.locator("#history-heading").locator("xpath=..").inner_text()
    shot("reinstated")
    assert Agency.objects.get(pk=world.agency.pk).licence_status == "active"
