from django.contrib import admin
from django.urls import include, path

from tiaojie.accounts import views as account_views
from tiaojie.api.urls import api
from tiaojie.notifications.health import healthz
from tiaojie.notifications.prometheus import metrics

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),  # the load balancer's probe (docs/deployment.md)
    path("metrics", metrics, name="metrics"),  # Prometheus, internal addresses only
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch of base.html
    path("accounts/", include("tiaojie.accounts.urls")),
    path("cases/", include("tiaojie.cases.urls")),
    path("hotline/", include("tiaojie.hotline.urls")),
    path("intake/", include("tiaojie.intake.urls")),
    path("mediation/", include("tiaojie.mediation.urls")),
    path("", include("tiaojie.intake.public_urls")),
    path("", include("tiaojie.documents.urls")),
    path("calculators/", include("tiaojie.calculators_web.urls")),
    path("notifications/", include("tiaojie.notifications.urls")),
    path("analytics/", include("tiaojie.analytics.urls")),
    path("reference/", include("tiaojie.reference.urls")),
    path("laws/", include("tiaojie.knowledge.urls")),  # public: the law library (docs/knowledge.md)
    path("api/v1/", api.urls),
    # The admin's login is the staff login's two steps and lockout (docs/security-staff.md), not Django's own.
    path("admin/login/", account_views.AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
]

handler403 = "tiaojie.accounts.views.forbidden"
handler404 = "tiaojie.accounts.views.not_found"
handler500 = "tiaojie.accounts.views.server_error"
