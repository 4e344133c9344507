"""An official works the red-flag queue: filter, open a flag, assign, dismiss, then a bulk confirm."""

import re

import pytest
from django.utils import timezone

from accounts.choices import Role
from oversight.models import Flag
from oversight.rules import RULES_BY_CODE
from tests.e2e.conftest import open_filters
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LOTIM_VILLAGE = "52.03.01.2001"


def flag(rule, subject_id, evidence):
    now = timezone.now()
    spec = RULES_BY_CODE[rule]
    return Flag.objects.create(
        rule_code=rule, subject_type=spec.subject, subject_id=subject_id, severity=spec.severity,
        area_code=LOTIM_VILLAGE, evidence=evidence, first_seen=now, last_seen=now,
    )  # fmt: skip


def test_triage_a_flag(page, log_in, shot):
    official = UserFactory(
        username="kab.lotim", role=Role.REGENCY_OFFICIAL, regency_id="52.03", full_name="Lalu Official"
    )
    visa = flag("WRONG_VISA", 1, {"departed_on": "2026-03-02", "visa": "visit_visa"})
    flag("UNOFFICIAL_EXIT", 2, {"departed_on": "2026-03-04", "point": "Pelabuhan Tikus"})
    flag("STALLED", 3, {"stage": 4, "since": "2025-09-01", "days": 200})
    log_in(official)

    page.goto("/pengawasan/antrean/")
    page.get_by_role("heading", name="Red-flag queue").wait_for()
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert "Departed on a visit visa" in rows.first.inner_text() or "Left through" in rows.first.inner_text()
    shot("queue")

    # Only the high ones, through the filter form; the filter stays in the URL.
    open_filters(page)
    page.get_by_label("Severity").select_option("high")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url(re.compile(r"severity=high"))
    assert page.locator("tbody tr").count() == 2
    shot("filtered")

    # One flag: its evidence in words, assign to me, dismiss with a reason.
    page.get_by_role("link", name="Departed on a visit visa").click()
    page.wait_for_url(f"**/pengawasan/bendera/{visa.pk}/")
    evidence = page.locator("#evidence-heading").locator("xpath=..")
    assert "Visit, tourist or pilgrimage visa" in evidence.inner_text()
    assert "2 March 2026" in evidence.inner_text()
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_text("The flag is assigned to you.").wait_for()
    page.get_by_label("Reason").fill("Work visa found in the company's file; scanned late")
    page.get_by_role("button", name="Dismiss the flag").click()
    page.get_by_text("The flag is now “Dismissed”.").wait_for()
    assert "Work visa found in the company's file" in page.locator("#history-heading").locator("xpath=..").inner_text()
    shot("dismissed")
    visa.refresh_from_db()
    assert (visa.status, visa.assigned_to_id) == ("dismissed", official.pk)

    # Back to the queue: confirm the two others at once with one reason.
    page.goto("/pengawasan/antrean/")
    assert page.locator("tbody tr").count() == 2
    page.get_by_label("Select all flags on this page").check()
    page.get_by_label("Action").select_option("confirm")
    page.get_by_label("Reason (needed to confirm or dismiss)").fill("Confirmed with the village head")
    page.get_by_role("button", name="Apply to the selected flags").click()
    page.get_by_text("2 flags confirmed.").wait_for()
    shot("bulk-confirmed")
    assert set(Flag.objects.exclude(pk=visa.pk).values_list("status", flat=True)) == {"confirmed"}
