from django.core.management.base import BaseCommand

from tiaojie.reference.calendar import clear_calendar_cache
from tiaojie.reference.loaders import load_calendar


class Command(BaseCommand):
    help = "Seed the holiday and 调休 table from chinese-calendar (2004–2026); keeps edited rows."

    def handle(self, *args: object, **options: object) -> None:
        added = load_calendar()
        clear_calendar_cache()
        self.stdout.write(f"calendar days added: {added}")
