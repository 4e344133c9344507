"""NIK (Nomor Induk Kependudukan): check it and read what it encodes.

The format itself (layout, decoding, composing one) is core.nik; this module adds
what needs the areas: the district of issue must exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from core.nik import FEMALE, MALE, NIK_PATTERN, birth_date_and_sex, district_code

from .models import District

__all__ = ["FEMALE", "MALE", "NikFacts", "check_nik_matches", "parse_nik"]


@dataclass(frozen=True)
class NikFacts:
    nik: str
    district: District
    birth_date: date
    sex: str  # "F" or "M"
    serial: str


def parse_nik(nik: str, *, today: date | None = None) -> NikFacts:
    """The facts a NIK encodes, or a DomainError naming the check that failed."""
    nik = (nik or "").strip()
    if not NIK_PATTERN.match(nik):
        raise InvalidInput(
            "nik_format", _("A NIK must be exactly 16 digits."), fields={"nik": [_("A NIK must be exactly 16 digits.")]}
        )
    code = district_code(nik)
    district = District.objects.filter(code=code).first()
    if district is None:
        message = _("The first six digits of the NIK (%(code)s) are not an existing district.") % {"code": nik[:6]}
        raise InvalidInput("nik_district_unknown", message, fields={"nik": [message]})
    try:
        birth_date, sex = birth_date_and_sex(nik, today or timezone.localdate())
    except ValueError:
        message = _("Digits 7 to 12 of the NIK (%(digits)s) are not a real birth date.") % {"digits": nik[6:12]}
        raise InvalidInput("nik_birth_date_invalid", message, fields={"nik": [message]}) from None
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
        raise InvalidInput("nik_mismatch", first, fields=errors)
