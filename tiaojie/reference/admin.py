from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from tiaojie.reference.models import CalendarYear, Division, SpecialDay


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a configuration table with a history (who changed what; 历史 on each row's page).

    The history is for reading only. simple-history's "revert" form saves an old version as a whole, and
    takes a POST from anyone who may merely view the row (3.13 checks view permission only); it would also
    put back fields whose changes must go through an action (an organisation's division moves its cases).
    Defined here, in the lowest app with a history, so organisations and calculators_web share it."""

    def revert_disabled(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False  # retired codes get valid_to; old ID numbers and cases still point at them


# The holiday calendar moves every deadline: its history says who configured which day, and when. The rows
# the reference loader (load_calendar) puts in have no history entry of their own (bulk_create sends no
# signals); their source is the published notice named on the CalendarYear.
@admin.register(SpecialDay)
class SpecialDayAdmin(HistoryAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(HistoryAdmin):
    list_display = ["year", "source"]
