from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: exports are made from the lists, and only their owner downloads them."""

    list_display = ("id", "owner", "kind", "format", "status", "rows_done", "rows_total", "created_at")
    list_filter = ("status", "kind", "format")
    search_fields = ("owner__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
