from django.urls import path

from tiaojie.knowledge import views

app_name = "knowledge"

# The stable scheme (docs/knowledge.md): /laws/<slug>/ and /laws/<slug>/articles/<n>/, n = 47 or 17-1 (之一);
# ?version=<version date> picks an older text. The slug is the short title people cite (劳动合同法).
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:slug>/", views.text_detail, name="text"),
    path("<str:slug>/articles/<str:number>/", views.article_detail, name="article"),
]
