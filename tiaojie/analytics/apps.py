from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tiaojie.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from tiaojie.analytics import rollups
        from tiaojie.cases.actions import case_changed
        from tiaojie.cases.models import CaseEvent

        case_changed.connect(rollups.on_case_changed, dispatch_uid="analytics.rollups.case_changed")
        post_save.connect(rollups.on_case_event_saved, sender=CaseEvent, dispatch_uid="analytics.rollups.case_event")
