from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalculatorsWebConfig(AppConfig):
    """The three doors to the pure calculator library (`tiaojie.calculators`): the `tiaojie calc` command,
    the API router and the web pages, plus the local wage tables they may look values up in."""

    name = "tiaojie.calculators_web"
    label = "calculators_web"
    verbose_name = _("计算器")
