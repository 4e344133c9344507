from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .lockout import login_unlock
from .models import AuditEntry, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "jurisdiction_code", "agency", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    actions = ["lift_login_lock"]
    autocomplete_fields = ("province", "regency", "village", "agency")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email")}),
        (_("Role and jurisdiction"), {"fields": ("role", "province", "regency", "village", "agency")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "role", "province", "regency", "village", "agency"),
            },
        ),
        (None, {"fields": ("password1", "password2")}),
    )

    @admin.action(description=_("Lift the login lock"))
    def lift_login_lock(self, request, queryset):
        """The failed logins counted against these accounts are forgotten: they may log in again now
        (an address locked on its own is lifted in "Access attempts")."""
        for user in queryset:
            login_unlock(actor=request.user, username=user.username)
        self.message_user(
            request,
            _("Login lock lifted for: %(usernames)s.") % {"usernames": ", ".join(u.username for u in queryset)},
            messages.SUCCESS,
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "ip_address")
    list_filter = ("action",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
