"""NIK (Nomor Induk Kependudukan): check it and read what it encodes.

Layout: PPRRDD (province, regency, district of issue) DDMMYY (birth date, 40
added to the day for women) SSSS (serial). See DOMAIN.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .models import District

NIK_PATTERN = re.compile(r"^\d{16}$")
FEMALE, MALE = "F", "M"


@dataclass(frozen=True)
class NikFacts:
    nik: str
    district: District
    birth_date: date
    sex: str  # "F" or "M"
    serial: str


def _district_code(nik: str) -> str:
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


def _birth_date(nik: str, today: date) -> tuple[date, str]:
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = MALE
    if day > 40:
        day, sex = day - 40, FEMALE
    # Two-digit years: the latest century that does not put the birth in the future.
    try:
        recent = date(2000 + year2, month, day)
    except ValueError:
        recent = None  # 29 February exists in one century and not the other
    if recent is not None and recent <= today:
        return recent, sex
    return date(1900 + year2, month, day), sex  # ValueError when impossible


def parse_nik(nik: str, *, today: date | None = None) -> NikFacts:
    """The facts a NIK encodes, or a DomainError naming the check that failed."""
    nik = (nik or "").strip()
    if not NIK_PATTERN.match(nik):
        raise DomainError(
            "nik_format", _("A NIK must be exactly 16 digits."), fields={"nik": [_("A NIK must be exactly 16 digits.")]}
        )
    code = _district_code(nik)
    district = District.objects.filter(code=code).first()
    if district is None:
        message = _("The first six digits of the NIK (%(code)s) are not an existing district.") % {"code": nik[:6]}
        raise DomainError("nik_district_unknown", message, fields={"nik": [message]})
    try:
        birth_date, sex = _birth_date(nik, today or timezone.localdate())
    except ValueError:
        message = _("Digits 7 to 12 of the NIK (%(digits)s) are not a real birth date.") % {"digits": nik[6:12]}
        raise DomainError("nik_birth_date_invalid", message, fields={"nik": [message]}) from None
    return NikFacts(nik=nik, district=district, birth_date=birth_date, sex=sex, serial=nik[12:])


def check_nik_matches(facts: NikFacts, *, birth_date: date | None, sex: str | None) -> None:
    """Refuse a record whose entered birth date or sex contradicts its NIK."""
    errors = {}
    if birth_date is not None and birth_date != facts.birth_date:
        errors["birth_date"] = [
            _("The birth date does not match the NIK, which encodes %(date)s.")
            % {"date": facts.birth_date.strftime("%d-%m-%Y")}
        ]
    if sex is not None and sex != facts.sex:
        errors["sex"] = [
            _("The sex does not match the NIK, which encodes %(sex)s.")
            % {"sex": _("female") if facts.sex == FEMALE else _("male")}
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError("nik_mismatch", first, fields=errors)
