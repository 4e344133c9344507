from datetime import timedelta

import pytest
from django.utils import timezone

from siskop2mi.errors import DomainError
from villages.models import Village, VillageReport
from villages.services import village_report_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def tanjung_luar():
    return Village.objects.get(code="52.03.01.2001")


def test_a_departure_seen_is_recorded(village_officer, tanjung_luar):
    report = village_report_create(
        actor=village_officer, village=tanjung_luar, kind="departure_seen", occurred_on=TODAY,
        person_nik="5203015204990003", person_name="Baiq Rohani", details="Berangkat lewat Batam bersama calo",
    )  # fmt: skip
    assert report.reported_by == village_officer
    assert list(VillageReport.objects.visible_to(village_officer)) == [report]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "departure_seen", "occurred_on": TODAY + timedelta(days=1), "person_name": "X"}, "date_in_future"),
        ({"kind": "departure_seen", "occurred_on": TODAY, "person_nik": "123"}, "nik_format"),
        ({"kind": "departure_seen", "occurred_on": TODAY}, "person_missing"),
        ({"kind": "rumour", "occurred_on": TODAY, "person_name": "X"}, "invalid_kind"),
    ],
)
def test_bad_reports_are_refused_and_not_written(village_officer, tanjung_luar, fields, code):
    with pytest.raises(DomainError) as refused:
        village_report_create(actor=village_officer, village=tanjung_luar, **fields)
    assert refused.value.code == code
    assert not VillageReport.objects.exists()


def test_a_suspected_recruiter_needs_no_person(village_officer, tanjung_luar, ntt_regency_official):
    report = village_report_create(
        actor=village_officer, village=tanjung_luar, kind="suspected_recruiter", occurred_on=TODAY,
        details="Orang luar menawarkan kerja di Malaysia tanpa biaya",
    )  # fmt: skip
    assert report.pk
    assert not VillageReport.objects.visible_to(ntt_regency_official).exists()
