from django import forms
from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceOwnedAdmin, service_form_view
from core.crypto import keyed_hash
from core.personal_data import mask_number

from . import services
from .models import Agency, Branch, Employer, FieldRecruiter, Sanction


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0
    autocomplete_fields = ("regency",)


class SanctionInline(admin.TabularInline):
    model = Sanction
    extra = 0
    fields = ("kind", "reason", "starts_on", "ends_on", "imposed_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # sanctions change the licence: imposed through the service (portal), not inline


@admin.register(Agency)
class AgencyAdmin(ServiceOwnedAdmin):
    """The licence (number, dates, status) is the ministry's: sanctions and reinstatements go
    through the services. Contact details may be corrected here."""

    editable_fields = ("name", "head_office_regency", "address", "phone", "email")
    list_display = ("name", "licence_number", "licence_status", "licence_expires_on", "head_office_regency")
    list_filter = ("licence_status",)
    search_fields = ("name", "licence_number")
    autocomplete_fields = ("head_office_regency",)
    inlines = [BranchInline, SanctionInline]


class BlacklistForm(forms.Form):
    blacklisted = forms.BooleanField(label=_("blacklisted"), required=False)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Employer)
class EmployerAdmin(ServiceOwnedAdmin):
    """The blacklist flag changes through the service (with a reason, in the audit trail)."""

    list_display = ("name", "country", "sector", "registration_number", "blacklisted")
    list_filter = ("country", "sector", "blacklisted")
    search_fields = ("name", "registration_number")
    readonly_fields = ("blacklist_link",)
    editable_fields = ("name", "country", "sector", "registration_number", "address")
    creatable = True

    @admin.display(description=_("blacklist"))
    def blacklist_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        url = reverse("admin:agencies_employer_blacklist", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Change the blacklist status…"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.blacklist_view)
        return [path("<int:object_id>/blacklist/", view, name="agencies_employer_blacklist"), *super().get_urls()]

    def blacklist_view(self, request, object_id):
        employer = self.get_object(request, object_id)
        if employer is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        return service_form_view(
            self,
            request,
            form_class=BlacklistForm,
            title=_("Blacklist status of the employer"),
            perform=lambda data: services.employer_set_blacklisted(actor=request.user, employer_id=employer.pk, **data),
            success_message=_("The employer's blacklist status is recorded."),
            obj=employer,
            initial={"blacklisted": not employer.blacklisted},
        )


@admin.register(FieldRecruiter)
class FieldRecruiterAdmin(admin.ModelAdmin):
    list_display = ("full_name", "agency", "village", "registered_on")
    list_filter = ("agency",)
    search_fields = ("full_name",)  # not by NIK: see recruitment's WorkerAdmin
    raw_id_fields = ("village",)
    readonly_fields = ("masked_nik",)

    def get_exclude(self, request, obj=None):
        # The NIK is typed when the recruiter is added; afterwards the admin shows it masked only.
        return ("nik",) if obj is not None else ()

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    @admin.display(description=_("NIK"))
    def masked_nik(self, recruiter) -> str:
        return mask_number(recruiter.nik)

    def save_model(self, request, obj, form, change):
        # The NIK is encrypted; its keyed hash beside it is what matching by NIK compares.
        obj.nik_hash = keyed_hash(obj.nik)
        super().save_model(request, obj, form, change)


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ("agency", "kind", "starts_on", "ends_on", "imposed_by")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in Sanction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
