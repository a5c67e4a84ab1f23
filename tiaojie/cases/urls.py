from django.urls import path

from tiaojie.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/events/", views.case_events, name="events"),
    path("<int:case_id>/transition/", views.case_transition, name="transition"),
    path("<int:case_id>/extend/", views.case_extend, name="extend"),
    path("<int:case_id>/claims/", views.claim_add, name="claim_add"),
    path("<int:case_id>/claims/<int:claim_id>/", views.claim_edit, name="claim_edit"),
    path("<int:case_id>/claims/<int:claim_id>/remove/", views.claim_remove, name="claim_remove"),
    path("<int:case_id>/workers/<int:worker_id>/reveal/<str:field>/", views.worker_reveal, name="reveal"),
]
