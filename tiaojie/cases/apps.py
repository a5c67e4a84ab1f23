from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tiaojie.cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        from tiaojie.cases import deadlines, signals, state  # noqa: F401 - connects the receivers of the lower apps' hooks
