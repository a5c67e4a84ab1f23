"""The case file (卷宗) and the JSON export of a case."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


request_case_file = case_file_status = case_file_download = case_export = _todo
