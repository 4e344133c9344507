"""Filters that several FilterSets share (areas by code prefix, incremental sync, NIK).

Each app's ``filtersets.py`` declares one FilterSet per model; the HTML list, the
API viewset and the exports all use it, so a filter means the same everywhere.
A FilterSet also names the columns a list may be sorted by (``ordering_fields``):
the API's ordering parameter and the portal's sortable headers read it.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.scoping import within_area

area_code_validator = RegexValidator(
    r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$",
    _("Enter an area code such as 52, 52.03, 52.03.01 or 52.03.01.2001."),
)
nik_validator = RegexValidator(r"^[0-9]{16}$", _("A NIK must be exactly 16 digits."))


class AreaCodeFilter(django_filters.CharFilter):
    """Rows inside an area: its dotted code or any code below it (52.03 holds 52.03.01.2001)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [area_code_validator])
        kwargs.setdefault("label", _("Area code"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        # A foreign key's column ("village_id") takes no startswith; its target's pk (the
        # area code) does, and Django still reads the column without a join.
        field = self.field_name[: -len("_id")] + "__pk" if self.field_name.endswith("_id") else self.field_name
        return qs.filter(within_area(field, value))


class NikFilter(django_filters.CharFilter):
    """Exact NIK only: a personal number is never searched by fragment."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [nik_validator])
        kwargs.setdefault("label", _("NIK"))
        super().__init__(*args, lookup_expr="exact", **kwargs)


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """Rows changed at or after a moment: what a partner's incremental sync asks for."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Updated since (ISO 8601)"))
        super().__init__(*args, field_name="updated_at", lookup_expr="gte", **kwargs)

    def filter(self, qs, value):
        if value is not None:
            # PostgreSQL accepts offsets up to ±15:59 only; ISO 8601 allows more. Compare in UTC.
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:  # a moment before year 1 or after 9999 in UTC
                return qs.none()
        return super().filter(qs, value)


def date_range(field_name: str, label_from, label_until) -> tuple:
    """A pair of inclusive date filters, ``<name>_from`` / ``<name>_until`` in the URL."""
    widget = forms.DateInput(attrs={"type": "date"})
    return (
        django_filters.DateFilter(field_name=field_name, lookup_expr="gte", label=label_from, widget=widget),
        django_filters.DateFilter(field_name=field_name, lookup_expr="lte", label=label_until, widget=widget),
    )
