from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "tiaojie.mediation"
    verbose_name = _("协商与调解")

    def ready(self) -> None:
        from tiaojie.mediation import panels, signals  # noqa: F401 - registers case-page panels and receivers
