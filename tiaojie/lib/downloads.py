"""Serving a stored private file as a download: one place for the headers every such response needs."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from django.http import FileResponse

UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def content_disposition(disposition: str, filename: str, fallback: str) -> str:
    """RFC 6266 / 5987: the Chinese name for browsers that read filename*, an ASCII name for those that don't."""
    filename = UNSAFE_IN_FILENAME.sub("_", filename)
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", fallback)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def private_attachment(
    path: Path, content_type: str, filename: str, fallback: str, *, no_store: bool = False
) -> FileResponse:
    """Always a download with the type we know: a stored file never renders as a page of this site.
    `no_store` for files that print personal data in full (each download is logged, so none is cached)."""
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition("attachment", filename, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if no_store:
        response["Cache-Control"] = "private, no-store"
    return response
