from django.contrib import admin

from .models import Document, EmbarkationPoint, Fee, Placement, PlacementEvent


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ("kind", "masked_number", "issued_on", "expires_on", "issuer", "verified_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = PlacementEvent
    extra = 0
    fields = ("at", "kind", "from_stage", "to_stage", "actor", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    """Read-only here: stages change through the services, which check the rules and write the timeline."""

    list_display = ("id", "worker", "agency", "job_order", "stage", "stage_changed_at", "departed_on")
    list_filter = ("stage", "job_order__country")
    search_fields = ("worker__full_name",)  # not by NIK: see WorkerAdmin
    list_select_related = ("worker", "agency", "job_order__occupation", "job_order__employer")
    inlines = [DocumentInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Placement._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmbarkationPoint)
class EmbarkationPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "regency", "official")
    list_filter = ("kind", "official")
    raw_id_fields = ("regency",)


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    """Read-only here: fees are recorded through the service (they feed the zero-cost and cap rules)."""

    list_display = ("placement", "amount_idr", "description", "paid_on")
    raw_id_fields = ("placement", "recorded_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlacementEvent)
class PlacementEventAdmin(admin.ModelAdmin):
    list_display = ("at", "placement", "kind", "from_stage", "to_stage", "actor")
    list_filter = ("kind",)
    list_select_related = ("placement__worker", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
