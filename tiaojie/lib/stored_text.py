"""Chinese texts kept as they were written (a legal basis on a case event, a rule's citation) shown in the
reader's language.

The bases of rules, transitions, deadlines and routing decisions are constant msgids marked with
`gettext_noop`: the code passes and stores the Chinese (events keep what applied when it happened, documents
print it), and a page translates it only when it shows it. An exact msgid gives the catalogue's English; any
other text (an older wording, what a person typed) comes back as it is, never half-translated.
"""

from __future__ import annotations

from django.utils.translation import gettext


def translate_stored(text: object) -> object:
    """`text` in the active language when it is one of the catalogue's msgids, else `text` unchanged."""
    if not text:
        return text  # gettext("") would return the catalogue's header
    return gettext(str(text))
