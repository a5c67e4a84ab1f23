"""`{% load stored_text %}{{ basis|translate_stored }}`: a stored Chinese legal basis in the page's language
(tiaojie.lib.stored_text). Here, in the lowest app whose pages show bases, so every app above can load it."""

from __future__ import annotations

from django import template

from tiaojie.lib.stored_text import translate_stored as _translate_stored

register = template.Library()


@register.filter
def translate_stored(text: object) -> object:
    return _translate_stored(text)
