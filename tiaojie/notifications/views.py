"""The staff page "my notifications": what the reminders, breaches and other messages told this user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
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
    qs = notifications_visible_to(request.user).select_related("case")  # each row names its case by number
    before = request.GET.get("before", "")
    status = 200
    try:
        page = NOTIFICATION_ORDER.page(qs, cursor=before, limit=PAGE_SIZE)
    except BadCursor:  # a link no page wrote: say so with a 400, and show the newest page (docs/api.md)
        messages.error(request, _("翻页参数无效（链接可能被改动或不完整），下面显示的是最新的通知。"))
        page = NOTIFICATION_ORDER.page(qs, limit=PAGE_SIZE)
        before, status = "", 400
    return render(
        request,
        "notifications/list.html",
        {"items": page.items, "next_before": page.next_cursor, "paged": bool(before)},
        status=status,
    )
