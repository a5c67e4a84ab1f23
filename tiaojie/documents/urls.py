"""Staff routes under /documents/ (STAFF_URLS) and the public verification page at /v/<code>/ (PUBLIC_URLS)."""

from django.urls import path

from tiaojie.documents import casefile_views, tracking, views

app_name = "documents"

urlpatterns = [
    # Public: what a QR code on a printed document opens.
    path("v/<str:code>/", views.verify, name="verify"),
    # Public: the worker's tracking session downloads a document served on them (documents/tracking.py).
    path("track/documents/<int:document_id>.pdf", tracking.track_download, name="track_download"),
    # Staff (views.py)
    path("documents/case/<int:case_id>/", views.case_documents, name="case_documents"),
    path("documents/case/<int:case_id>/preview/<str:kind>/", views.preview, name="preview"),
    path("documents/case/<int:case_id>/issue/", views.issue, name="issue"),
    path("documents/<int:document_id>/", views.detail, name="detail"),
    path("documents/<int:document_id>/regenerate/", views.regenerate, name="regenerate"),
    path("documents/<int:document_id>/v<int:version>.<str:ext>", views.download, name="download"),
    path("documents/<int:document_id>/service/", views.record_service, name="service"),
    path("documents/service/<int:service_id>/scan/", views.service_scan, name="service_scan"),
    path("documents/letterhead/<int:organisation_id>/", views.letterhead, name="letterhead"),
    # The case file and the JSON export (casefile_views.py)
    path("documents/case/<int:case_id>/casefile/", casefile_views.request_case_file, name="casefile_request"),
    path("documents/casefile/<int:job_id>/", casefile_views.case_file_status, name="casefile_status"),
    path("documents/casefile/<int:job_id>/file.pdf", casefile_views.case_file_download, name="casefile_download"),
    path("documents/case/<int:case_id>/export.json", casefile_views.case_export, name="export"),
]
