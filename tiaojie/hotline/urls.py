from django.urls import path

from tiaojie.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.console, name="console"),
    path("calls/new/", views.call_new, name="new"),
    path("calls/<int:call_id>/", views.call_detail, name="detail"),
    path("calls/<int:call_id>/work-order/", views.work_order_open, name="work_order_open"),
    path("calls/<int:call_id>/work-order/close/", views.work_order_close, name="work_order_close"),
    path("calls/<int:call_id>/convert/", views.call_convert, name="convert"),
    path("calls/<int:call_id>/rating/", views.call_rate, name="rate"),
    path("calls/<int:call_id>/reveal-phone/", views.reveal_phone, name="reveal_phone"),
]
