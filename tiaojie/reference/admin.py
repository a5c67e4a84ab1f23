from django.contrib import admin

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


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]
