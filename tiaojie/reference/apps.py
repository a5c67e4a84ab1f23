from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "tiaojie.reference"
    verbose_name = _("参考数据")

    def ready(self) -> None:
        # Both connect the signals that clear their cache and move their revision on a change.
        from tiaojie.reference import calendar, rules  # noqa: F401
