"""`{% load law_links %}{{ basis|law_links }}` (or `{{ basis|law_links:day }}` for the version in force on a
day): a stored legal basis in the page's language, escaped, each citation the library holds a link to its
article (knowledge/links.py). It replaces `translate_stored` where a basis is shown, and does what that does
first.

In Chinese the citations are found in the text as shown. In English a basis made only of citations is shown
as lib/citations.py translates it, each group between "；" linked to its first article, and only when the
linked English reads exactly as the unlinked would; other English text is shown unlinked (its citations are
no longer in the grammar's Chinese form).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tiaojie.knowledge.links import citation_url, link_citations
from tiaojie.lib.citations import english_citation, find_citations
from tiaojie.lib.stored_text import translate_stored

register = template.Library()


@register.filter
def law_links(text: object, on: object = None) -> object:
    if not text:
        return text
    day = on.date() if isinstance(on, dt.datetime) else on if isinstance(on, dt.date) else None
    shown = str(translate_stored(text))
    if isinstance(text, str) and shown != text and shown == english_citation(text):
        english = _english_links(text, day)
        if english is not None:
            return english
    return link_citations(shown, day)


@register.filter
def law_links_absolute(text: object) -> object:
    """For the PDF documents: the text as written (documents are in Chinese), each citation the library holds a
    link to its article at PUBLIC_BASE_URL, so a reader of the PDF on a screen opens the article. The printed
    text is unchanged (the layout draws links like the text around them)."""
    if not text:
        return text
    return link_citations(str(text), None, base=settings.PUBLIC_BASE_URL.rstrip("/"))


def _english_links(source: str, day: dt.date | None) -> SafeString | None:
    whole = english_citation(source)
    if whole is None:
        return None
    pieces: list[str] = []
    plain: list[str] = []
    for group in source.split("；"):
        english = english_citation(group) if group else ""
        if english is None:
            return None
        plain.append(english)
        url = next(filter(None, (citation_url(c, day) for c in find_citations(group))), None)
        pieces.append(format_html('<a class="law-link" href="{}">{}</a>', url, english) if url else escape(english))
    if "; ".join(plain) != whole:
        return None
    return mark_safe("; ".join(pieces))  # noqa: S308 - each piece escaped by escape or format_html
