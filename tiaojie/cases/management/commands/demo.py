from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiaojie.demo import build_demo, demo_exists


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
        self.stdout.write(
            "\nDemo logins (password: tiaojie-demo) at http://127.0.0.1:8000/accounts/login/\n"
            "  mediator_a         调解员, 余杭区仓前街道劳动人事争议调解中心 (organisation A)\n"
            "  admin_a            组织管理员, organisation A\n"
            "  mediator_b         调解员, 西湖区蒋村街道劳动人事争议调解中心 (organisation B)\n"
            "  supervisor_county  县级监督（余杭区人社局）: reads every case in 余杭区\n"
            "  operator_12351     12351 热线话务员 (registers cases)\n"
        )
