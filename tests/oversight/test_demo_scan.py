"""The demo opens with every planted case flagged by its own rule, and nothing else but the extras
the README lists: no one has to press "full scan" first."""

import re

import pytest

from oversight.choices import OPEN_FLAG_STATUSES
from oversight.engine import full_scan
from oversight.models import Flag, ScanRun
from oversight.rules import RULES
from placement.models import Placement, PlacementEvent
from siskop2mi import paths
from siskop2mi.demo_data import PLANTED, PLANTED_CASES, planted_flags

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded_demo(demo_dir):
    """The demo, seeded once for this module (tests/conftest.py); each test's changes roll back."""


def open_flag_keys() -> set[tuple[str, str, int]]:
    return set(
        Flag.objects.filter(status__in=OPEN_FLAG_STATUSES).values_list("rule_code", "subject_type", "subject_id")
    )


def readme_demo_section() -> str:
    readme = (paths.BASE_DIR / "README.md").read_text()
    start = readme.index("## Demo data and its planted non-procedural cases")
    return readme[start : readme.index("\n## ", start + 1)]


def test_every_rule_has_a_planted_case():
    rule_codes = {rule.code for rule in RULES}
    assert sorted(rule_codes - set(PLANTED)) == [], "rules with no planted demo case"
    assert sorted(set(PLANTED) - rule_codes) == [], "planted cases for no rule"


def test_the_demo_opens_with_every_planted_case_flagged_by_its_own_rule(seeded_demo):
    assert set(PLANTED_CASES) == set(PLANTED)
    flags = open_flag_keys()
    unflagged = [
        (code, planted.subject, planted.description)
        for code, planted in PLANTED_CASES.items()
        if (code, planted.subject.type, planted.subject.id) not in flags
    ]
    assert unflagged == []


def test_the_open_flags_are_the_planted_ones_and_the_extras_the_readme_lists(seeded_demo):
    assert open_flag_keys() == planted_flags()
    extras = {(code, also_code) for code, planted in PLANTED_CASES.items() for also_code, _subject in planted.also}
    # The README's table of extra flags: | planted case | also flagged by | why |
    listed = set(re.findall(r"^\| ([A-Z_]+) \| ([A-Z_]+) \|", readme_demo_section(), re.MULTILINE))
    assert listed == extras
    total = len(planted_flags())
    assert f"{total} open red flags" in readme_demo_section()


def test_clean_placements_raise_no_flag(seeded_demo):
    imported = PlacementEvent.objects.filter(data__source="legacy-import").values_list("placement_id", flat=True)
    clean = Placement.objects.exclude(pk__in=imported).exclude(agency__licence_status__in=["expired", "suspended"])
    assert clean.count() >= 60
    flagged = Flag.objects.filter(subject_type="placement", subject_id__in=clean.values_list("pk", flat=True))
    assert list(flagged.values_list("rule_code", "evidence")) == []
    worker_flags = Flag.objects.filter(subject_type="worker", subject_id__in=clean.values_list("worker_id", flat=True))
    assert list(worker_flags.values_list("rule_code", "evidence")) == []


def test_a_full_scan_of_the_fresh_demo_finds_the_same_flags_and_opens_none(seeded_demo):
    before = open_flag_keys()
    assert ScanRun.objects.count() == 1  # the seeding's own
    scan = full_scan()
    assert scan.status == "completed"
    assert set(scan.results) == {rule.code for rule in RULES}
    assert all(result["new"] == 0 and result["resolved"] == 0 for result in scan.results.values())
    assert open_flag_keys() == before
