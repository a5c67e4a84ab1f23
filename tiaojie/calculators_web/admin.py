"""Administrators keep the local wage tables: a new published figure is a new row with its own effective date,
never an edit of the old one, so calculations about earlier dates still find the figure then in force. Who
entered or corrected a figure is in each row's history (HistoryAdmin)."""

from django.contrib import admin

from tiaojie.calculators_web.models import LocalWageStandard
from tiaojie.lib.admin import HistoryAdmin


@admin.register(LocalWageStandard)
class LocalWageStandardAdmin(HistoryAdmin):
    list_display = ["division", "division_id", "kind", "effective_from", "amount", "source"]
    list_filter = ["kind"]
    search_fields = ["division__code", "division__name", "source"]
    date_hierarchy = "effective_from"
    raw_id_fields = ["division"]  # 41,000 divisions: a popup, limited to provinces and cities
    list_select_related = ["division"]
    ordering = ["division_id", "kind", "-effective_from"]
