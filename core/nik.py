"""The NIK (Nomor Induk Kependudukan) format, pure: how its digits encode a district,
a birth date and sex, and how such a number is composed. No database here; checking
that the district exists is villages.nik's ``parse_nik``.

Layout: PPRRDD (province, regency, district of issue) DDMMYY (birth date, 40 added to
the day for women) SSSS (serial). See DOMAIN.md.
"""

from __future__ import annotations

import re
from datetime import date

NIK_PATTERN = re.compile(r"^\d{16}$")
FEMALE, MALE = "F", "M"
FEMALE_DAY_OFFSET = 40


def district_code(nik: str) -> str:
    """The district of issue as an area code, e.g. "52.03.01"."""
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


def birth_date_and_sex(nik: str, today: date) -> tuple[date, str]:
    """The birth date and sex digits 7 to 12 encode; ValueError when they are no real date."""
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = MALE
    if day > FEMALE_DAY_OFFSET:
        day, sex = day - FEMALE_DAY_OFFSET, FEMALE
    # Two-digit years: the latest century that does not put the birth in the future.
    try:
        recent = date(2000 + year2, month, day)
    except ValueError:
        recent = None  # 29 February exists in one century and not the other
    if recent is not None and recent <= today:
        return recent, sex
    return date(1900 + year2, month, day), sex  # ValueError when impossible


def compose_nik(*, district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """The NIK issued in ``district_code`` ("52.03.01" or "520301") to a person of this birth
    date and sex ("F" or "M"; women have 40 added to the day) with this serial (1 to 9999)."""
    district = district_code.replace(".", "")
    if not re.fullmatch(r"\d{6}", district):
        raise ValueError(f"not a district code: {district_code!r}")
    if sex not in (FEMALE, MALE):
        raise ValueError(f"sex must be {FEMALE!r} or {MALE!r}, not {sex!r}")
    if not 0 <= serial <= 9999:
        raise ValueError(f"a NIK serial has four digits, not {serial}")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == FEMALE else 0)
    return f"{district}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def personal_number_columns(nik: str, *, prefix: str = "nik", today: date | None = None) -> dict:
    """What a row keeps beside an encrypted NIK, computed here only (ARCHITECTURE rule 10): the
    keyed hash (equality, duplicates, joins), and what set-based rules and masking read without
    decrypting: the district of issue (6 digits), the birth date (None when the digits are no real
    date) and sex the NIK encodes, its last four digits. ``prefix`` names the columns
    (``nik_hash``...). The birth date's century is judged on ``today`` (default: the date of the write)."""
    from .clock import today as clock_today
    from .crypto import keyed_hash

    nik = nik or ""
    columns = {f"{prefix}_hash": keyed_hash(nik), f"{prefix}_last4": nik[-4:]}
    if not NIK_PATTERN.fullmatch(nik):
        return columns | {f"{prefix}_district": "", f"{prefix}_birth_date": None, f"{prefix}_sex": ""}
    try:
        birth_date, sex = birth_date_and_sex(nik, today or clock_today())
    except ValueError:
        birth_date, sex = None, (FEMALE if int(nik[6:8]) > FEMALE_DAY_OFFSET else MALE)
    return columns | {f"{prefix}_district": nik[:6], f"{prefix}_birth_date": birth_date, f"{prefix}_sex": sex}
