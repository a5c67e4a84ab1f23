"""`{% load hotline_nav %}` … `{% if user|is_hotline_member %}`: the 12351 link in the site header."""

from __future__ import annotations

from django import template

from tiaojie.accounts.models import User
from tiaojie.hotline.access import is_hotline_member as _is_hotline_member

register = template.Library()


@register.filter
def is_hotline_member(user: User) -> bool:
    # At most one query per request, shared with every other membership check (per-request cache).
    return _is_hotline_member(user)
