from django.urls import path

from tiaojie.notifications import receipts, status, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("sms-receipts/", receipts.sms_receipts, name="sms_receipts"),
    path("system/", status.system_status, name="system_status"),
]
