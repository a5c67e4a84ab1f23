"""Chinese texts kept as they were written (a legal basis on a case event, a rule's citation) shown in the
reader's language.

The bases of rules, transitions, deadlines and routing decisions are constant msgids marked with
`gettext_noop`: the code passes and stores the Chinese (events keep what applied when it happened, documents
print it), and a page translates it only when it shows it. An exact msgid gives the catalogue's English; any
other text (an older wording, what a person typed) comes back as it is, never half-translated. A citation
composed in code ("《劳动合同法》第四十七条第一款") is translated by its grammar instead (lib/citations.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext

from tiaojie.lib.citations import english_citation


def translate_stored(text: object) -> object:
    """`text` in the active language when it is one of the catalogue's msgids or, in English, a citation made
    only of titles and article numbers (lib/citations.py); else `text` unchanged. A composed text (the
    calculators' `Text`, or its JSON form kept with a claim) is rebuilt from its translated template."""
    if not text:
        return text  # None stays None; gettext("") would return the catalogue's header
    if hasattr(text, "in_language"):
        return text.in_language(_one)
    if isinstance(text, Mapping) and "template" in text:
        return _composed(text)
    return _one(text)


def _composed(data: Mapping[str, Any]) -> str:
    """The JSON form of a calculators `Text` ({"template": …, "params": {name: str | {...}}}) translated."""
    params = {
        key: _composed(value) if isinstance(value, Mapping) else _one(value)
        for key, value in (data.get("params") or {}).items()
    }
    try:
        return str(_one(data["template"])).format_map(params)
    except (KeyError, IndexError, ValueError):
        # A translation whose placeholders do not match: the Chinese rather than nothing (msgfmt checks them).
        return str(data["template"]).format_map(params)


def _one(text: object) -> str:
    if not text:
        return "" if text is None else str(text)  # gettext("") would return the catalogue's header
    source = str(text)
    translated = gettext(source)
    if translated == source and (get_language() or "").startswith("en"):
        return english_citation(source) or source
    return translated
