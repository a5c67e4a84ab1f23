"""Admin for the hotline. Complexity tiers are editable data ([U]: their time limits are a local setting);
calls, work orders, ratings and events are written by hotline.actions, so they are read-only here."""

from django.contrib import admin

from tiaojie.hotline.models import ComplexityTier, HotlineCall, HotlineEvent, ServiceRating, WorkOrder
from tiaojie.lib.admin import ReadOnlyAdmin


@admin.register(ComplexityTier)
class ComplexityTierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "working_days", "basis", "sort", "is_active"]
    list_display_links = ["code", "name"]
    list_editable = ["working_days", "is_active"]
    fields = ["code", "name", "working_days", "basis", "sort", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # the code is the key work orders point to

    def has_delete_permission(self, request, obj=None):
        return False  # work orders keep their tier; deactivate instead


@admin.register(HotlineCall)
class HotlineCallAdmin(ReadOnlyAdmin):
    list_display = ["id", "organisation", "started_at", "caller_name", "caller_phone_masked", "kind", "topic", "case"]
    list_filter = ["kind", "topic"]
    # The encrypted number and its index stay out of the admin; the masked one is enough to recognise a call.
    fields = [
        "organisation",
        "operator",
        "caller_name",
        "caller_phone_masked",
        "kind",
        "topic",
        "summary",
        "answer",
        "duration_seconds",
        "started_at",
        "case",
        "converted_at",
        "route_reason",
        "route_basis",
        "joined_existing_case",
    ]
    show_full_result_count = False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["call", "tier", "status", "opened_at", "due_date", "closed_at"]
    list_filter = ["status", "tier"]


@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ["call", "score", "recorded_at"]


@admin.register(HotlineEvent)
class HotlineEventAdmin(ReadOnlyAdmin):
    list_display = ["call", "at", "kind", "actor"]
