from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tiaojie.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from tiaojie.analytics import rollups
        from tiaojie.cases.actions import case_changed

        # Every CaseEvent goes through cases.actions.record_case_event, which sends this on commit: no
        # post_save fallback is needed (tiaojie/tests/test_architecture.py keeps it that way).
        case_changed.connect(rollups.on_case_changed, dispatch_uid="analytics.rollups.case_changed")
