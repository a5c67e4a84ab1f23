from django.core.management.base import BaseCommand

from tiaojie.reference.loaders import load_divisions


class Command(BaseCommand):
    help = "Load administrative divisions (NBS 2023, china-division 2.7.0); idempotent."

    def handle(self, *args: object, **options: object) -> None:
        added = load_divisions()
        self.stdout.write(f"divisions added: {added}")
