"""A broker (calo) reported by village officers is matched against the registered field
recruiters by phone number and name. A broker no recruiter of a licensed company matches, or one
reported again and again, is flagged once, on the first report of that broker, with every report
as evidence. Two officers reporting one departure are one event: one flag, two sources."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Role
from agencies.models import FieldRecruiter
from core.recheck import RECHECK_TASK
from oversight.engine import full_scan, recheck
from oversight.evidence import describe_evidence, describe_subject
from oversight.models import Flag
from oversight.selectors import recruiters_matching_broker
from oversight.tasks import recheck_subjects
from siskop2mi.celery import app
from tests.factories import AgencyFactory, UserFactory
from villages.models import Village, VillageReport
from villages.services import village_report_close, village_report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TODAY = timezone.localdate()
TANJUNG_LUAR = "52.03.01.2001"


@pytest.fixture
def rechecks_on(settings, django_capture_on_commit_callbacks):
    """Re-checks on write, run here (Celery eager) when each write's transaction commits."""
    settings.OVERSIGHT_RECHECK_ON_WRITE = True
    assert app.tasks[RECHECK_TASK].name == recheck_subjects.name

    @contextmanager
    def committed():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    app.conf.task_always_eager = True
    try:
        yield committed
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def other_village():
    """Another village of Lombok Timur, far from Tanjung Luar."""
    return Village.objects.filter(code__startswith="52.03.").exclude(code__startswith="52.03.01.").first()


@pytest.fixture
def other_officer(other_village):
    return UserFactory(username="desa.lain", role=Role.VILLAGE_OFFICER, village=other_village)


@pytest.fixture
def registered_recruiter(licensed_agency):
    return FieldRecruiter.objects.create(agency=licensed_agency, full_name="Budi Santoso", phone="+62 812-1111-2222")


def broker_report(officer, days_ago: int, **facts) -> VillageReport:
    return village_report_create(
        actor=officer,
        village=officer.village,
        kind="suspected_recruiter",
        occurred_on=TODAY - timedelta(days=days_ago),
        **facts,
    )


def broker_flags() -> list[Flag]:
    return list(Flag.objects.filter(rule_code="BROKER_REPORTED").exclude(status="resolved"))


def facts_in_words(flag: Flag) -> dict[str, str]:
    return {fact.label: fact.value for fact in describe_evidence(flag.rule_code, flag.evidence)}


def test_a_broker_reported_in_two_villages_with_an_unknown_phone_is_flagged_once_on_the_first_report(
    rechecks_on, village_officer, other_officer, other_village, registered_recruiter
):
    with rechecks_on():
        first = broker_report(
            village_officer, 10, broker_name="Pak Rudi", broker_phones=["0813 5555 0001"], claimed_company="PT Maju"
        )
    with rechecks_on():
        second = broker_report(
            other_officer, 3, broker_nickname="Rudi Calo", broker_phones=["+62 813-5555-0001"], seen_at_place="Pasar"
        )

    [flag] = broker_flags()
    assert (flag.subject_type, flag.subject_id, flag.severity) == ("village_report", first.pk, "high")
    assert flag.area_code == TANJUNG_LUAR
    evidence = flag.evidence
    assert [report["id"] for report in evidence["reports"]] == [first.pk, second.pk]
    assert [report["village_name"] for report in evidence["reports"]] == ["Tanjung Luar", other_village.name]
    assert evidence["villages"] == 2 and evidence["report_count"] == 2
    assert evidence["phones"] == ["081355550001"]
    assert evidence["names"] == ["Pak Rudi"] and evidence["nicknames"] == ["Rudi Calo"]
    assert evidence["claimed_companies"] == ["PT Maju"]
    assert evidence["recruiter"] is None

    words = facts_in_words(flag)
    assert "Tanjung Luar" in words["Reports"] and other_village.name in words["Reports"]
    assert words["Villages that reported them"] == "2"
    assert words["Registered recruiter with this phone number or name"].startswith("none")
    subject = describe_subject(flag)
    assert subject.label == "Suspected broker Pak Rudi, reported by the village of Tanjung Luar"


def test_a_report_sent_late_joins_the_group_and_the_flag_stays_on_the_first_report(
    rechecks_on, village_officer, other_officer
):
    with rechecks_on():
        first = broker_report(village_officer, 5, broker_name="Pak Rudi")
    # Written earlier on a phone without signal, arriving now; the name in another case.
    with rechecks_on():
        late = broker_report(other_officer, 20, broker_name="  pak  RUDI ")

    [flag] = broker_flags()
    assert flag.subject_id == first.pk
    assert [report["id"] for report in flag.evidence["reports"]] == [late.pk, first.pk]  # by date seen


def test_a_report_linking_two_reported_brokers_leaves_one_flag(rechecks_on, village_officer, other_officer):
    with rechecks_on():
        by_phone = broker_report(village_officer, 9, broker_phones=["081355550001"], details="Naik motor merah")
        by_name = broker_report(other_officer, 8, broker_name="Pak Rudi")
    assert sorted(flag.subject_id for flag in broker_flags()) == [by_phone.pk, by_name.pk]  # two brokers, so far

    with rechecks_on():
        linking = broker_report(other_officer, 1, broker_name="Pak Rudi", broker_phones=["081355550001"])

    [flag] = broker_flags()
    assert flag.subject_id == by_phone.pk
    assert {report["id"] for report in flag.evidence["reports"]} == {by_phone.pk, by_name.pk, linking.pk}
    full_scan()  # the whole-table scan agrees with the re-checks
    assert [(flag.subject_id, flag.evidence["report_count"]) for flag in broker_flags()] == [(by_phone.pk, 3)]


def test_a_registered_recruiter_of_a_licensed_company_reported_once_is_not_flagged(
    rechecks_on, village_officer, registered_recruiter
):
    with rechecks_on():
        report = broker_report(village_officer, 2, broker_name="Orang PT", broker_phones=["+62 812-1111-2222"])
    assert broker_flags() == []
    assert recruiters_matching_broker(report) == [registered_recruiter]


def test_a_registered_recruiter_reported_twice_is_flagged_with_the_recruiter_named(
    rechecks_on, village_officer, other_officer, registered_recruiter, licensed_agency
):
    with rechecks_on():
        first = broker_report(village_officer, 6, broker_phones=["081211112222"])
        second = broker_report(other_officer, 2, broker_name="budi santoso")  # by name alone: no phone shared

    assert recruiters_matching_broker(second) == [registered_recruiter]
    [flag] = broker_flags()
    assert flag.subject_id == first.pk
    # One by phone, one by name: the recruiter they both name makes them reports of one person.
    assert flag.evidence["recruiter"] == {
        "name": "Budi Santoso",
        "company": licensed_agency.name,
        "licence_status": "active",
    }
    assert facts_in_words(flag)["Registered recruiter with this phone number or name"] == (
        f"Budi Santoso (company: {licensed_agency.name}, licence: Active)"
    )


def test_a_recruiter_of_a_company_without_an_active_licence_is_flagged_at_once(rechecks_on, village_officer):
    lapsed = AgencyFactory(name="PT Izin Habis", licence_status="expired")
    FieldRecruiter.objects.create(agency=lapsed, full_name="Pak Sponsor", phone="081299990000")
    with rechecks_on():
        broker_report(village_officer, 2, broker_phones=["081299990000"])
    [flag] = broker_flags()
    assert flag.evidence["recruiter"]["licence_status"] == "expired"


def test_closed_reports_and_second_sources_do_not_count(
    rechecks_on, village_officer, other_officer, registered_recruiter, lotim_regency_official
):
    with rechecks_on():
        first = broker_report(village_officer, 6, broker_phones=["081211112222"])
        second = broker_report(other_officer, 2, broker_phones=["081211112222"])
    [flag] = broker_flags()

    village_report_close(actor=lotim_regency_official, report_id=first.pk, note="Sudah ditegur; petugas resmi PT")
    recheck({"village_report": [first.pk]})  # the closed report's own re-check re-checks its group
    assert broker_flags() == []
    assert Flag.objects.get(pk=flag.pk).status == "resolved"

    third = broker_report(village_officer, 1, broker_phones=["081211112222"])
    full_scan()
    assert [flag.subject_id for flag in broker_flags()] == [second.pk]  # second and third: reported twice
    VillageReport.objects.filter(pk=third.pk).update(same_event_as=second)
    full_scan()
    assert broker_flags() == []


def test_the_selector_matches_by_phone_or_name_and_only_recruiters_of_a_company(village_officer, licensed_agency):
    calo = FieldRecruiter.objects.create(full_name="Pak Rudi", phone="081355550001")  # registered to no company
    officer_of_pt = FieldRecruiter.objects.create(agency=licensed_agency, full_name="Rudi  Hartono", phone="")
    report = broker_report(village_officer, 1, broker_name="rudi hartono", broker_phones=["081355550001"])
    assert recruiters_matching_broker(report) == [officer_of_pt]
    assert calo not in recruiters_matching_broker(report)
    assert recruiters_matching_broker(broker_report(village_officer, 1, details="Orang asing menawarkan kerja")) == []


# --- VILLAGE_DEPARTURE_UNMATCHED: one event, however many officers saw it -------------------


def test_two_officers_reporting_one_departure_raise_one_flag_with_two_sources(rechecks_on, village_officer):
    colleague = UserFactory(
        username="desa.tanjungluar.2", role=Role.VILLAGE_OFFICER, village=Village.objects.get(code=TANJUNG_LUAR)
    )
    seen = {"kind": "departure_seen", "person_name": "Halimah", "village": village_officer.village}
    with rechecks_on():
        first = village_report_create(actor=village_officer, occurred_on=TODAY - timedelta(days=30), **seen)
    with rechecks_on():
        second = village_report_create(actor=colleague, occurred_on=TODAY - timedelta(days=29), **seen)
    assert second.same_event_as_id == first.pk

    [flag] = Flag.objects.filter(rule_code="VILLAGE_DEPARTURE_UNMATCHED")
    assert flag.subject_id == first.pk
    assert flag.evidence["sources"] == 2
    assert facts_in_words(flag)["Officers who reported it"] == "2"
    full_scan()
    assert Flag.objects.filter(rule_code="VILLAGE_DEPARTURE_UNMATCHED").exclude(status="resolved").count() == 1


def test_a_closed_departure_report_is_not_flagged(village_officer, lotim_regency_official):
    report = village_report_create(
        actor=village_officer, village=village_officer.village, kind="departure_seen",
        occurred_on=TODAY - timedelta(days=30), person_name="Halimah",
    )  # fmt: skip
    full_scan()
    assert Flag.objects.filter(rule_code="VILLAGE_DEPARTURE_UNMATCHED", status="open").count() == 1
    village_report_close(actor=lotim_regency_official, report_id=report.pk, note="Umrah, sudah kembali")
    full_scan()
    assert not Flag.objects.filter(rule_code="VILLAGE_DEPARTURE_UNMATCHED").exclude(status="resolved").exists()
