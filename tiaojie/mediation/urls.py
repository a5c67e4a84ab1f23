from django.urls import path

from tiaojie.mediation import views

app_name = "mediation"
urlpatterns = [
    path("cases/<int:case_id>/contact/", views.employer_contact, name="employer_contact"),
    path("cases/<int:case_id>/similar/", views.similar_cases, name="similar_cases"),
    path("cases/<int:case_id>/negotiation/", views.negotiation_open, name="negotiation_open"),
    path(
        "cases/<int:case_id>/negotiation/<int:negotiation_id>/answer/",
        views.negotiation_answer,
        name="negotiation_answer",
    ),
    path("cases/<int:case_id>/negotiation/<int:negotiation_id>/fail/", views.negotiation_fail, name="negotiation_fail"),
    path(
        "cases/<int:case_id>/negotiation/<int:negotiation_id>/settlement/", views.settlement_record, name="settlement"
    ),
    path(
        "cases/<int:case_id>/settlement/<int:settlement_id>/performance/",
        views.settlement_performance,
        name="settlement_performance",
    ),
    path("cases/<int:case_id>/mediators/", views.assign, name="assign"),
    path("cases/<int:case_id>/mediators/<int:assignment_id>/remove/", views.unassign, name="unassign"),
    path("cases/<int:case_id>/sessions/", views.session_new, name="session_new"),
    path("cases/<int:case_id>/sessions/<int:session_id>/minutes/", views.minutes, name="minutes"),
    path(
        "cases/<int:case_id>/sessions/<int:session_id>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
    path("cases/<int:case_id>/sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("cases/<int:case_id>/fail/", views.fail, name="fail"),
    path("cases/<int:case_id>/agreement/new/", views.agreement_create, name="agreement_create"),
    path("cases/<int:case_id>/agreement/", views.agreement_edit, name="agreement_edit"),
    path("cases/<int:case_id>/agreement/code/", views.sign_send_code, name="sign_send_code"),
    path("cases/<int:case_id>/agreement/sign/code/", views.sign_code, name="sign_code"),
    path("cases/<int:case_id>/agreement/sign/scan/", views.sign_scan, name="sign_scan"),
    path("cases/<int:case_id>/agreement/sign/in-person/", views.sign_in_person, name="sign_in_person"),
    path("cases/<int:case_id>/agreement/void/", views.void_signatures, name="void_signatures"),
    path("cases/<int:case_id>/agreement/confirmation/", views.confirmation, name="confirmation"),
    path(
        "cases/<int:case_id>/agreement/signatures/<int:signature_id>/file/", views.signature_file, name="signature_file"
    ),
    path("cases/<int:case_id>/payments/<int:payment_id>/paid/", views.payment_paid, name="payment_paid"),
    path("cases/<int:case_id>/payments/<int:payment_id>/file/", views.payment_file, name="payment_file"),
    path("cases/<int:case_id>/payment-order/", views.payment_order, name="payment_order"),
    path("cases/<int:case_id>/handoff.json", views.handoff, name="handoff"),
    path("cases/<int:case_id>/ratings/send/", views.ratings_send, name="ratings_send"),
    # Pages for people without an account: the random token is the key.
    path("n/<str:token>/", views.employer_negotiation, name="employer_negotiation"),
    path("r/<str:token>/", views.rate, name="rate"),
]
