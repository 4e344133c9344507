"""One FilterSet per model: the portal's lists, the partner API and the exports share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from agencies.models import Agency
from core.filtering import AreaCodeFilter, NikFilter, UpdatedSinceFilter, date_range

from .choices import ApplicationStatus, JobOrderStatus, Sex, TrainingKind, TrainingResult
from .models import Application, Country, Enrolment, JobOrder, Occupation, Worker


class JobOrderFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=JobOrderStatus.choices, label=_("Status"))
    country = django_filters.ModelChoiceFilter(queryset=Country.objects.all(), label=_("Destination country"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"))
    occupation = django_filters.ModelChoiceFilter(queryset=Occupation.objects.all(), label=_("Occupation"))
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), label=_("Company"))
    employer = django_filters.NumberFilter(field_name="employer_id", label=_("Employer (id)"))
    created_from, created_until = date_range("created_at__date", _("Created from"), _("Created until"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on"))
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "created_at", "updated_at", "valid_until", "quota")
    # Parameters for programs, not people: a page keeps them out of its form (core.filtering.for_page).
    api_only = ("employer", "updated_since")

    class Meta:
        model = JobOrder
        fields = ["status", "country", "sector", "occupation", "agency", "employer"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(valid_from__lte=value, valid_until__gte=value)


class WorkerFilterSet(django_filters.FilterSet):
    nik = NikFilter()
    name = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains", label=_("Name contains"))
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sex"))
    area = AreaCodeFilter(field_name="village_id", label=_("Area of domicile"))
    # People a company registered (a person may be registered by several: the registry is nobody's).
    agency = django_filters.ModelChoiceFilter(
        field_name="registrations__agency", queryset=Agency.objects.all(), label=_("Registered by company")
    )
    registered_from, registered_until = date_range("created_at__date", _("Registered from"), _("Registered until"))
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "full_name", "created_at", "updated_at", "birth_date")
    api_only = ("updated_since",)

    class Meta:
        model = Worker
        fields = ["nik", "sex", "agency"]


class ApplicationFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    job_order = django_filters.NumberFilter(field_name="job_order_id", label=_("Job order (id)"))
    worker = django_filters.NumberFilter(field_name="worker_id", label=_("Worker (id)"))
    nik = NikFilter(field_name="worker__nik")
    country = django_filters.ModelChoiceFilter(
        field_name="job_order__country", queryset=Country.objects.all(), label=_("Destination country")
    )
    applied_from, applied_until = date_range("applied_on", _("Applied from"), _("Applied until"))
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "applied_on", "updated_at")

    class Meta:
        model = Application
        fields = ["status", "job_order", "worker"]


class EnrolmentFilterSet(django_filters.FilterSet):
    worker = django_filters.NumberFilter(field_name="worker_id", label=_("Worker (id)"))
    nik = NikFilter(field_name="worker__nik")
    provider = django_filters.NumberFilter(field_name="provider_id", label=_("Training provider (id)"))
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices, label=_("Kind"))
    result = django_filters.ChoiceFilter(choices=TrainingResult.choices, label=_("Result"))
    starts_from, starts_until = date_range("starts_on", _("Starts from"), _("Starts until"))
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "starts_on", "updated_at")

    class Meta:
        model = Enrolment
        fields = ["worker", "provider", "kind", "result"]
