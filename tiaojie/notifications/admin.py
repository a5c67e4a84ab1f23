"""Read-only admin: reminders, breaches and notifications are written by the watcher and actions only. No
delete either, superusers included: a reminder's unique key is what stops it being sent twice (a deleted one may be
sent again by the next watcher run), and a deleted breach would erase the record that a case's deadline passed."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tiaojie.lib.admin import ReadOnlyAdmin
from tiaojie.notifications.models import DeadlineBreach, Notification, Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["key", "offset_days", "case", "kind", "due", "remind_at", "recipients", "created_at"]
    list_filter = ["kind", "offset_days"]
    search_fields = ["key"]
    raw_id_fields = ["case"]


@admin.register(DeadlineBreach)
class DeadlineBreachAdmin(ReadOnlyAdmin):
    list_display = ["key", "case", "kind", "due", "detected_at", "case_status"]
    list_filter = ["kind"]
    search_fields = ["key"]
    raw_id_fields = ["case"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "recipient_user",
        "recipient_phone_masked",
        "channel",
        "template_key",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "channel", "template_key"]
    list_select_related = ["recipient_user"]
    # The encrypted phone never leaves the database through the admin; the masked one identifies it. An SMS
    # text is shown redacted (Notification.shown_text): a tracking or signing code in it would let staff act
    # as the party.
    exclude = ["recipient_phone_encrypted", "claim_token", "text"]
    readonly_fields = ["shown_text"]
    raw_id_fields = ["recipient_user", "recipient_worker", "case", "reminder", "breach"]

    @admin.display(description=_("内容"))
    def shown_text(self, obj: Notification) -> str:
        return obj.shown_text
