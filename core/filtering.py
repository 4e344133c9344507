"""Filters that several FilterSets share (areas by code prefix, incremental sync, NIK).

Each app's ``filtersets.py`` declares one FilterSet per model; the HTML list, the
API viewset and the exports all use it, so a filter means the same everywhere.
A FilterSet also names the columns a list may be sorted by (``ordering_fields``):
the API's ordering parameter and the portal's sortable headers read it.

The parameters are the API's (ids, area codes, ISO 8601 moments); a page shows the same
filters to people (:func:`for_page`): areas by name within the user's jurisdiction, dates
with a date picker, "All" for no choice, and the filters only a program needs (ids,
``updated_since``; a FilterSet lists them in ``api_only``) kept out of sight, though a
link that carries one still filters.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES, RegexValidator
from django.utils.translation import gettext_lazy as _

from core.crypto import keyed_hash
from core.scoping import within_area

area_code_validator = RegexValidator(
    r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$",
    _("Enter an area code such as 52, 52.03, 52.03.01 or 52.03.01.2001."),
)
nik_validator = RegexValidator(r"^[0-9]{16}$", _("A NIK must be exactly 16 digits."))


class AreaCodeFilter(django_filters.CharFilter):
    """Rows inside an area: its dotted code or any code below it (52.03 holds 52.03.01.2001).

    On a page it is a choice of areas by name (:func:`for_page`): two levels below the
    user's jurisdiction (``scoped``) or below the whole country, never deeper than
    ``deepest`` (1 province, 2 regency, 3 district, 4 village).
    """

    def __init__(self, *args, scoped: bool = True, deepest: int = 4, **kwargs):
        kwargs.setdefault("validators", [area_code_validator])
        kwargs.setdefault("label", _("Area"))
        kwargs.setdefault(
            "help_text", _("An area's code: province 52, regency 52.03, district 52.03.01 or village 52.03.01.2001.")
        )
        self.scoped, self.deepest = scoped, deepest
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        # A foreign key's column ("village_id") takes no startswith; its target's pk (the
        # area code) does, and Django still reads the column without a join.
        field = self.field_name[: -len("_id")] + "__pk" if self.field_name.endswith("_id") else self.field_name
        return qs.filter(within_area(field, value))


class NikFilter(django_filters.CharFilter):
    """Exact NIK only: a personal number is never searched by fragment. The NIK is encrypted at
    rest, so the filter compares its keyed hash with the ``<field>_hash`` column beside it
    (``worker__nik`` -> ``worker__nik_hash``): an index lookup, nothing decrypted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [nik_validator])
        kwargs.setdefault("label", _("NIK"))
        super().__init__(*args, lookup_expr="exact", **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        qs = qs.filter(**{f"{self.field_name}_hash": keyed_hash(value)})
        return qs.distinct() if self.distinct else qs


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


# --- Filters as a page shows them -----------------------------------------------------------

# (under area code or None, deepest level, current value) -> [(group, [(code, name), ...]), ...]
# or [] when there is nothing to choose. The villages app, which knows the areas, registers it.
_area_options: Callable | None = None


def register_area_options(function: Callable) -> None:
    global _area_options
    _area_options = function


def _area_choices(filter_, user, current: str) -> list | None:
    if _area_options is None:
        return None
    scope = getattr(user, "scope", None) if filter_.scoped else None
    under = getattr(scope, "area_code", None)
    options = _area_options(under, filter_.deepest, current)
    if not options:
        return None
    return [("", _("All")), *options]


def for_page(filterset) -> None:
    """Present ``filterset``'s form to people; the parameters and their meaning stay the API's."""
    form, request = filterset.form, getattr(filterset, "request", None)
    user = getattr(request, "user", None)
    api_only = set(getattr(filterset, "api_only", ()))
    for name, field in form.fields.items():
        filter_ = filterset.filters.get(name)
        if name in api_only or isinstance(filter_, UpdatedSinceFilter):
            field.widget = forms.HiddenInput()
            continue
        if isinstance(filter_, AreaCodeFilter):
            choices = _area_choices(filter_, user, str(form.data.get(name) or ""))
            if choices is None:  # nothing to choose inside a village's jurisdiction
                field.widget = forms.HiddenInput()
            else:
                field.widget = forms.Select(choices=choices)
            field.help_text = ""
            continue
        if isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = _("All")
            # The widget's copy of the choices may still read the class-level field's label.
            field.widget.choices = field.choices
        field.help_text = ""
