"""Views of the documents app: thin — parse, access, action, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiaojie.documents.models import Document


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a document's number, type, date and issuing organisation. No personal data."""
    document = Document.objects.select_related("organisation").filter(verification_code=code.upper()).first()
    versions = list(document.versions.all()) if document else []
    return render(
        request,
        "documents/verify.html",
        {"document": document, "versions": versions, "code": code},
        status=200 if document else 404,
    )


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


case_documents = preview = issue = detail = regenerate = download = record_service = service_scan = letterhead = _todo
