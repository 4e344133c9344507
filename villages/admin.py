from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.personal_data import mask_number

from .models import District, Province, Regency, Village, VillageReport


class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # areas come from the official data file (manage.py import_areas)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(AreaAdmin):
    pass


@admin.register(Regency)
class RegencyAdmin(AreaAdmin):
    list_display = ("code", "name", "province")
    list_select_related = ("province",)


@admin.register(District)
class DistrictAdmin(AreaAdmin):
    list_display = ("code", "name", "regency")
    list_select_related = ("regency",)


@admin.register(Village)
class VillageAdmin(AreaAdmin):
    list_display = ("code", "name", "district")
    list_select_related = ("district",)


@admin.register(VillageReport)
class VillageReportAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "kind", "village", "person_name", "reported_by")
    list_filter = ("kind",)
    search_fields = ("person_name", "village__name")  # not by NIK: see recruitment's WorkerAdmin
    # The admin never shows a full NIK (reading one is audited, and the admin has no reason to).
    exclude = ("person_nik", "person_nik_hash")
    readonly_fields = ("masked_person_nik",)
    list_select_related = ("village", "reported_by")
    raw_id_fields = ("village", "reported_by")
    date_hierarchy = "occurred_on"

    @admin.display(description=_("person's NIK"))
    def masked_person_nik(self, report) -> str:
        return mask_number(report.person_nik)

    # Read-only here: village officers report through the service.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
