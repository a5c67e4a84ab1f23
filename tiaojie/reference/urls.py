from django.urls import path

from tiaojie.reference import views

app_name = "reference"

urlpatterns = [
    path("calendar/", views.calendar_years, name="calendar"),
    path("calendar/enter/", views.enter_year, name="calendar_enter"),
]
