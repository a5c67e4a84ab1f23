from django.urls import path

from tiaojie.intake import suggestion_views, views

app_name = "intake"
urlpatterns = [
    path("new/", views.assisted_intake, name="new"),
    path("cases/<int:case_id>/reroute/", views.reroute, name="reroute"),
    path("cases/<int:case_id>/duplicate/", views.resolve_duplicate, name="resolve_duplicate"),
    path("cases/<int:case_id>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("cases/<int:case_id>/evidence/<int:evidence_id>/", views.download_evidence, name="evidence"),
    path("suggest/", suggestion_views.suggest_live, name="suggest"),
    path("cases/<int:case_id>/dispute-type/", suggestion_views.confirm_dispute_types, name="confirm_dispute_types"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
