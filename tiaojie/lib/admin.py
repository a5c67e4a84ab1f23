"""Read-only admin pages: the shared answer for the apps whose rows are written through actions only.

The apps that use it say why on their own admin module (an edit or a delete there would bypass the action that
numbers, logs or moves a row); this is only the three permission answers they all give. The lowest layer:
nothing here knows a tiaojie model."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


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
