from django.core.management.base import BaseCommand, CommandError

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: object, username: str, name: str, **options: object) -> None:
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user named {username!r}") from exc
        self.stdout.write(do_create_api_token(user=user, name=name))
