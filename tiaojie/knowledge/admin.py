"""The library in the admin: read-only rows (imports write them, docs/knowledge.md), and one action that marks
texts amended, repealed or in force again through `do_set_law_status`, with a date and a note."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.knowledge.actions import LawStatusError, do_set_law_status
from tiaojie.knowledge.forms import LawStatusForm
from tiaojie.knowledge.models import LawImport, LawStatusEvent, LawText, LawVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LawText)
class LawTextAdmin(ReadOnly):
    list_display = ["short_title", "level", "status", "status_date", "issuing_body"]
    list_filter = ["level", "status"]
    search_fields = ["title", "short_title"]
    actions = ["set_status"]

    @admin.action(description=gettext_lazy("标记为已修改、已废止或有效"), permissions=["status"])
    def set_status(self, request: HttpRequest, queryset: QuerySet[LawText]) -> HttpResponse | None:
        form = LawStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for text in queryset:
                try:
                    do_set_law_status(
                        text=text,
                        status=form.cleaned_data["status"],
                        effective_on=form.cleaned_data["effective_on"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
                    done += 1
                except LawStatusError as exc:
                    self.message_user(request, f"{text.short_title}: {exc.message}", messages.WARNING)
            if done:
                self.message_user(request, _("已更改 %(n)d 部法规的时效性") % {"n": done}, messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/knowledge/set_status.html",
            {
                **self.admin_site.each_context(request),
                "title": _("更改时效性"),
                "form": form,
                "texts": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    def has_status_permission(self, request: HttpRequest) -> bool:
        # The same right the action function checks (actions.may_set_law_status).
        return bool(request.user.has_perm("knowledge.change_lawtext"))


@admin.register(LawVersion)
class LawVersionAdmin(ReadOnly):
    list_display = ["text", "version_date", "source_name", "source_version", "source_licence", "imported_at"]
    list_filter = ["source_kind", "source_name"]
    search_fields = ["text__title"]


@admin.register(LawStatusEvent)
class LawStatusEventAdmin(ReadOnly):
    list_display = ["text", "from_status", "to_status", "effective_on", "actor", "at"]


@admin.register(LawImport)
class LawImportAdmin(ReadOnly):
    list_display = ["at", "source_name", "source_version", "source_licence", "texts_created", "versions_created"]
