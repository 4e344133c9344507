"""Scans: locking, interruption and rerun, re-check after a write, triage, notifications."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import connections
from django.utils import timezone, translation

from core.errors import DomainError
from oversight import engine
from oversight.choices import FlagStatus
from oversight.engine import FULL_SCAN_LOCK, ScanAlreadyRunning, full_scan, recheck
from oversight.models import Flag, FlagEvent, Notification, ScanRun
from oversight.services import flag_assign, flag_decide, scan_runs_sweep
from oversight.tasks import SCAN_RETRY_SECONDS, scan_all
from placement.models import Placement
from siskop2mi.celery import app
from villages.models import Village
from villages.services import village_report_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def unmatched_departure(village_officer):
    """A village officer saw someone leave a month ago; no placement of theirs departed."""
    return village_report_create(
        actor=village_officer, village=Village.objects.get(code="52.03.01.2001"), kind="departure_seen",
        occurred_on=TODAY - timedelta(days=30), person_nik="5203015204990003", person_name="Halimah",
    )  # fmt: skip


def flags():
    return sorted(Flag.objects.values_list("rule_code", "subject_type", "subject_id", "status"))


def test_a_scan_opens_a_flag_with_its_evidence_and_history(unmatched_departure):
    scan = full_scan()
    flag = Flag.objects.get(rule_code="VILLAGE_DEPARTURE_UNMATCHED")
    assert (flag.subject_type, flag.subject_id, flag.status) == ("village_report", unmatched_departure.pk, "open")
    assert flag.evidence["person"] == "Halimah"
    assert flag.area_code == "52.03.01.2001"
    assert scan.results["VILLAGE_DEPARTURE_UNMATCHED"]["new"] == 1
    assert FlagEvent.objects.get(flag=flag).to_status == "open"


def test_a_flag_resolves_itself_when_the_condition_no_longer_holds(unmatched_departure):
    full_scan()
    unmatched_departure.occurred_on = TODAY - timedelta(days=2)  # inside the grace period now
    unmatched_departure.save()
    scan = full_scan()
    flag = Flag.objects.get(rule_code="VILLAGE_DEPARTURE_UNMATCHED")
    assert flag.status == FlagStatus.RESOLVED and flag.resolved_at is not None
    assert scan.results["VILLAGE_DEPARTURE_UNMATCHED"]["resolved"] == 1


def test_only_one_full_scan_at_a_time(unmatched_departure, monkeypatch):
    monkeypatch.setattr(engine, "SCAN_LOCK_WAIT", 0.2)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [FULL_SCAN_LOCK])
        with pytest.raises(ScanAlreadyRunning):
            full_scan()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [FULL_SCAN_LOCK])
    finally:
        other.close()
    assert full_scan().status == "completed"


def test_a_scan_failing_half_way_then_rerun_ends_with_the_flags_of_an_uninterrupted_scan(
    unmatched_departure, monkeypatch
):
    full_scan()
    uninterrupted = flags()
    Flag.objects.all().delete()

    real_run_rule, calls = engine.run_rule, []

    def dies_half_way(rule, **kwargs):
        calls.append(rule.code)
        if len(calls) == 10:
            raise RuntimeError("worker killed")
        return real_run_rule(rule, **kwargs)

    monkeypatch.setattr(engine, "run_rule", dies_half_way)
    with pytest.raises(RuntimeError):
        full_scan()
    assert ScanRun.objects.latest("started_at").status == "failed"
    monkeypatch.setattr(engine, "run_rule", real_run_rule)

    full_scan()
    assert flags() == uninterrupted


@pytest.mark.django_db(transaction=True)
def test_rules_run_at_once_on_connections_of_their_own_raise_the_flags_of_one_at_a_time(
    reference_data, unmatched_departure, journey, settings, monkeypatch
):
    """Outside a transaction a full scan runs OVERSIGHT_SCAN_CONNECTIONS rules at once, each on a
    connection of its own; the flags are those of the rules run one after another."""
    Placement.objects.filter(pk=journey.placement.pk).update(contract_salary=Decimal("1"))
    settings.OVERSIGHT_SCAN_CONNECTIONS = 1
    full_scan()
    one_at_a_time = flags()
    assert {"VILLAGE_DEPARTURE_UNMATCHED", "SALARY_BELOW_ORDER"} <= {flag[0] for flag in one_at_a_time}
    Flag.objects.all().delete()

    real_run_rule, threads = engine.run_rule, set()

    def run_rule(rule, **kwargs):
        threads.add(threading.current_thread().name)
        return real_run_rule(rule, **kwargs)

    monkeypatch.setattr(engine, "run_rule", run_rule)
    settings.OVERSIGHT_SCAN_CONNECTIONS = 2
    scan = full_scan()
    assert flags() == one_at_a_time
    assert scan.status == "completed" and set(scan.results) == {rule.code for rule in engine.enabled_rules()[0]}
    assert len(threads) == 2 and all(name.startswith("red-flag-rule") for name in threads)


@pytest.mark.django_db(transaction=True)
def test_a_rule_failing_among_rules_run_at_once_fails_the_scan(
    reference_data, unmatched_departure, settings, monkeypatch
):
    settings.OVERSIGHT_SCAN_CONNECTIONS = 2
    real_run_rule = engine.run_rule

    def fails_once(rule, **kwargs):
        if rule.code == "STAGE_SKIPPED":
            raise RuntimeError("statement timeout")
        return real_run_rule(rule, **kwargs)

    monkeypatch.setattr(engine, "run_rule", fails_once)
    with pytest.raises(RuntimeError):
        full_scan()
    scan = ScanRun.objects.latest("started_at")
    assert (scan.status, scan.error) == ("failed", "RuntimeError('statement timeout')")
    assert "STAGE_SKIPPED" not in scan.results


def test_a_redelivered_scan_task_restarts_its_own_run_and_ends_with_the_flags_of_an_uninterrupted_scan(
    unmatched_departure,
):
    full_scan()
    uninterrupted = flags()
    Flag.objects.all().delete()
    ScanRun.objects.all().delete()
    # Its worker was killed after a few rules: the run stays "running" under the task's id.
    killed = ScanRun.objects.create(started_at=timezone.now(), task_id="scan-task", results={"DEPART_INCOMPLETE": {}})
    other = ScanRun.objects.create(started_at=timezone.now() - timedelta(days=1), task_id="old-task")

    assert scan_all.apply(task_id="scan-task").get() == killed.pk

    killed.refresh_from_db()
    other.refresh_from_db()
    assert killed.status == "completed" and set(killed.results) == {rule.code for rule in engine.enabled_rules()[0]}
    assert (other.status, other.error) == ("failed", "interrupted")
    assert flags() == uninterrupted and ScanRun.objects.count() == 2
    # Delivered once more (say the worker died before acknowledging): nothing runs again.
    finished_at = killed.finished_at
    assert scan_all.apply(task_id="scan-task").get() == killed.pk
    assert ScanRun.objects.get(pk=killed.pk).finished_at == finished_at


def test_a_scan_finding_another_at_work_tries_again_later(unmatched_departure, monkeypatch):
    monkeypatch.setattr(engine, "SCAN_LOCK_WAIT", 0.2)
    retried = []

    def retry(countdown, exc):
        retried.append((countdown, type(exc)))
        return Retry("busy", when=countdown)

    monkeypatch.setattr(scan_all, "retry", retry)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [FULL_SCAN_LOCK])
        with pytest.raises(Retry):
            scan_all.apply(task_id="second", throw=True)
    finally:
        other.close()
    assert retried == [(SCAN_RETRY_SECONDS, ScanAlreadyRunning)]
    assert not ScanRun.objects.filter(task_id="second").exists()


def test_the_sweeper_fails_a_scan_left_running_by_a_lost_worker_and_only_that(unmatched_departure):
    now = timezone.now()
    lost = ScanRun.objects.create(started_at=now - timedelta(seconds=engine.SCAN_TIME_LIMIT + 600), task_id="lost")
    recent = ScanRun.objects.create(started_at=now - timedelta(seconds=60), task_id="recent")

    with translation.override("en"):
        assert scan_runs_sweep(now=now) == 1
        assert scan_runs_sweep(now=now) == 0  # idempotent
    lost.refresh_from_db()
    assert lost.status == "failed" and "worker was lost" in lost.error
    assert ScanRun.objects.get(pk=recent.pk).status == "running"

    # While a scan holds the lock, nothing is called lost: that scan sorts out dead runs itself.
    ScanRun.objects.filter(pk=lost.pk).update(status="running")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [FULL_SCAN_LOCK])
        assert scan_runs_sweep(now=now) == 0
    finally:
        other.close()


def test_a_write_rechecks_its_subject_within_the_same_request(
    settings, village_officer, django_capture_on_commit_callbacks
):
    settings.OVERSIGHT_RECHECK_ON_WRITE = True
    app.conf.task_always_eager = True  # run the enqueued re-check here, in this process
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = village_report_create(
                actor=village_officer, village=Village.objects.get(code="52.03.01.2001"), kind="departure_seen",
                occurred_on=TODAY - timedelta(days=30), person_name="Halimah",
            )  # fmt: skip
    finally:
        app.conf.task_always_eager = False
    assert Flag.objects.filter(rule_code="VILLAGE_DEPARTURE_UNMATCHED", subject_id=report.pk).exists()
    assert not ScanRun.objects.exists()  # no full scan was needed


def test_one_recheck_opens_resolves_and_notifies_across_rules_and_subjects(
    unmatched_departure, journey, lotim_regency_official, ministry_official, django_capture_on_commit_callbacks
):
    """A re-check runs all its rules as one statement: each rule still opens, keeps and resolves
    its own flags, with their history, and a new high-severity flag still notifies."""
    recheck({"village_report": [unmatched_departure.pk]})
    report_flag = Flag.objects.get(rule_code="VILLAGE_DEPARTURE_UNMATCHED", subject_id=unmatched_departure.pk)
    assert report_flag.status == "open" and report_flag.severity == "high"
    assert set(Notification.objects.filter(flag=report_flag).values_list("user__username", flat=True)) == {
        "kab.lotim", "kementerian"
    }  # fmt: skip

    unmatched_departure.occurred_on = TODAY - timedelta(days=2)  # inside the grace period now
    unmatched_departure.save()
    placement = journey.placement
    Placement.objects.filter(pk=placement.pk).update(contract_salary=Decimal("1"))
    with django_capture_on_commit_callbacks(execute=True):
        results = recheck({"village_report": [unmatched_departure.pk], "placement": [placement.pk]})

    assert results["VILLAGE_DEPARTURE_UNMATCHED"] == {"new": 0, "still_open": 0, "resolved": 1}
    assert results["SALARY_BELOW_ORDER"] == {"new": 1, "still_open": 0, "resolved": 0}
    assert results["BROKER_REPORTED"] == {"new": 0, "still_open": 0, "resolved": 0}  # ran, found nothing
    report_flag.refresh_from_db()
    assert report_flag.status == FlagStatus.RESOLVED
    assert list(report_flag.events.order_by("id").values_list("to_status", flat=True)) == ["open", "resolved"]
    salary_flag = Flag.objects.get(rule_code="SALARY_BELOW_ORDER", subject_id=placement.pk, status="open")
    assert salary_flag.evidence["contract_salary"] == 1
    assert list(salary_flag.events.values_list("to_status", flat=True)) == ["open"]

    again = recheck({"village_report": [unmatched_departure.pk], "placement": [placement.pk]})
    assert again["SALARY_BELOW_ORDER"] == {"new": 0, "still_open": 1, "resolved": 0}
    assert Flag.objects.filter(rule_code="SALARY_BELOW_ORDER", status="open").count() == 1


def test_high_severity_flags_notify_the_officials_of_the_area_only(
    unmatched_departure, lotim_regency_official, ntt_regency_official, ministry_official,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        full_scan()
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"kab.lotim", "kementerian"}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([lotim_regency_official.email, ministry_official.email])
    assert ntt_regency_official.email not in recipients


def test_triage_confirm_dismiss_and_scope(unmatched_departure, lotim_regency_official, ntt_regency_official):
    full_scan()
    flag = Flag.objects.get(rule_code="VILLAGE_DEPARTURE_UNMATCHED")
    with translation.override("en"), pytest.raises(DomainError) as refused:
        flag_decide(actor=ntt_regency_official, flag_id=flag.pk, to_status=FlagStatus.IN_REVIEW)
    assert refused.value.code == "not_found"  # another regency's flag does not exist for them

    flag_assign(actor=lotim_regency_official, flag_id=flag.pk, assignee=lotim_regency_official)
    flag_decide(actor=lotim_regency_official, flag_id=flag.pk, to_status=FlagStatus.IN_REVIEW)
    with pytest.raises(DomainError) as refused:
        flag_decide(actor=lotim_regency_official, flag_id=flag.pk, to_status=FlagStatus.DISMISSED, reason=" ")
    assert refused.value.code == "reason_required"
    flag = flag_decide(
        actor=lotim_regency_official, flag_id=flag.pk, to_status=FlagStatus.DISMISSED,
        reason="Sudah dikonfirmasi: berangkat umrah, kembali minggu lalu",
    )  # fmt: skip
    assert flag.status == FlagStatus.DISMISSED
    assert list(FlagEvent.objects.filter(flag=flag).values_list("to_status", flat=True)) == [
        "open", "open", "in_review", "dismissed",
    ]  # fmt: skip
    full_scan()  # the condition still holds, but a dismissal stands and no second flag opens
    assert Flag.objects.filter(rule_code="VILLAGE_DEPARTURE_UNMATCHED").count() == 1
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.DISMISSED


def test_agency_staff_never_see_flags(unmatched_departure, agency_a_staff):
    full_scan()
    assert Flag.objects.exists()
    assert not Flag.objects.visible_to(agency_a_staff).exists()


# --- Placement facts ---------------------------------------------------------------------------


def test_a_recheck_does_not_wait_while_a_full_scan_refills_the_placement_facts(journey):
    """A full scan empties and refills the facts table under an exclusive lock for seconds at
    national scale; the re-check that follows every write must not queue behind it."""
    placement = journey.placement
    Placement.objects.filter(pk=placement.pk).update(contract_salary=Decimal("1"))
    scan = connections.create_connection("default")
    try:
        scan.set_autocommit(False)
        with scan.cursor() as cursor:
            cursor.execute("TRUNCATE oversight_placementfacts")  # the scan's refill, not committed yet
        with connections["default"].cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        recheck({"placement": [placement.pk]})
    finally:
        scan.rollback()
        scan.close()
    flag = Flag.objects.get(rule_code="SALARY_BELOW_ORDER", subject_id=placement.pk)
    assert flag.evidence["contract_salary"] == 1


def test_a_full_scan_judges_placements_by_facts_of_the_moment_it_began(journey):
    placement = journey.placement
    Placement.objects.filter(pk=placement.pk).update(contract_salary=Decimal("1"))
    full_scan()
    assert Flag.objects.filter(rule_code="SALARY_BELOW_ORDER", subject_id=placement.pk, status="open").exists()
    Placement.objects.filter(pk=placement.pk).update(contract_salary=placement.job_order.salary)
    full_scan()  # the facts are computed again: the flag resolves
    flag = Flag.objects.get(rule_code="SALARY_BELOW_ORDER", subject_id=placement.pk)
    assert flag.status == FlagStatus.RESOLVED


def test_the_facts_a_scan_makes_have_the_columns_and_types_a_recheck_reads(journey):
    full_scan()
    columns = """SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
                 WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"""
    with connections["default"].cursor() as cursor:
        cursor.execute(columns, ["oversight_placementfacts"])
        table = cursor.fetchall()
        cursor.execute(columns, ["oversight_placementfacts_row"])
        row_type = cursor.fetchall()
    assert table == row_type
