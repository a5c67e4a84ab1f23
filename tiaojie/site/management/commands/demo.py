from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiaojie.demo import PERSONAS, build_demo, demo_exists, seed_law_library


class Command(BaseCommand):
    help = "Load demo data (organisations, personas, cases) and print the demo logins. DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--cases", type=int, default=300)

    def handle(self, *args: object, seed: int, cases: int, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data has public passwords: refused with DEBUG off. Run with DEBUG=1.")
        if demo_exists():
            self.stdout.write("Demo data already loaded.")
        else:
            build_demo(seed=seed, cases=cases)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {cases} cases (seed {seed})."))
        for line in seed_law_library():
            self.stdout.write(line)
        self.stdout.write(
            f"\nDemo logins (password: {settings.DEMO_PASSWORD}) at http://127.0.0.1:8000/accounts/login/"
        )
        for username, _, description in PERSONAS:
            self.stdout.write(f"  {username:<18} {description}")
