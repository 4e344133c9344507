"""One FilterSet per model: the portal's lists, the partner API and the exports share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtering import AreaCodeFilter

from .choices import LicenceStatus, Sector
from .models import Agency, Employer, FieldRecruiter


class AgencyFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    licence_number = django_filters.CharFilter(lookup_expr="iexact", label=_("SIP3MI number"))
    licence_status = django_filters.MultipleChoiceFilter(choices=LicenceStatus.choices, label=_("Licence status"))
    # Companies are not scoped to an area: every official chooses among provinces and regencies.
    head_office = AreaCodeFilter(
        field_name="head_office_regency_id", label=_("Head office area"), scoped=False, deepest=2
    )
    expires_from = django_filters.DateFilter(
        field_name="licence_expires_on", lookup_expr="gte", label=_("Licence expires from")
    )
    expires_until = django_filters.DateFilter(
        field_name="licence_expires_on", lookup_expr="lte", label=_("Licence expires until")
    )

    ordering_fields = ("id", "name", "licence_expires_on")

    class Meta:
        model = Agency
        fields = ["licence_status"]


class EmployerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    country = django_filters.CharFilter(field_name="country__code", lookup_expr="iexact", label=_("Country (ISO code)"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"))
    blacklisted = django_filters.BooleanFilter(label=_("Blacklisted"))

    ordering_fields = ("id", "name")

    class Meta:
        model = Employer
        fields = ["sector", "blacklisted"]


class FieldRecruiterFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains", label=_("Name contains"))
    area = AreaCodeFilter(field_name="village_id", label=_("Area"))

    ordering_fields = ("id", "full_name")

    class Meta:
        model = FieldRecruiter
        fields = []
