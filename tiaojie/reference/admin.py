from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tiaojie.lib.admin import HistoryAdmin
from tiaojie.reference.models import CalendarYear, Division, ProvincialRule, SpecialDay


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


# Each row moves the deadlines of every case of its province accepted or extended while it is in force; the
# history says who set which rule. Cases already counted keep their stored deadlines (docs/law.md §3).
@admin.register(ProvincialRule)
class ProvincialRuleAdmin(HistoryAdmin):
    list_display = ["province_label", "key", "value", "citation", "in_force_from", "in_force_to", "unconfirmed"]
    list_filter = ["key", "unconfirmed", "province"]
    search_fields = ["instrument", "article", "basis"]

    @admin.display(description=_("地区"), ordering="province")
    def province_label(self, obj: ProvincialRule) -> str:
        if not obj.province:
            return str(_("全国（默认）"))
        division = Division.objects.filter(code=obj.province).first()
        return f"{division.name}（{obj.province}）" if division else obj.province

    @admin.display(description=_("法规条款"))
    def citation(self, obj: ProvincialRule) -> str:
        return f"{obj.instrument}{obj.article}"
