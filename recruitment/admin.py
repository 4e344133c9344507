from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from core.admin import ServiceOwnedAdmin, service_form_view
from core.errors import DomainError

from . import services
from .models import (
    Application,
    Country,
    Enrolment,
    JobOrder,
    Moratorium,
    Occupation,
    RecruitmentPermit,
    TrainingProvider,
    Worker,
)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "requires_language_test", "worker_cost_cap_idr")
    search_fields = ("code", "name")


def _set_zero_cost(model_admin, request, queryset, zero_cost: bool) -> None:
    changed = 0
    for code in queryset.values_list("pk", flat=True):
        try:
            occupation = services.occupation_set_zero_cost(actor=request.user, occupation_id=code, zero_cost=zero_cost)
        except DomainError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            return
        changed += occupation.zero_cost == zero_cost
    model_admin.message_user(request, _("%(count)d occupation(s) updated.") % {"count": changed}, messages.SUCCESS)


@admin.action(description=_("Mark as zero-cost for the worker"))
def mark_zero_cost(model_admin, request, queryset):
    _set_zero_cost(model_admin, request, queryset, True)


@admin.action(description=_("Mark as not zero-cost"))
def unmark_zero_cost(model_admin, request, queryset):
    _set_zero_cost(model_admin, request, queryset, False)


@admin.register(Occupation)
class OccupationAdmin(ServiceOwnedAdmin):
    """The zero-cost flag changes through the actions (a service that records it and re-checks
    the placements concerned); names and sectors are reference data."""

    list_display = ("code", "name", "sector", "zero_cost")
    list_filter = ("sector", "zero_cost")
    actions = [mark_zero_cost, unmark_zero_cost]
    editable_fields = ("code", "name", "sector")
    creatable = True


class MoratoriumForm(forms.Form):
    country = forms.ModelChoiceField(label=_("country"), queryset=Country.objects.all())
    sector = forms.ChoiceField(label=_("sector"), choices=Sector.choices)
    starts_on = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(label=_("legal basis"), max_length=200)


class MoratoriumEndForm(forms.Form):
    ends_on = forms.DateField(label=_("last day of the moratorium"), widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(Moratorium)
class MoratoriumAdmin(ServiceOwnedAdmin):
    """Declared and ended through the services, which record it and re-check the job orders concerned."""

    list_display = ("country", "sector", "starts_on", "ends_on", "legal_basis")
    list_filter = ("sector",)
    readonly_fields = ("end_link",)
    creatable = True

    @admin.display(description=_("end"))
    def end_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        url = reverse("admin:recruitment_moratorium_end", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("End this moratorium…"))

    def get_urls(self):
        end = self.admin_site.admin_view(self.end_view)
        return [path("<int:object_id>/end/", end, name="recruitment_moratorium_end"), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return service_form_view(
            self,
            request,
            form_class=MoratoriumForm,
            title=_("Declare a moratorium"),
            perform=lambda data: services.moratorium_create(actor=request.user, **data),
            success_message=_("The moratorium is recorded."),
        )

    def end_view(self, request, object_id):
        moratorium = self.get_object(request, object_id)
        if moratorium is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        return service_form_view(
            self,
            request,
            form_class=MoratoriumEndForm,
            title=_("End the moratorium"),
            perform=lambda data: services.moratorium_end(
                actor=request.user, moratorium_id=moratorium.pk, ends_on=data["ends_on"]
            ),
            success_message=_("The moratorium is ended."),
            obj=moratorium,
            initial={"ends_on": timezone.localdate()},
        )


@admin.register(JobOrder)
class JobOrderAdmin(ServiceOwnedAdmin):
    """Read-only here: job orders are created, verified and closed through the services."""

    list_display = ("id", "agency", "employer", "country", "occupation", "quota", "status", "valid_until")
    list_filter = ("status", "sector", "country")
    search_fields = ("reference", "mission_reference", "employer__name", "agency__name")
    list_select_related = ("agency", "employer", "country", "occupation")
    raw_id_fields = ("agency", "employer")


@admin.register(RecruitmentPermit)
class RecruitmentPermitAdmin(ServiceOwnedAdmin):
    """Read-only here: companies apply for permits and officials issue, refuse or revoke them
    through the services (the portal's permit pages and the partner API)."""

    list_display = ("__str__", "job_order", "status", "quota", "valid_from", "valid_until", "decided_at")
    list_filter = ("status",)
    search_fields = ("number",)
    raw_id_fields = ("job_order",)
    filter_horizontal = ("regions",)


@admin.register(Worker)
class WorkerAdmin(ServiceOwnedAdmin):
    """Registered through the service, which checks the NIK against the birth date and sex: the
    identity, the NIK's facts, the village and the family consent are read-only here (the NIK is
    shown masked); only contact details may be corrected."""

    list_display = ("full_name", "masked_nik", "sex", "birth_date", "village", "agency")
    exclude = ("nik", "nik_hash")
    readonly_fields = ("masked_nik",)
    editable_fields = ("phone", "next_of_kin_name", "next_of_kin_phone", "next_of_kin_relation")
    list_filter = ("sex",)
    # Not by NIK: the admin's search is a GET, so the number would land in the address and the access
    # log. Find a person by NIK on the portal's worker list (sent by POST).
    search_fields = ("full_name",)
    list_select_related = ("village", "agency")
    raw_id_fields = ("village", "agency")


@admin.register(Application)
class ApplicationAdmin(ServiceOwnedAdmin):
    """Read-only here: applications are made and decided through the services."""

    list_display = ("worker", "job_order", "recruiter", "status", "applied_on")
    list_filter = ("status",)
    raw_id_fields = ("worker", "job_order", "recruiter")
    list_select_related = ("worker", "job_order__occupation", "job_order__employer", "recruiter")


@admin.register(TrainingProvider)
class TrainingProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "regency")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("regency",)


@admin.register(Enrolment)
class EnrolmentAdmin(ServiceOwnedAdmin):
    """Read-only here: training is recorded through the service."""

    list_display = ("worker", "provider", "programme", "kind", "result", "completed_on")
    list_filter = ("kind", "result")
    raw_id_fields = ("worker", "provider", "recorded_by")
    list_select_related = ("worker", "provider")
