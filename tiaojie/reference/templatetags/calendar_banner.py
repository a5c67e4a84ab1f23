"""`{% load calendar_banner %}{% calendar_banner %}`: from 1 November, tells administrators that next year's
holiday arrangement is missing (every deadline counted into it is uncertain until it is entered)."""

from __future__ import annotations

from typing import Any

from django import template

from tiaojie.reference.actions import may_edit_calendar as _may_edit_calendar
from tiaojie.reference.views import missing_next_year

register = template.Library()


@register.inclusion_tag("reference/_banner.html", takes_context=True)
def calendar_banner(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    year = missing_next_year() if _may_edit_calendar(user) else None
    return {"missing_year": year}


@register.filter
def may_edit_calendar(user: object) -> bool:
    """The 节假日安排 link in the site header."""
    return _may_edit_calendar(user)
