"""On the demo data every planted case is flagged by its rule and the clean placements by none."""

import pytest
from django.core.management import call_command

from oversight.engine import full_scan
from oversight.models import Flag, ScanRun
from oversight.rules import RULES
from placement.models import Placement, PlacementEvent
from siskop2mi import paths
from siskop2mi.demo_data import PLANTED_CASES

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def scanned_demo(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DEMO_DIR", tmp_path)
    call_command("seed_demo", verbosity=0)
    return full_scan()


def test_every_planted_case_is_flagged_by_its_rule(scanned_demo):
    flagged_rules = set(Flag.objects.values_list("rule_code", flat=True))
    planted = {code for code, _subject, _description in PLANTED_CASES}
    assert planted <= flagged_rules, planted - flagged_rules
    assert scanned_demo.status == "completed"
    assert set(scanned_demo.results) == {rule.code for rule in RULES}


def test_clean_placements_raise_no_flag(scanned_demo):
    imported = PlacementEvent.objects.filter(data__source="legacy-import").values_list("placement_id", flat=True)
    clean = Placement.objects.exclude(pk__in=imported).exclude(agency__licence_status__in=["expired", "suspended"])
    assert clean.count() >= 60
    flagged = Flag.objects.filter(subject_type="placement", subject_id__in=clean.values_list("pk", flat=True))
    assert list(flagged.values_list("rule_code", "evidence")) == []
    worker_flags = Flag.objects.filter(subject_type="worker", subject_id__in=clean.values_list("worker_id", flat=True))
    assert list(worker_flags.values_list("rule_code", "evidence")) == []


def test_a_second_scan_finds_the_same_flags_and_opens_none(scanned_demo):
    before = sorted(Flag.objects.values_list("rule_code", "subject_type", "subject_id"))
    second = full_scan()
    assert sorted(Flag.objects.values_list("rule_code", "subject_type", "subject_id")) == before
    assert all(result["new"] == 0 and result["resolved"] == 0 for result in second.results.values())
    assert ScanRun.objects.count() == 2
