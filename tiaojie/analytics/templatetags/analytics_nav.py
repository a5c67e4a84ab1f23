"""`{% load analytics_nav %}` … `{% if user|may_see_statistics %}`: the 统计 link in the site header."""

from __future__ import annotations

from django import template

from tiaojie.accounts.models import User
from tiaojie.analytics.access import may_see_statistics as _may_see_statistics

register = template.Library()


@register.filter
def may_see_statistics(user: User) -> bool:
    # Uses the per-request membership and scope caches: at most two queries, shared with other checks.
    return user.is_authenticated and _may_see_statistics(user)
