from django.contrib import admin

from .models import DeadlineSetting


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(admin.ModelAdmin):
    """Administrators set how fast each priority must be acknowledged and resolved."""

    list_display = ("priority", "acknowledge_hours", "resolve_days", "company_answer_days")
    list_editable = ("acknowledge_hours", "resolve_days", "company_answer_days")
