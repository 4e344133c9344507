from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency, Sanction
from agencies.services import agency_expire_licences, agency_sanction
from agencies.tasks import expire_licences
from siskop2mi.errors import DomainError

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_suspension_suspends_the_licence_and_is_recorded(ministry_official, agency_a):
    sanction = agency_sanction(
        actor=ministry_official, agency_id=agency_a.pk, kind=SanctionKind.SUSPENSION,
        reason="Menempatkan pekerja tanpa visa kerja", starts_on=TODAY, ends_on=TODAY + timedelta(days=90),
    )  # fmt: skip
    agency_a.refresh_from_db()
    assert agency_a.licence_status == LicenceStatus.SUSPENDED
    assert sanction.imposed_by == ministry_official


def test_a_sanction_needs_a_reason(ministry_official, agency_a):
    with pytest.raises(DomainError) as refused:
        agency_sanction(
            actor=ministry_official, agency_id=agency_a.pk, kind=SanctionKind.WARNING, reason=" ", starts_on=TODAY
        )
    assert refused.value.code == "reason_required"
    assert not Sanction.objects.exists()


def test_a_warning_leaves_the_licence_active(ministry_official, agency_a):
    agency_sanction(
        actor=ministry_official,
        agency_id=agency_a.pk,
        kind=SanctionKind.WARNING,
        reason="Laporan telat",
        starts_on=TODAY,
    )
    agency_a.refresh_from_db()
    assert agency_a.licence_status == LicenceStatus.ACTIVE


def test_expired_licences_flip_to_expired_once(agency_a, agency_b):
    Agency.objects.filter(pk=agency_a.pk).update(licence_expires_on=TODAY - timedelta(days=1))
    Agency.objects.filter(pk=agency_b.pk).update(licence_expires_on=TODAY + timedelta(days=1))
    assert agency_expire_licences() == 1
    assert expire_licences.run() == 0  # the beat task is idempotent
    assert Agency.objects.get(pk=agency_a.pk).licence_status == LicenceStatus.EXPIRED
    assert Agency.objects.get(pk=agency_b.pk).licence_status == LicenceStatus.ACTIVE
