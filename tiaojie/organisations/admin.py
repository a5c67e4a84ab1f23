from django.contrib import admin

from tiaojie.organisations.models import Employer, Membership, Organisation, OrganisationType, SupervisorScope


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "can_mediate", "basis", "sort"]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "division", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["division", "employer"]
    inlines = [MembershipInline]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "size", "industry", "division"]
    list_filter = ["size", "industry"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["division"]
    show_full_result_count = False


@admin.register(SupervisorScope)
class SupervisorScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "division", "department", "is_active"]
    raw_id_fields = ["user", "division"]
