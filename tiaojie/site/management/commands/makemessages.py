"""Django's makemessages, also extracting the calculators' `msg("…")` texts (tiaojie/calculators/core.py).

The calculators are pure Python and cannot call gettext, so they build their step texts with `msg()`, which
keeps the Chinese template for a page to translate later; this tells xgettext that `msg`'s first argument is
a msgid, as it already knows `gettext_noop`'s."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=msg"]
