"""`{% load stored_text %}{{ basis|translate_stored }}`: a stored Chinese legal basis in the page's language
(tiaojie.lib.stored_text). Here, in the lowest app whose pages show bases, so every app above can load it."""

from __future__ import annotations

from django import template

from tiaojie.knowledge.templatetags.law_links import law_links as _law_links
from tiaojie.lib.stored_text import translate_stored as _translate_stored

register = template.Library()


@register.filter
def translate_stored(text: object) -> object:
    return _translate_stored(text)


# The linked form (knowledge/templatetags/law_links.py), here too so a template that loads stored_text can
# swap `translate_stored` for `law_links` on one line.
register.filter("law_links", _law_links)
