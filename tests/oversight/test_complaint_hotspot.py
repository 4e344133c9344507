"""COMPLAINT_HOTSPOT: complaints per 100 placements above the threshold, for a company and for
an employer, each with a case that breaks it and a close case that does not. Rejected complaints
and complaints older than the window do not count; filing, linking and rejecting re-check."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import translation

from agencies.models import Employer
from complaints.models import Complaint
from complaints.services import complaint_file, complaint_link, complaint_transition
from core import clock
from core.recheck import RECHECK_TASK
from core.roles import Role
from oversight.engine import full_scan, run_rule
from oversight.evidence import describe_evidence
from oversight.models import Flag
from oversight.rules import RULES
from oversight.tasks import recheck_subjects
from placement import services
from siskop2mi.celery import app
from tests.factories import UserFactory
from tests.placement.lifecycle import apply_and_select, make_agency, make_job_order, register_worker

pytestmark = pytest.mark.django_db

# A small company: six placements, so "above 50 per 100" is the line between 3 and 4 complaints
# (the defaults, 5 per 100 and at least 3, say the same of sixty placements).
PARAMETERS = {"window_days": 365, "min_complaints": 3, "per_100": 50}


def hotspot(subject_type: str):
    return next(rule for rule in RULES if rule.code == "COMPLAINT_HOTSPOT" and rule.subject == subject_type)


def flagged(subject_type: str, subject_id: int, **parameters) -> Flag | None:
    run_rule(hotspot(subject_type), parameters={**PARAMETERS, **parameters}, ids=[subject_id])
    return (
        Flag.objects.filter(rule_code="COMPLAINT_HOTSPOT", subject_type=subject_type, subject_id=subject_id)
        .exclude(status="resolved")
        .first()
    )


@pytest.fixture
def officer(db):
    from villages.models import Province

    return UserFactory(username="pengaduan.ntb", role=Role.COMPLAINT_OFFICER, province=Province.objects.get(code="52"))


@pytest.fixture
def placements(ministry_official):
    """Six placements of one company, all with one Malaysian employer."""
    agency = make_agency()
    job_order = make_job_order(ministry_official, agency)
    return [
        services.placement_create(
            actor=ministry_official,
            application=apply_and_select(
                ministry_official, register_worker(ministry_official, agency, serial=n), job_order
            ),
        )
        for n in range(1, 7)
    ]


def complain(officer, placement=None, *, category="unpaid_wages", **fields):
    complaint, _secret = complaint_file(
        actor=officer,
        channel="hotline",
        category=category,
        description="Gaji tidak dibayar tiga bulan, kata keluarganya.",
        area_code="52.03",
        complainant_name="Keluarga",
        complainant_phone="081900001111",
        placement=placement,
        **fields,
    )
    return complaint


def test_a_company_with_more_complaints_than_its_placements_allow_is_flagged(officer, placements):
    agency_id = placements[0].agency_id
    for placement in placements[:3]:
        complain(officer, placement)
    assert flagged("agency", agency_id) is None  # 3 for 6 placements: 50 per 100, not above

    complain(officer, placements[3], category="violence")
    flag = flagged("agency", agency_id)

    assert flag is not None and flag.severity == "medium"
    assert flag.evidence["complaints"] == 4 and flag.evidence["placements"] == 6
    assert flag.evidence["rate"] == 66.7
    assert flag.evidence["categories"] == {"unpaid_wages": 3, "violence": 1}
    assert flag.evidence["company"] == "PT Sejahtera Abadi"
    with translation.override("en"):
        facts = {fact.label: fact.value for fact in describe_evidence("COMPLAINT_HOTSPOT", flag.evidence)}
    assert facts["Complaints per 100 placements"] == "66.7"
    assert facts["What the complaints are about"] == "Unpaid or underpaid wages: 3, Violence or abuse: 1"
    assert facts["Placements under way in the period"] == "6"


def test_rejected_and_old_complaints_do_not_count_for_the_company(officer, placements):
    agency_id = placements[0].agency_id
    complaints = [complain(officer, placement) for placement in placements[:4]]
    assert flagged("agency", agency_id) is not None

    complaint_transition(actor=officer, complaint_id=complaints[0].pk, to_status="rejected", reason="Bukan PMI.")
    assert flagged("agency", agency_id) is None  # the flag resolves: 3 left

    complaint_transition(actor=officer, complaint_id=complaints[0].pk, to_status="received")
    Complaint.objects.filter(pk=complaints[1].pk).update(filed_at=clock.now() - timedelta(days=400))
    assert flagged("agency", agency_id) is None
    assert flagged("agency", agency_id, window_days=500) is not None


def test_an_employer_with_many_complaints_is_flagged_and_one_with_fewer_is_not(officer, placements):
    employer_id = placements[0].job_order.employer_id
    for placement in placements[:3]:
        complain(officer, placement)
    assert flagged("employer", employer_id) is None

    complain(officer, placements[4], category="documents_held")
    flag = flagged("employer", employer_id)

    assert flag is not None
    assert (flag.evidence["complaints"], flag.evidence["placements"]) == (4, 6)
    assert flag.evidence["employer"] == placements[0].job_order.employer.name


def test_an_employer_with_complaints_and_no_placement_is_flagged_from_the_minimum(officer):
    employer = Employer.objects.create(name="Majikan Tanpa PMI", country_id="MY", sector="informal")
    complain(officer, employer=employer)
    complain(officer, employer=employer)
    assert flagged("employer", employer.pk) is None  # 2: below the minimum of 3

    complain(officer, employer=employer)
    flag = flagged("employer", employer.pk)

    assert flag is not None and flag.evidence["placements"] == 0 and flag.evidence["rate"] is None
    with translation.override("en"):
        facts = {fact.label: fact.value for fact in describe_evidence("COMPLAINT_HOTSPOT", flag.evidence)}
    assert facts["Complaints per 100 placements"] == "no placement under way in the period"


@contextmanager
def rechecks_on(settings, capture):
    settings.OVERSIGHT_RECHECK_ON_WRITE = True
    assert app.tasks[RECHECK_TASK].name == recheck_subjects.name
    app.conf.task_always_eager = True
    try:
        with capture(execute=True):
            yield
    finally:
        app.conf.task_always_eager = False


def test_filing_linking_and_rejecting_recheck_the_company_and_the_employer(
    settings, django_capture_on_commit_callbacks, officer, placements
):
    from oversight.models import RuleSetting

    RuleSetting.objects.create(code="COMPLAINT_HOTSPOT", thresholds=PARAMETERS)
    agency_id, employer_id = placements[0].agency_id, placements[0].job_order.employer_id
    open_flags = lambda: set(  # noqa: E731
        Flag.objects.filter(rule_code="COMPLAINT_HOTSPOT")
        .exclude(status="resolved")
        .values_list("subject_type", "subject_id")
    )
    for placement in placements[:3]:
        with rechecks_on(settings, django_capture_on_commit_callbacks):
            complain(officer, placement)
    unlinked = complain(officer)  # not yet known to be about this company
    assert open_flags() == set()

    with rechecks_on(settings, django_capture_on_commit_callbacks):
        complaint_link(actor=officer, complaint_id=unlinked.pk, placement=placements[5])
    assert open_flags() == {("agency", agency_id), ("employer", employer_id)}

    with rechecks_on(settings, django_capture_on_commit_callbacks):
        complaint_transition(actor=officer, complaint_id=unlinked.pk, to_status="rejected", reason="Tidak terbukti.")
    assert open_flags() == set()


def test_a_full_scan_reports_the_rule_once_over_both_subjects(officer, placements):
    from oversight.models import RuleSetting

    RuleSetting.objects.create(code="COMPLAINT_HOTSPOT", thresholds=PARAMETERS)
    for placement in placements[:4]:
        complain(officer, placement)

    scan = full_scan()

    assert scan.results["COMPLAINT_HOTSPOT"]["new"] == 2  # the company and its employer
    assert Flag.objects.filter(rule_code="COMPLAINT_HOTSPOT").count() == 2
