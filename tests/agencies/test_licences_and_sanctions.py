"""A placement company's licence (SIP3MI): sanctions imposed by the ministry, and expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency, Sanction
from agencies.services import agency_expire_licences, agency_sanction
from agencies.tasks import expire_licences
from core.roles import Role
from recruitment.models import Occupation
from recruitment.services import job_order_create
from tests.factories import AgencyFactory, UserFactory
from tests.placement.journey import license_agency, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def sanction(actor, agency, kind, reason="Menahan paspor pekerja migran", **dates):
    today = timezone.localdate()
    return agency_sanction(
        actor=actor,
        agency_id=agency.pk,
        kind=kind,
        reason=reason,
        starts_on=dates.get("starts_on", today),
        ends_on=dates.get("ends_on"),
    )


def status_of(agency) -> str:
    return Agency.objects.get(pk=agency.pk).licence_status


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (SanctionKind.SUSPENSION, LicenceStatus.SUSPENDED),
        (SanctionKind.REVOCATION, LicenceStatus.REVOKED),
        (SanctionKind.WARNING, LicenceStatus.ACTIVE),
    ],
)
def test_a_sanction_is_recorded_and_sets_the_licence_status(ministry_official, licensed_agency, kind, status):
    imposed = sanction(
        ministry_official,
        licensed_agency,
        kind,
        reason="  Memungut biaya dari PMI sektor zero cost  ",
        ends_on=timezone.localdate() + timedelta(days=90),
    )

    assert status_of(licensed_agency) == status
    stored = Sanction.objects.get(pk=imposed.pk)
    assert (stored.agency, stored.kind, stored.reason, stored.imposed_by) == (
        licensed_agency,
        kind,
        "Memungut biaya dari PMI sektor zero cost",
        ministry_official,
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_sanction_without_a_reason_is_refused(ministry_official, licensed_agency, reason):
    error = refused(sanction, ministry_official, licensed_agency, SanctionKind.SUSPENSION, reason=reason)

    assert error.code == "reason_required"
    assert str(error) == "A reason is required."
    assert error.fields == {"reason": ["A reason is required."]}
    assert not Sanction.objects.exists()
    assert status_of(licensed_agency) == LicenceStatus.ACTIVE


def test_a_revoked_licence_takes_no_further_sanction(ministry_official, licensed_agency):
    sanction(ministry_official, licensed_agency, SanctionKind.REVOCATION)

    error = refused(sanction, ministry_official, licensed_agency, SanctionKind.SUSPENSION)

    assert (error.code, str(error)) == ("licence_revoked", "The licence is already revoked.")
    assert Sanction.objects.count() == 1
    assert status_of(licensed_agency) == LicenceStatus.REVOKED


def test_a_suspension_can_follow_a_warning(ministry_official, licensed_agency):
    sanction(ministry_official, licensed_agency, SanctionKind.WARNING)
    sanction(ministry_official, licensed_agency, SanctionKind.SUSPENSION)
    assert status_of(licensed_agency) == LicenceStatus.SUSPENDED
    assert list(Sanction.objects.order_by("id").values_list("kind", flat=True)) == ["warning", "suspension"]


def test_a_sanction_cannot_end_before_it_starts(ministry_official, licensed_agency):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        sanction(ministry_official, licensed_agency, SanctionKind.SUSPENSION, ends_on=today - timedelta(days=1))
    assert not Sanction.objects.exists()
    assert status_of(licensed_agency) == LicenceStatus.ACTIVE


# --- Expiry -------------------------------------------------------------------------------


@pytest.fixture
def licences(db):
    """Companies whose licences end on different days."""
    today = timezone.localdate()

    def company(name, expires_in_days, status=LicenceStatus.ACTIVE):
        agency = license_agency(AgencyFactory(name=name))
        expires_on = today + timedelta(days=expires_in_days)
        Agency.objects.filter(pk=agency.pk).update(
            licence_issued_on=expires_on - timedelta(days=5 * 365), licence_expires_on=expires_on, licence_status=status
        )
        return agency

    return {
        "ended_yesterday": company("PT Lewat Masa", -1),
        "ended_long_ago": company("PT Lama Sekali", -400),
        "ends_today": company("PT Hari Terakhir", 0),
        "ends_next_year": company("PT Masih Berlaku", 365),
        "suspended_and_ended": company("PT Dibekukan", -10, LicenceStatus.SUSPENDED),
    }


def test_expired_licences_are_flipped_and_a_second_run_changes_nothing(licences):
    assert agency_expire_licences() == 2

    assert {name: status_of(agency) for name, agency in licences.items()} == {
        "ended_yesterday": LicenceStatus.EXPIRED,
        "ended_long_ago": LicenceStatus.EXPIRED,
        "ends_today": LicenceStatus.ACTIVE,  # valid through its last day
        "ends_next_year": LicenceStatus.ACTIVE,
        "suspended_and_ended": LicenceStatus.SUSPENDED,  # a sanction is not overwritten
    }

    assert agency_expire_licences() == 0
    assert status_of(licences["ended_yesterday"]) == LicenceStatus.EXPIRED


def test_the_nightly_task_does_the_same(licences):
    assert expire_licences.apply().get() == 2  # run in-process, as the worker would
    assert expire_licences.apply().get() == 0


def test_the_licence_ending_today_expires_tomorrow(licences):
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert agency_expire_licences(today=tomorrow) == 3
    assert status_of(licences["ends_today"]) == LicenceStatus.EXPIRED


def test_a_company_without_an_expiry_date_is_left_alone(db):
    open_ended = AgencyFactory(name="PT Tanpa Tanggal")
    assert agency_expire_licences() == 0
    assert status_of(open_ended) == LicenceStatus.ACTIVE


def test_an_expired_licence_stops_new_job_orders(licences, malaysian_factory):
    agency_expire_licences()
    expired = Agency.objects.get(pk=licences["ended_yesterday"].pk)
    its_staff = UserFactory(role=Role.AGENCY_STAFF, agency=expired)
    error = refused(
        job_order_create,
        actor=its_staff,
        agency=expired,
        employer=malaysian_factory,
        occupation=Occupation.objects.get(code="factory_operator"),
        quota=5,
        salary=Decimal("1800"),
        currency="MYR",
        contract_months=24,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
    )
    assert (error.code, str(error)) == ("licence_inactive", "The company's licence is expired.")
