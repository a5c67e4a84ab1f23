from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "tiaojie.site"
    label = "tiaojie_site"
    verbose_name = _("站点")
