from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "tiaojie.hotline"
    verbose_name = _("12351热线")

    def ready(self) -> None:
        from tiaojie.cases.retention import register_anonymiser
        from tiaojie.hotline import actions, retention  # noqa: F401 - actions connects the calendar recount

        register_anonymiser("hotline", retention.anonymise, names=retention.names)  # docs/privacy.md
