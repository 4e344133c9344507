from django.contrib import admin

from .models import Agency, Branch, Employer, FieldRecruiter, Sanction


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0
    autocomplete_fields = ("regency",)


class SanctionInline(admin.TabularInline):
    model = Sanction
    extra = 0
    readonly_fields = ("imposed_by", "created_at")

    def has_add_permission(self, request, obj=None):
        return False  # sanctions change the licence: imposed through the service (portal), not inline


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "licence_number", "licence_status", "licence_expires_on", "head_office_regency")
    list_filter = ("licence_status",)
    search_fields = ("name", "licence_number")
    autocomplete_fields = ("head_office_regency",)
    inlines = [BranchInline, SanctionInline]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "sector", "registration_number", "blacklisted")
    list_filter = ("country", "sector", "blacklisted")
    search_fields = ("name", "registration_number")


@admin.register(FieldRecruiter)
class FieldRecruiterAdmin(admin.ModelAdmin):
    list_display = ("full_name", "agency", "village", "registered_on")
    list_filter = ("agency",)
    search_fields = ("full_name",)
    raw_id_fields = ("village",)


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ("agency", "kind", "starts_on", "ends_on", "imposed_by")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in Sanction._meta.fields]

    def has_add_permission(self, request):
        return False
