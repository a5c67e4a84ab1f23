from django.urls import path, register_converter

from tiaojie.analytics import views


class DivisionCode:
    regex = r"\d{2,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class Format:
    regex = r"csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DivisionCode, "code")
register_converter(Format, "fmt")

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("region/", views.national, name="national"),
    path("region/export/<slug:table>.<fmt:fmt>", views.export_table, name="national_export"),
    path("region/ledger.<fmt:fmt>", views.ledger, name="national_ledger"),
    path("region/<code:code>/", views.region, name="region"),
    path("region/<code:code>/export/<slug:table>.<fmt:fmt>", views.export_table, name="region_export"),
    path("region/<code:code>/ledger.<fmt:fmt>", views.ledger, name="region_ledger"),
    path("org/<int:organisation_id>/", views.organisation, name="org"),
    path("org/<int:organisation_id>/export/<slug:table>.<fmt:fmt>", views.export_table, name="org_export"),
    path("org/<int:organisation_id>/ledger.<fmt:fmt>", views.ledger, name="org_ledger"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/export/<slug:table>.<fmt:fmt>", views.coverage_export, name="coverage_export"),
    path("coverage/<code:code>/", views.coverage_page, name="coverage_region"),
    path("coverage/<code:code>/export/<slug:table>.<fmt:fmt>", views.coverage_export, name="coverage_region_export"),
    path("enterprises/import/", views.import_enterprises, name="import_enterprises"),
]
urlpatterns += [
    path("risk/", views.risk_index, name="risk"),
    path("risk/region/", views.risk_page, name="risk_national"),
    path("risk/region/export.csv", views.risk_export, name="risk_national_export"),
    path("risk/region/employer/<int:employer_id>/", views.risk_employer, name="risk_national_employer"),
    path("risk/<code:code>/", views.risk_page, name="risk_region"),
    path("risk/<code:code>/export.csv", views.risk_export, name="risk_region_export"),
    path("risk/<code:code>/employer/<int:employer_id>/", views.risk_employer, name="risk_employer"),
    path("risk/alerts/<int:alert_id>/acknowledge/", views.risk_acknowledge, name="risk_acknowledge"),
]
