"""Admin for organisations, their staff and supervisors: configuration, edited here, with a history of who
changed what (HistoryAdmin; the middleware names the user on rows saved through the inlines too).

An organisation's division is copied onto its cases (Case.division: supervisors' access and the statistics
per division), so changing it is not a plain field edit: save_model hands it to
organisations.actions.do_change_organisation_division, which moves the cases with it in the same transaction,
and the form asks why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tiaojie.lib.admin import HistoryAdmin
from tiaojie.organisations.actions import OrganisationActionError, do_change_organisation_division, placeable_division
from tiaojie.organisations.models import Employer, Membership, Organisation, OrganisationType, SupervisorScope


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "can_mediate", "basis", "sort"]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


class OrganisationAdminForm(forms.ModelForm):
    division_reason = forms.CharField(
        label=_("更改区划的原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("更改所在区划时必填。本组织的全部案件（含已结案件）随之改到新区划，统计数据一并更新。"),
    )

    class Meta:
        model = Organisation
        fields = ["name", "case_prefix", "type", "division", "employer", "industry", "address", "phone", "is_active"]

    def clean_division(self) -> Any:
        division = self.cleaned_data.get("division")
        if division is not None and "division" in self.changed_data:
            try:
                placeable_division(division)
            except OrganisationActionError as exc:
                raise ValidationError(exc.message) from exc
        return division

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        moving = self.instance.pk is not None and "division" in self.changed_data
        if moving and not (cleaned.get("division_reason") or "").strip():
            self.add_error("division_reason", _("更改所在区划时请填写原因"))
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "type", "division", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["division", "employer"]
    inlines = [MembershipInline]

    def get_fields(self, request: HttpRequest, obj: Organisation | None = None) -> list[str]:
        fields = list(OrganisationAdminForm.Meta.fields)
        if obj is not None:  # a new organisation has no cases to move
            fields.insert(fields.index("division") + 1, "division_reason")
        return fields

    def save_model(self, request: HttpRequest, obj: Organisation, form: forms.ModelForm, change: bool) -> None:
        # Compared with the stored row, not the form's changed_data, so no path through the admin can save a
        # new division without the action.
        stored = (
            Organisation.objects.filter(pk=obj.pk).values_list("division_id", flat=True).first() if change else None
        )
        if stored is None or stored == obj.division_id:
            super().save_model(request, obj, form, change)
            return
        division = obj.division
        obj.division_id = stored  # the other fields are saved as edited; the action moves the division
        super().save_model(request, obj, form, change)
        moved = do_change_organisation_division(
            organisation=obj,
            division=division,
            actor=request.user,  # type: ignore[arg-type]  # the admin's user is signed in
            reason=form.cleaned_data.get("division_reason", ""),
        )
        self.message_user(
            request,
            gettext("所在区划已改为%(division)s，%(n)d件案件随之更改。") % {"division": division, "n": moved},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    """Also edited inline on the organisation; here for the list and each membership's history."""

    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "size", "industry", "division", "is_registered"]
    list_filter = ["is_registered", "size", "industry"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["division"]
    show_full_result_count = False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # An employer staff add by hand is one they know: public search lists it unless they untick the box.
        return {"is_registered": True, **super().get_changeform_initial_data(request)}


@admin.register(SupervisorScope)
class SupervisorScopeAdmin(HistoryAdmin):
    list_display = ["user", "division", "department", "is_active"]
    raw_id_fields = ["user", "division"]
