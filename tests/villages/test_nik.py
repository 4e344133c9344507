from datetime import date

import pytest
from django.utils import translation

from core.errors import DomainError
from villages.nik import FEMALE, MALE, check_nik_matches, parse_nik

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def test_male_nik_decodes_district_birth_date_and_sex():
    facts = parse_nik("5203011708950001", today=TODAY)  # Keruak, Lombok Timur; 17-08-1995
    assert facts.district.code == "52.03.01"
    assert facts.district.name == "Keruak"
    assert facts.birth_date == date(1995, 8, 17)
    assert facts.sex == MALE
    assert facts.serial == "0001"


def test_female_nik_has_forty_added_to_the_day():
    facts = parse_nik("5301045203040002", today=TODAY)  # day 52 = 12 + 40; 12-03-2004
    assert facts.birth_date == date(2004, 3, 12)
    assert facts.sex == FEMALE


def test_two_digit_year_never_lands_in_the_future():
    assert parse_nik("5203010101270001", today=TODAY).birth_date == date(1927, 1, 1)
    assert parse_nik("5203010101260001", today=TODAY).birth_date == date(2026, 1, 1)


@pytest.mark.parametrize(
    "nik",
    ["520301170895000", "52030117089500011", "52030117O8950001", "", "5203 0117 0895 0001"],
)
def test_not_sixteen_digits_is_refused_with_the_format_reason(nik):
    with pytest.raises(DomainError) as refused:
        parse_nik(nik, today=TODAY)
    assert refused.value.code == "nik_format"
    assert "16" in str(refused.value)


def test_unknown_district_is_refused_naming_the_digits():
    with pytest.raises(DomainError) as refused:
        parse_nik("5203991708950001", today=TODAY)  # district 52.03.99 does not exist
    assert refused.value.code == "nik_district_unknown"
    assert "520399" in str(refused.value)


@pytest.mark.parametrize(
    "nik",
    [
        "5203013102950001",  # 31 February
        "5203010013950001",  # day 0, month 13
        "5203017208950001",  # female day 32
        "5203012902950001",  # 29-02-1995, not a leap year
    ],
)
def test_impossible_birth_date_is_refused(nik):
    with pytest.raises(DomainError) as refused:
        parse_nik(nik, today=TODAY)
    assert refused.value.code == "nik_birth_date_invalid"
    assert nik[6:12] in str(refused.value)


def test_leap_day_is_a_real_date():
    assert parse_nik("5203016902960001", today=TODAY).birth_date == date(1996, 2, 29)


def test_reason_is_translated_to_indonesian():
    with translation.override("id"):
        with pytest.raises(DomainError) as refused:
            parse_nik("123", today=TODAY)
        assert str(refused.value) == "NIK harus terdiri dari tepat 16 angka."


def test_entered_birth_date_and_sex_must_match_the_nik():
    facts = parse_nik("5301045203040002", today=TODAY)
    check_nik_matches(facts, birth_date=date(2004, 3, 12), sex=FEMALE)
    with pytest.raises(DomainError) as refused:
        check_nik_matches(facts, birth_date=date(2004, 3, 13), sex=MALE)
    assert refused.value.code == "nik_mismatch"
    assert set(refused.value.fields) == {"birth_date", "sex"}
