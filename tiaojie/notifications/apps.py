from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tiaojie.notifications"
    verbose_name = _("通知与期限提醒")

    def ready(self) -> None:
        # The case clocks are this app's source; mediation registers its own periods from its own ready()
        # (the registry is in tiaojie.cases.deadlines, below both apps).
        from tiaojie.cases.deadlines import register_deadline_source
        from tiaojie.cases.retention import register_anonymiser
        from tiaojie.notifications import retention
        from tiaojie.notifications.watcher import case_clock_deadlines

        register_deadline_source(case_clock_deadlines)
        register_anonymiser("notifications", retention.anonymise)  # docs/privacy.md
