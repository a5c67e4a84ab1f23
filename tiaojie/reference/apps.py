from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "tiaojie.reference"
    verbose_name = _("参考数据")

    def ready(self) -> None:
        from tiaojie.reference import calendar  # noqa: F401 - connects the cache-clearing signals
