from django.contrib import admin

from .models import Flag, FlagEvent, Notification, RuleSetting, ScanRun
from .rules import RULES_BY_CODE


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    """Thresholds: each rule's defaults are in oversight/rules.py; a row here overrides them."""

    list_display = ("code", "enabled", "thresholds", "updated_at")
    list_editable = ("enabled",)

    def get_changeform_initial_data(self, request):
        return {"thresholds": {}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "thresholds":
            field.help_text = "; ".join(
                f"{code}: {rule.defaults}" for code, rule in RULES_BY_CODE.items() if rule.defaults
            )
        return field


class FlagEventInline(admin.TabularInline):
    model = FlagEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Read-only here: triage goes through the services so every change is recorded."""

    list_display = ("rule_code", "subject_type", "subject_id", "severity", "status", "area_code", "last_seen")
    list_filter = ("status", "severity", "rule_code", "subject_type")
    search_fields = ("=subject_id", "area_code")
    inlines = [FlagEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Flag._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "kind", "status", "finished_at", "requested_by")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in ScanRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "message", "read_at")
    raw_id_fields = ("user", "flag")

    # Read-only here: the red-flag engine sends notices; their readers mark them read.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
