import importlib
import importlib.util

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tiaojie.notifications"
    verbose_name = _("通知与期限提醒")

    def ready(self) -> None:
        from tiaojie.notifications.watcher import case_clock_deadlines, register_deadline_source

        register_deadline_source(case_clock_deadlines)
        # The mediation app's own periods (agreement review, performance …), once it provides them. A module
        # that exists but fails to import is an error worth stopping for, so only its absence is tolerated.
        if apps.is_installed("tiaojie.mediation") and importlib.util.find_spec("tiaojie.mediation.deadlines"):
            module = importlib.import_module("tiaojie.mediation.deadlines")
            register_deadline_source(module.mediation_deadlines)
