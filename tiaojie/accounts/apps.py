from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tiaojie.accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from tiaojie.accounts import chains, signals  # noqa: F401 - connects the login audit receivers

        chains.register()  # the audit tables `tiaojie verify-audit` checks
