from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "tiaojie.hotline"
    verbose_name = _("12351热线")
