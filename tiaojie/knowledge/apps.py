from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "tiaojie.knowledge"
    verbose_name = _("法律法规库")
