"""Notifications' part of the retention job (tiaojie.cases.retention, docs/privacy.md): registered from
NotificationsConfig.ready().

A party's notification is a phone number (encrypted) and a text that may carry a tracking or signing code: the
rows of the case's parties are deleted (a row must name a recipient, so the number cannot just be cleared), and
so are those addressed to a worker whose own row the job cleared. Staff notifications stay, their texts scrubbed.
Reminders and breaches hold only deadline labels and stay.
"""

from __future__ import annotations

from django.db.models import Q

from tiaojie.cases.retention import Anonymisation
from tiaojie.notifications.models import Notification


def anonymise(ctx: Anonymisation) -> None:
    parties = Notification.objects.filter(recipient_user__isnull=True).filter(
        Q(case=ctx.case) | Q(recipient_worker_id__in=ctx.cleared_worker_ids)
    )
    deleted, _rows = parties.delete()
    ctx.counts["notifications"] += deleted
    for row in Notification.objects.filter(case=ctx.case, recipient_user__isnull=False):
        subject, text = ctx.scrub(row.subject), ctx.scrub(row.text)
        if (subject, text) != (row.subject, row.text):
            Notification.objects.filter(pk=row.pk).update(subject=subject, text=text)
