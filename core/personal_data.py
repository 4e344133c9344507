"""Who may see a personal number (NIK, passport number) in full: decided here, once.

Lists, detail pages and exports all ask :func:`may_see_full_nik`; everyone else sees
the number masked (``************0001``). Officials of the ministry, a province or a
regency may see full numbers within their jurisdiction (their querysets are already
scoped); a company may see its own records' numbers; a village officer, an auditor,
a complaint officer and anyone else see them masked.
"""

from __future__ import annotations

from .permissions import may_see_full_nik as _may_see_full_nik

NIK_VISIBLE_DIGITS = 4
DOCUMENT_VISIBLE_DIGITS = 3
# "Records of the user's own company": what an export asks, since a company's querysets
# hold only its own records. An explicit None means a record that no company owns.
OWN_RECORDS = object()


def may_see_full_nik(user, *, agency_id=OWN_RECORDS) -> bool:
    """Whether ``user`` may see the full NIK or passport number of a record owned by ``agency_id``."""
    own_record = agency_id is OWN_RECORDS or (agency_id is not None and agency_id == getattr(user, "agency_id", None))
    return _may_see_full_nik(user, own_record=own_record)


def mask_number(value: str | None, visible: int = NIK_VISIBLE_DIGITS) -> str:
    """'5203011708950001' -> '************0001'."""
    if not value:
        return ""
    return "*" * max(len(value) - visible, 0) + value[-visible:]


def masked_nik_from_last_digits(last_digits: str) -> str:
    """'0001' -> '************0001': a NIK masked from the digits kept in clear, decrypting nothing."""
    return mask_number("*" * (16 - len(last_digits)) + last_digits)


def shown_nik(user, nik: str | None, *, agency_id=OWN_RECORDS) -> str:
    """The NIK as ``user`` may see it: in full or masked."""
    if may_see_full_nik(user, agency_id=agency_id):
        return nik or ""
    return mask_number(nik, NIK_VISIBLE_DIGITS)


def shown_document_number(user, number: str | None, *, agency_id=OWN_RECORDS) -> str:
    """A document number (passport) as ``user`` may see it, masked like ``Document.masked_number``."""
    if may_see_full_nik(user, agency_id=agency_id):
        return number or ""
    return mask_number(number, DOCUMENT_VISIBLE_DIGITS)


# Full numbers a request has shown, noted where they are rendered and written to the audit trail
# once per request (accounts.personal_number_audit): a list of fifty people is
# one audit row naming the fifty, and a number shown masked is never noted.
_SHOWN = "_full_personal_numbers_shown"


def note_full_numbers_shown(request, *, model_label: str, ids, field: str) -> None:
    """Record that ``request``'s response shows, in full, ``field`` of the ``model_label`` records ``ids``.

    ``request`` is a Django request or a DRF one (its Django request holds the note)."""
    if request is None:
        return
    request = getattr(request, "_request", request)
    shown = request.__dict__.setdefault(_SHOWN, {})
    record = shown.setdefault(model_label, {"ids": {}, "fields": {}})
    record["ids"].update(dict.fromkeys(ids))
    record["fields"][field] = None


def full_numbers_shown(request) -> list[dict]:
    """What :func:`note_full_numbers_shown` noted: ``[{"model", "ids", "fields"}]``, in the order shown."""
    shown = getattr(getattr(request, "_request", request), _SHOWN, {})
    return [
        {"model": label, "ids": list(record["ids"]), "fields": list(record["fields"])}
        for label, record in shown.items()
    ]
