from django.contrib import admin

from tiaojie.lib.admin import HistoryAdmin
from tiaojie.reference.models import CalendarYear, Division, SpecialDay


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
