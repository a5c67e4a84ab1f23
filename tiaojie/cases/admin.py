"""Read-mostly admin for cases: status changes go through the staff pages or the API, which call the
actions; the admin must not bypass the state machine, so status and deadlines are read-only here."""

from django.contrib import admin

from tiaojie.cases.models import Case, CaseEvent, ClaimItem, Worker


class ClaimInline(admin.TabularInline):
    model = ClaimItem
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "organisation", "employer", "channel", "received_at"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["organisation", "division", "employer", "created_by"]
    readonly_fields = [
        "status",
        "received_at",
        "accepted_at",
        "ended_at",
        "closed_at",
        "acceptance_due",
        "clock_a_due",
        "clock_b_due",
        "clock_b_extension_days",
    ]
    inlines = [ClaimInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # cases are registered through the intake form or the API (do_create_case)


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "id_number_masked", "phone_masked"]
    fields = ["name", "sex", "id_number_masked", "phone_masked", "address"]
    readonly_fields = ["sex", "id_number_masked", "phone_masked"]
    search_fields = ["name"]


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "at", "kind", "from_status", "to_status", "actor"]
    raw_id_fields = ["case", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
