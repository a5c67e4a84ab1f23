"""Admin building blocks. Read-only pages: the shared answer for the apps whose rows are written through
actions only; HistoryAdmin: configuration tables whose history may be read, never reverted.

The apps that use it say why on their own admin module (an edit or a delete there would bypass the action that
numbers, logs or moves a row); this is only the three permission answers they all give. The lowest layer:
nothing here knows a tiaojie model."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyPermissions:
    """No add, change or delete, superusers included: mixed into a ModelAdmin or an inline alike.

    `obj` is optional on add because Django asks an inline with the parent object and a ModelAdmin without."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    pass


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a configuration table with a history (who changed what; 历史 on each row's page).

    The history is for reading only. simple-history's "revert" form saves an old version as a whole, and
    takes a POST from anyone who may merely view the row (3.13 checks view permission only); it would also
    put back fields whose changes must go through an action (an organisation's division moves its cases).
    Shared by the configuration admins of reference, organisations and calculators_web."""

    def revert_disabled(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
