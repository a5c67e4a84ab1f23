"""View-only admin for cases, their parties, claims and events, superusers included.

Every write of a case goes through an action (cases/actions.py and the apps above it): the state machine,
the deadlines, the CaseEvent timeline and the statistics (rollups refreshed on `case_changed`) all hang off
them. An edit here would bypass all four — a case moved to another organisation or division without an
event, a claim changed under the statistics — so the admin only lets staff look. An organisation's division
is changed on the organisation (organisations.actions.do_change_organisation_division moves its cases)."""

from django.contrib import admin

from tiaojie.cases.models import Case, CaseEvent, ClaimItem, Worker
from tiaojie.lib.admin import ReadOnlyAdmin, ReadOnlyPermissions


class ClaimInline(ReadOnlyPermissions, admin.TabularInline):
    model = ClaimItem
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "organisation", "employer", "channel", "received_at"]
    list_filter = ["status", "channel"]
    inlines = [ClaimInline]
    show_full_result_count = False
    # The page shows the related rows' names: one query for them, not one per field.
    list_select_related = ["organisation", "employer"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "id_number_masked", "phone_masked"]
    # The encrypted numbers and their blind indexes stay out of the admin; the masked ones identify a worker
    # (the full value is shown on the case page through do_reveal_worker_field, which logs the access).
    fields = ["name", "sex", "id_number_masked", "phone_masked", "address"]
    search_fields = ["name"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "at", "kind", "from_status", "to_status", "actor"]
    list_select_related = ["case__employer", "actor"]
    show_full_result_count = False
