"""One FilterSet per model: the portal's lists, the partner API and the exports share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from agencies.models import Agency
from core.filtering import AreaCodeFilter, NikFilter, UpdatedSinceFilter, date_range
from recruitment.models import Country

from .choices import Stage
from .models import Placement


class PlacementFilterSet(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"))
    country = django_filters.ModelChoiceFilter(
        field_name="job_order__country", queryset=Country.objects.all(), label=_("Destination country")
    )
    sector = django_filters.ChoiceFilter(field_name="job_order__sector", choices=Sector.choices, label=_("Sector"))
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), label=_("Company"))
    job_order = django_filters.NumberFilter(field_name="job_order_id", label=_("Job order (id)"))
    worker = django_filters.NumberFilter(field_name="worker_id", label=_("Worker (id)"))
    nik = NikFilter(field_name="worker__nik")
    area = AreaCodeFilter(field_name="village_id", label=_("Worker's area"))
    created_from, created_until = date_range("created_at__date", _("Registered from"), _("Registered until"))
    departed_from, departed_until = date_range("departed_on", _("Departed from"), _("Departed until"))
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "created_at", "updated_at", "stage", "departed_on")
    # Parameters for programs, not people: a page keeps them out of its form (core.filtering.for_page).
    api_only = ("job_order", "worker", "updated_since")

    class Meta:
        model = Placement
        fields = ["stage", "country", "sector", "agency", "job_order", "worker"]
