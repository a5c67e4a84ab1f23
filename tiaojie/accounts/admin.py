from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tiaojie.accounts.models import ApiToken, PiiAccessLog, User
from tiaojie.lib.admin import ReadOnlyAdmin


@admin.register(User)
class TiaojieUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Tiaojie", {"fields": ("display_name",)}))  # type: ignore[misc]
    list_display = ["username", "display_name", "is_staff", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "record_type", "record_id", "field", "ip_address"]
    list_filter = ["record_type", "field"]
    show_full_result_count = False
