from django.urls import path

from tiaojie.calculators_web import views

app_name = "calculators"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>/", views.calculator, name="calculator"),
    path("<slug:name>/add-to-case/<int:case_id>/", views.add_to_case, name="add_to_case"),
]
