"""The staff page "my notifications": what the reminders, breaches and other messages told this user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.lib.paging import BadCursor, Keyset
from tiaojie.notifications.access import notifications_visible_to

PAGE_SIZE = 50
# Newest first on the (recipient_user, -id) index; the cursor is the bare id, as ?before=123 has always been.
NOTIFICATION_ORDER = Keyset("-id", opaque=False)


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = notifications_visible_to(request.user)
    before = request.GET.get("before", "")
    try:
        page = NOTIFICATION_ORDER.page(qs, cursor=before, limit=PAGE_SIZE)
    except BadCursor:  # a hand-edited link: the newest page, as the page always did
        page = NOTIFICATION_ORDER.page(qs, limit=PAGE_SIZE)
    return render(
        request,
        "notifications/list.html",
        {"items": page.items, "next_before": page.next_cursor, "paged": bool(before)},
    )
