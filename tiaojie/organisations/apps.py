from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "tiaojie.organisations"
    verbose_name = _("组织与用人单位")
