"""One FilterSet per model: the officials' list of village reports, the API and the exports share it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtering import AreaCodeFilter, NikFilter, UpdatedSinceFilter, date_range

from .models import VillageReport, VillageReportKind, VillageReportStatus
from .services import normalise_phone


class VillageReportFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=VillageReportKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=VillageReportStatus.choices, label=_("Status"))
    area = AreaCodeFilter(field_name="village_id", label=_("Area"))
    occurred_from, occurred_until = date_range("occurred_on", _("Happened from"), _("Happened until"))
    q = django_filters.CharFilter(method="filter_text", label=_("Name or phone of the person or broker"))
    nik = NikFilter(field_name="person_nik")
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "occurred_on", "created_at", "updated_at")
    # Parameters for programs, not people: a page keeps them out of its form (core.filtering.for_page).
    api_only = ("updated_since",)

    class Meta:
        model = VillageReport
        fields = ["kind", "status"]

    def filter_text(self, queryset, name, value):
        """A name or nickname contains the words; a phone number matches a broker's, however written."""
        value = (value or "").strip()
        if not value:
            return queryset
        condition = (
            Q(person_name__icontains=value) | Q(broker_name__icontains=value) | Q(broker_nickname__icontains=value)
        )
        phone = normalise_phone(value)
        if len(phone) >= 8 and not any(char.isalpha() for char in value):
            condition |= Q(broker_phones__contains=[phone])
        return queryset.filter(condition)
