"""Registering a candidate: the NIK must be real and agree with the birth date and sex entered."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from recruitment.choices import RegistrationChannel
from recruitment.models import Registration, Worker
from recruitment.services import worker_register
from tests.placement.journey import TANJUNG_LUAR, nik_for, refused
from villages.models import Village

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

BORN = date(1998, 4, 12)
ROHANI_NIK = "5203015204980001"  # Keruak 52.03.01; 52 = 12 + 40 (a woman); April 1998; serial 0001


def register(actor, **overrides):
    fields = {
        "actor": actor,
        "nik": ROHANI_NIK,
        "full_name": "Baiq Rohani",
        "sex": "F",
        "birth_date": BORN,
        "birth_place": "Selong",
        "village": Village.objects.get(code=TANJUNG_LUAR),
        "education": "smp",
        "marital_status": "married",
        "next_of_kin_name": "Lalu Hamdan",
        "next_of_kin_relation": "suami",
        "family_consent_on": timezone.localdate() - timedelta(days=7),
        # A company's staff register for their company, with the candidate's consent.
        "agency": actor.agency,
        "consent_on": timezone.localdate() - timedelta(days=1) if actor.agency_id else None,
    }
    return worker_register(**{**fields, **overrides})


IDENTITY_MISMATCH = (
    "The NIK does not agree with the full name, birth date and sex entered. Check them against the identity card (KTP)."
)


def test_a_worker_is_registered_with_what_the_nik_encodes(agency_a_staff, agency_a):
    assert nik_for(BORN, "F") == ROHANI_NIK

    worker = register(agency_a_staff, agency=agency_a)

    worker = Worker.objects.get(pk=worker.pk)
    assert (worker.nik, worker.sex, worker.birth_date, worker.village_id, worker.agency) == (
        ROHANI_NIK,
        "F",
        BORN,
        TANJUNG_LUAR,
        agency_a,
    )
    assert worker.masked_nik == "************0001"


def test_a_man_nik_has_the_plain_day(agency_a_staff):
    worker = register(agency_a_staff, nik="5203011204980002", sex="M", full_name="Lalu Rohman")
    assert (worker.sex, worker.birth_date) == ("M", BORN)


def test_spaces_around_the_nik_are_dropped(agency_a_staff):
    assert register(agency_a_staff, nik=f"  {ROHANI_NIK} ").nik == ROHANI_NIK


@pytest.mark.parametrize(
    ("nik", "code", "message"),
    [
        ("52030152049800", "nik_format", "A NIK must be exactly 16 digits."),
        ("52030152049800011", "nik_format", "A NIK must be exactly 16 digits."),
        ("52030152O4980001", "nik_format", "A NIK must be exactly 16 digits."),
        ("", "nik_format", "A NIK must be exactly 16 digits."),
        (
            "5299015204980001",
            "nik_district_unknown",
            "The first six digits of the NIK (529901) are not an existing district.",
        ),
        (
            "5203995204980001",
            "nik_district_unknown",
            "The first six digits of the NIK (520399) are not an existing district.",
        ),
        (
            "5203017204980001",
            "nik_birth_date_invalid",
            "Digits 7 to 12 of the NIK (720498) are not a real birth date.",
        ),
        (
            "5203015213980001",
            "nik_birth_date_invalid",
            "Digits 7 to 12 of the NIK (521398) are not a real birth date.",
        ),
        (
            "5203017002980001",
            "nik_birth_date_invalid",
            "Digits 7 to 12 of the NIK (700298) are not a real birth date.",
        ),
        (
            "5203010004980001",
            "nik_birth_date_invalid",
            "Digits 7 to 12 of the NIK (000498) are not a real birth date.",
        ),
    ],
    ids=[
        "too-short",
        "too-long",
        "a-letter",
        "empty",
        "no-such-regency",
        "no-such-district",
        "day-32-for-a-woman",
        "month-13",
        "30-february",
        "day-0",
    ],
)
def test_an_invalid_nik_is_refused_with_its_reason_and_nothing_is_written(agency_a_staff, nik, code, message):
    error = refused(register, agency_a_staff, nik=nik)

    assert error.code == code
    assert str(error) == message
    assert error.fields == {"nik": [message]}
    assert not Worker.objects.exists()


@pytest.mark.parametrize(
    "contradiction",
    [{"birth_date": date(1998, 4, 13)}, {"sex": "M"}, {"sex": "M", "birth_date": date(1999, 4, 12)}],
    ids=["birth-date", "sex", "both"],
)
def test_a_birth_date_or_sex_that_contradicts_the_nik_is_refused(agency_a_staff, contradiction):
    error = refused(register, agency_a_staff, **contradiction)

    assert error.code == "identity_mismatch"
    assert str(error) == IDENTITY_MISMATCH
    assert error.fields == {"nik": [IDENTITY_MISMATCH]}
    assert not Worker.objects.exists()


def test_a_registered_nik_with_another_name_gets_the_same_refusal(agency_a_staff, agency_b_staff):
    first = register(agency_a_staff)

    error = refused(register, agency_b_staff, full_name="Rohani binti Amaq")

    assert error.code == "identity_mismatch"
    assert str(error) == IDENTITY_MISMATCH and error.fields == {"nik": [IDENTITY_MISMATCH]}
    assert list(Worker.objects.values_list("pk", "full_name")) == [(first.pk, "Baiq Rohani")]
    assert list(first.registrations.values_list("agency__name", flat=True)) == ["PT Agensi A"]


def test_a_registered_nik_with_the_same_name_and_birth_date_is_the_same_person(agency_a_staff, agency_b_staff):
    first = register(agency_a_staff, phone="")

    again = register(agency_b_staff, full_name=" BAIQ   rohani", phone="0812 3456 789", education="sma")

    assert again.pk == first.pk and Worker.objects.count() == 1
    again.refresh_from_db()
    assert (again.full_name, again.education, again.phone) == ("Baiq Rohani", "smp", "0812 3456 789")
    assert sorted(again.registrations.values_list("agency__name", flat=True)) == ["PT Agensi A", "PT Agensi B"]


def test_a_regency_official_registers_only_people_of_the_regency(lotim_regency_official, ntt_regency_official):
    worker = register(lotim_regency_official)
    assert worker.registrations.get().channel == "regency"

    error = refused(register, ntt_regency_official, nik="5203015204980002")
    assert error.code == "village_outside_jurisdiction"
    assert Worker.objects.count() == 1


def test_a_village_officer_registers_people_of_their_own_village_only(village_officer):
    other = Village.objects.filter(district_id="52.03.01").exclude(code=TANJUNG_LUAR).order_by("code").first()

    assert refused(register, village_officer, village=other).code == "forbidden"
    assert not Worker.objects.exists()

    worker = register(village_officer)

    assert worker.village_id == TANJUNG_LUAR
    assert list(Registration.objects.filter(worker=worker).values_list("channel", flat=True)) == [
        RegistrationChannel.VILLAGE
    ]


def test_a_minor_may_be_registered_but_not_placed(agency_a_staff):
    # Registration records the person (the village may report them); placement refuses under 18.
    birth = timezone.localdate() - timedelta(days=16 * 365)
    worker = register(agency_a_staff, nik=nik_for(birth, "F", 3), birth_date=birth)
    assert worker.birth_date == birth


def test_a_nik_cannot_encode_a_birth_date_in_the_future(agency_a_staff):
    tomorrow = timezone.localdate() + timedelta(days=1)
    if tomorrow.year != timezone.localdate().year:
        pytest.skip("on 31 December no later day of this year exists")

    error = refused(register, agency_a_staff, nik=nik_for(tomorrow, "F", 9), birth_date=tomorrow)

    assert error.code in ("nik_birth_date_invalid", "identity_mismatch")
    assert not Worker.objects.exists()
