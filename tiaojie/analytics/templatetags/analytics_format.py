"""`{% load analytics_format %}` … `{{ value|stat:kind }}`: one number as the statistics pages show it."""

from __future__ import annotations

from typing import Any

from django import template

from tiaojie.analytics.tables import format_value

register = template.Library()


@register.filter
def stat(value: Any, kind: str) -> str:
    return format_value(value, kind)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
