from django.contrib import admin

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


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sector", "zero_cost")
    list_filter = ("sector", "zero_cost")
    list_editable = ("zero_cost",)


@admin.register(Moratorium)
class MoratoriumAdmin(admin.ModelAdmin):
    list_display = ("country", "sector", "starts_on", "ends_on", "legal_basis")
    list_filter = ("sector",)


@admin.register(JobOrder)
class JobOrderAdmin(admin.ModelAdmin):
    list_display = ("id", "agency", "employer", "country", "occupation", "quota", "status", "valid_until")
    list_filter = ("status", "sector", "country")
    search_fields = ("reference", "mission_reference", "employer__name", "agency__name")
    list_select_related = ("agency", "employer", "country", "occupation")
    raw_id_fields = ("agency", "employer")


@admin.register(RecruitmentPermit)
class RecruitmentPermitAdmin(admin.ModelAdmin):
    list_display = ("number", "job_order", "quota", "valid_from", "valid_until")
    search_fields = ("number",)
    raw_id_fields = ("job_order",)
    filter_horizontal = ("regions",)


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("full_name", "masked_nik", "sex", "birth_date", "village", "agency")
    list_filter = ("sex",)
    search_fields = ("full_name", "=nik")
    list_select_related = ("village", "agency")
    raw_id_fields = ("village", "agency")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
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
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("worker", "provider", "programme", "kind", "result", "completed_on")
    list_filter = ("kind", "result")
    raw_id_fields = ("worker", "provider", "recorded_by")
    list_select_related = ("worker", "provider")
