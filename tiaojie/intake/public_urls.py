"""Public pages (no account): the online application and the tracking page. Mounted at the site root."""

from django.urls import path

from tiaojie.intake import privacy_views, triage_views
from tiaojie.intake import public_views as views

app_name = "public"
urlpatterns = [
    path("apply/", views.apply_start, name="apply"),
    path("apply/employers/", views.employer_search, name="employer_search"),
    path("apply/divisions/", views.division_options, name="divisions"),
    path("apply/done/", views.apply_done, name="apply_done"),
    # Guided triage before the application (issue 15 item 7): before apply/<slug:step>/ like the pages above.
    path("apply/guide/", triage_views.guide_start, name="guide"),
    path("apply/guide/result/", triage_views.guide_result, name="guide_result"),
    path("apply/guide/apply/", triage_views.guide_apply, name="guide_apply"),
    path("apply/guide/<slug:step>/", triage_views.guide_step, name="guide_step"),
    path("apply/privacy/", privacy_views.privacy_notice, name="privacy"),  # before apply/<slug:step>/
    path("apply/<slug:step>/", views.apply_step, name="apply_step"),
    path("track/", views.track, name="track"),
    path("track/unlock/code/", views.track_unlock_code, name="track_unlock_code"),
    path("track/unlock/", views.track_unlock, name="track_unlock"),
    path("track/evidence/", views.track_evidence, name="track_evidence"),
    path("track/withdraw/", views.track_withdraw, name="track_withdraw"),
    path("track/withdraw/code/", views.track_withdraw_code, name="track_withdraw_code"),
    path("track/leave/", views.track_leave, name="track_leave"),
]
