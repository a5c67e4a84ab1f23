from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tiaojie.intake"
    verbose_name = _("受理登记")

    def ready(self) -> None:
        from tiaojie.intake import views  # noqa: F401 - registers the case-page panels
