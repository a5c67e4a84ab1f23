from django.contrib import admin
from django.http import HttpRequest

from tiaojie.analytics.models import (
    ArbitrationInstitute,
    Chamber,
    CoverageTarget,
    EnterpriseImport,
    HighIncidenceTownship,
)


@admin.register(HighIncidenceTownship)
class HighIncidenceTownshipAdmin(admin.ModelAdmin):
    list_display = ["division", "year", "note"]
    list_filter = ["year"]
    search_fields = ["division__name", "division__code"]
    autocomplete_fields = ["division"]


@admin.register(ArbitrationInstitute)
class ArbitrationInstituteAdmin(admin.ModelAdmin):
    list_display = ["name", "division"]
    search_fields = ["name", "division__name", "division__code"]
    autocomplete_fields = ["division"]


@admin.register(Chamber)
class ChamberAdmin(admin.ModelAdmin):
    list_display = ["name", "division", "industry", "organisation"]
    list_filter = ["industry"]
    search_fields = ["name", "division__name"]
    autocomplete_fields = ["division", "organisation"]


@admin.register(CoverageTarget)
class CoverageTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "metric", "division", "target_percent"]
    list_filter = ["year", "metric"]
    autocomplete_fields = ["division"]


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(admin.ModelAdmin):
    list_display = ["at", "file_name", "imported_by", "rows", "created", "updated"]
    readonly_fields = ["at", "file_name", "imported_by", "rows", "created", "updated"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an audit trail: written by imports only
