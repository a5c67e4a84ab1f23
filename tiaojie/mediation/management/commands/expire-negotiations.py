"""`tiaojie expire-negotiations`: mark negotiation requests unanswered after 5 days as unwilling and bring the
cases back to mediation. Idempotent; the deadline watcher may call the same action instead."""

from django.core.management.base import BaseCommand

from tiaojie.mediation.actions import do_expire_negotiations


class Command(BaseCommand):
    help = "Expire negotiation requests not answered within 5 days (企业劳动争议协商调解规定)."

    def handle(self, *args, **options) -> None:
        expired = do_expire_negotiations()
        self.stdout.write(f"expired {len(expired)} negotiation(s)")
