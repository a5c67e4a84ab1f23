"""Read-only: every write of the documents app (issue, regenerate, service, letterhead) goes through
documents/actions.py, which numbers, renders, hashes and logs; the admin only lets superusers look."""

from django.contrib import admin

from tiaojie.documents.models import CaseFileJob, Document, DocumentVersion, Letterhead, Service
from tiaojie.lib.admin import ReadOnlyAdmin


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = readonly_fields = (
        "version",
        "generated_at",
        "generated_by",
        "reason",
        "template_version",
        "pdf_pages",
        "pdf_sha256",
        "docx_sha256",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "case", "organisation", "issued_on", "current_version"]
    list_filter = ["kind"]
    search_fields = ["number", "verification_code"]
    raw_id_fields = ["case"]
    show_full_result_count = False
    inlines = [VersionInline]


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["document", "method", "served_at", "outcome", "server_name"]
    list_filter = ["method", "outcome"]
    show_full_result_count = False


@admin.register(Letterhead)
class LetterheadAdmin(ReadOnlyAdmin):
    """Set on the organisation's 文书样式设置 page (documents:letterhead), by its administrators."""

    list_display = ["organisation", "header", "number_prefix", "updated_at", "updated_by"]


@admin.register(CaseFileJob)
class CaseFileJobAdmin(ReadOnlyAdmin):
    list_display = ["case", "state", "done", "total", "requested_by", "requested_at", "finished_at"]
    list_filter = ["state"]
    show_full_result_count = False
