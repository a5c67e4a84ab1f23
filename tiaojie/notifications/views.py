"""The staff page "my notifications": what the reminders, breaches and other messages told this user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.notifications.access import notifications_visible_to

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = notifications_visible_to(request.user).order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))  # keyset paging: no OFFSET
    items = list(qs[: PAGE_SIZE + 1])
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    return render(
        request,
        "notifications/list.html",
        {"items": items, "next_before": items[-1].pk if more else None, "paged": bool(before)},
    )
