"""`tiaojie update_translations`: re-extract the English catalogue and compile it (docs/i18n.md).

Chinese is the source language: every msgid is Simplified Chinese and `tiaojie/locale/en/LC_MESSAGES/django.po`
holds the English. This command is the one repeatable way to refresh it after strings change: makemessages
(xgettext + msgmerge keep the existing translations; new strings arrive empty, changed ones fuzzy), then the
compiled `.mo`, which is committed so a machine without GNU gettext still serves English. The test
`tiaojie/site/tests/test_translations.py` runs the same extraction into a temporary copy and fails on any
empty or fuzzy entry.
"""

import fcntl
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

# What makemessages must not read: the environment, generated data, and code no user ever sees (tests,
# migrations, benchmarks, vendored minified JS). `*/locale` keeps the walk from adopting tiaojie/locale as
# an app catalogue, so --locale-dir really decides where the catalogue is written.
IGNORE = [
    ".venv",
    ".venv-bootstrap",
    "var",
    "bench",
    "scripts",
    "conftest.py",
    "*/tests/*",
    "*/migrations/*",
    "*/vendor/*",
    "*.min.js",
    "*/locale",
    "node_modules",
]
REPO_ROOT = Path(settings.BASE_DIR)


def extract(locale_dir: Path) -> None:
    """makemessages for English into locale_dir (its en/LC_MESSAGES/django.po is merged, not replaced)."""
    cwd = os.getcwd()
    # makemessages writes a temporary NAME.html.py beside every template and deletes it after: two runs in one
    # checkout at once (the SQLite and PostgreSQL suites side by side) delete each other's. One at a time.
    # The lock is in the checkout itself, whatever var directory each run was given.
    (REPO_ROOT / "var").mkdir(exist_ok=True)
    with (REPO_ROOT / "var" / "makemessages.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.chdir(REPO_ROOT)  # makemessages walks the current directory
        try:
            with override_settings(LOCALE_PATHS=[str(locale_dir)]):
                call_command(
                    "makemessages",
                    locale=["en"],
                    domain="django",
                    ignore_patterns=IGNORE,
                    no_location=True,
                    no_obsolete=True,
                    verbosity=0,
                )
        finally:
            os.chdir(cwd)
    # The creation date changes on every run: dropped, so a run that finds nothing new changes nothing and two
    # branches that both re-extract do not conflict on it.
    po = locale_dir / "en" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(
        "".join(line for line in text.splitlines(keepends=True) if not line.startswith('"POT-Creation-Date:'))
    )


class Command(BaseCommand):
    help = "Re-extract the English catalogue (tiaojie/locale) from code and templates and compile the .mo."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--locale-dir", default=str(settings.LOCALE_PATHS[0]))

    def handle(self, *args: object, locale_dir: str, **options: object) -> None:
        extract(Path(locale_dir))
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command("compilemessages", locale=["en"], ignore_patterns=[".venv*", "var"], verbosity=0)
        self.stdout.write(f"English catalogue updated in {locale_dir}; untranslated: scripts/translations todo")
