from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tiaojie.intake"
    verbose_name = _("受理登记")

    def ready(self) -> None:
        from tiaojie.cases.retention import register_anonymiser
        from tiaojie.intake import retention, suggestion_views, views  # noqa: F401 - they register case-page panels

        register_anonymiser("intake", retention.anonymise, names=retention.names)  # docs/privacy.md
