"""The family's consent recorded by the village (issue 13, point 1): it meets the registration
requirement "family consent known to the village head" when a company later registers the same
person and places them, without anyone typing it again; without it, placement is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from placement import services as placement
from placement.choices import Stage
from recruitment.choices import RegistrationChannel
from recruitment.models import FamilyConsent, Registration
from recruitment.services import village_intent_record, worker_register
from tests.placement.journey import TANJUNG_LUAR, nik_for, refused, register_worker, select, years_before
from villages.models import Village

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

BORN = years_before(timezone.localdate(), 25) - timedelta(days=40)
NIK = nik_for(BORN, "F", 8)


def _village_records_intent(officer):
    today = timezone.localdate()
    return village_intent_record(
        actor=officer,
        village=officer.village,
        occurred_on=today,
        nik=NIK,
        full_name="Siti Aminah",
        sex="F",
        birth_date=BORN,
        birth_place="Selong",
        education="smp",
        marital_status="single",
        consenter_name="Inaq Saenah",
        consent_relation="parent",
        consent_given_on=today - timedelta(days=10),
        destination_country="MY",
        hoped_work="Operator pabrik",
    )


def test_the_family_consent_recorded_by_the_village_satisfies_the_registration_requirement(
    village_officer, agency_a_staff, licensed_agency, factory_job_order
):
    report = _village_records_intent(village_officer)
    consent = FamilyConsent.objects.get(village_report=report)

    # The company registers the same person without typing the family's consent again.
    worker = worker_register(
        actor=agency_a_staff,
        agency=licensed_agency,
        nik=NIK,
        full_name="Siti Aminah",
        sex="F",
        birth_date=BORN,
        birth_place="Selong",
        village=Village.objects.get(code=TANJUNG_LUAR),
        education="smp",
        marital_status="single",
        next_of_kin_name="Inaq Saenah",
        consent_on=timezone.localdate() - timedelta(days=1),
    )

    assert worker.pk == consent.worker_id
    assert worker.family_consent_on == consent.given_on
    channels = set(Registration.objects.filter(worker=worker).values_list("channel", flat=True))
    assert channels == {RegistrationChannel.VILLAGE, RegistrationChannel.COMPANY}
    placed = placement.placement_create(
        actor=agency_a_staff, application=select(agency_a_staff, worker, factory_job_order)
    )
    assert placed.stage == Stage.REGISTERED


def test_without_any_family_consent_the_placement_is_refused(agency_a_staff, licensed_agency, factory_job_order):
    worker = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=8, consent=False)

    error = refused(
        placement.placement_create, actor=agency_a_staff, application=select(agency_a_staff, worker, factory_job_order)
    )

    assert error.code == "family_consent_missing"
    assert str(error) == "The family consent acknowledged by the village head is missing."
