from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tiaojie.intake"
    verbose_name = _("受理登记")
