from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tiaojie.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from tiaojie.analytics import rollups
        from tiaojie.cases.actions import case_changed, case_event_recorded

        # Every CaseEvent goes through cases.actions.record_case_event, which sends case_event_recorded inside
        # the action's transaction: the case is marked for a refresh by the task worker (rollups.mark_pending).
        # No post_save fallback is needed (tiaojie/tests/test_architecture.py keeps it that way).
        case_event_recorded.connect(rollups.on_case_event, dispatch_uid="analytics.rollups.case_event_recorded")
        # The one change without an event: cases moved with their organisation's division (cases.signals).
        case_changed.connect(rollups.on_case_changed, dispatch_uid="analytics.rollups.case_changed")
