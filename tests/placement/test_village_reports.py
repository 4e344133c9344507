"""What village officers record: who intends to go, who left, who came back, suspected brokers.

A reported departure is later matched against placements (VILLAGE_DEPARTURE_UNMATCHED), so
the report must name a person the portal can recognise.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.placement.journey import refused
from villages.models import VillageReport, VillageReportKind
from villages.services import village_report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ROHANI_NIK = "5203015204980001"


def report(officer, **overrides):
    fields = {
        "actor": officer,
        "village": officer.village,
        "kind": VillageReportKind.DEPARTURE_SEEN,
        "occurred_on": timezone.localdate() - timedelta(days=2),
        "person_nik": ROHANI_NIK,
        "person_name": "Baiq Rohani",
        "details": "Berangkat malam hari dijemput mobil dari Mataram",
    }
    return village_report_create(**{**fields, **overrides})


def test_a_departure_seen_is_recorded(village_officer):
    recorded = report(village_officer, person_name="  Baiq Rohani ")

    stored = VillageReport.objects.get(pk=recorded.pk)
    assert (stored.village_id, stored.kind, stored.person_nik, stored.person_name, stored.reported_by) == (
        "52.03.01.2001",
        VillageReportKind.DEPARTURE_SEEN,
        ROHANI_NIK,
        "Baiq Rohani",
        village_officer,
    )


def test_a_report_may_name_the_person_without_a_nik(village_officer):
    assert report(village_officer, person_nik="", kind=VillageReportKind.RETURN_SEEN).person_name == "Baiq Rohani"


def test_a_suspected_broker_may_be_reported_without_naming_anyone(village_officer):
    recorded = report(
        village_officer,
        kind=VillageReportKind.SUSPECTED_RECRUITER,
        person_nik="",
        person_name="",
        details="Orang luar desa menawarkan kerja ke Arab Saudi tanpa biaya",
    )
    assert recorded.kind == VillageReportKind.SUSPECTED_RECRUITER


def test_something_seen_today_may_be_reported_today(village_officer):
    assert report(village_officer, occurred_on=timezone.localdate()).pk


def test_a_date_in_the_future_is_refused(village_officer):
    error = refused(report, village_officer, occurred_on=timezone.localdate() + timedelta(days=1))

    assert error.code == "date_in_future"
    assert str(error) == "The date cannot be in the future."
    assert error.fields == {"occurred_on": ["The date cannot be in the future."]}
    assert not VillageReport.objects.exists()


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("52030152", "nik_format"),
        ("9999015204980001", "nik_district_unknown"),
        ("5203019904980001", "nik_birth_date_invalid"),
    ],
)
def test_a_malformed_nik_is_refused(village_officer, nik, code):
    error = refused(report, village_officer, person_nik=nik)
    assert error.code == code
    assert "NIK" in str(error)
    assert not VillageReport.objects.exists()


@pytest.mark.parametrize(
    "kind",
    [VillageReportKind.DEPARTURE_SEEN, VillageReportKind.INTENT, VillageReportKind.DEATH_OR_REPATRIATION],
)
def test_a_report_about_a_person_must_name_them(village_officer, kind):
    error = refused(report, village_officer, kind=kind, person_nik="", person_name="   ")

    assert error.code == "person_missing"
    assert str(error) == "Give the person's NIK or name."
    assert not VillageReport.objects.exists()


def test_an_unknown_kind_is_refused(village_officer):
    error = refused(report, village_officer, kind="gossip")
    assert (error.code, str(error)) == ("invalid_kind", "Choose what is being reported.")
    assert not VillageReport.objects.exists()


def test_a_nik_typed_with_spaces_is_stored_without_them(village_officer):
    recorded = report(village_officer, person_nik=f" {ROHANI_NIK}")
    assert VillageReport.objects.get(pk=recorded.pk).person_nik == ROHANI_NIK
