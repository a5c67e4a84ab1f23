"""`{% live_mark "dotted.name" %}`: a host panel's template places an inline live panel (cases.panels)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from tiaojie.cases.page_cache import mark_for

register = template.Library()


@register.simple_tag
def live_mark(name: str) -> SafeString:
    return mark_safe(mark_for(name))  # noqa: S308 - a fixed HTML comment around a dotted Python name
