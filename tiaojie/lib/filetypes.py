"""What an uploaded file really is, from its first bytes (never from its name or the browser's claim).

Shared by evidence (intake) and signed scans and payment proofs (mediation)."""

from __future__ import annotations

import zipfile
from typing import IO


def sniff_file_kind(stream: IO[bytes]) -> str | None:
    """ "pdf", "jpeg", "png", "doc" or "docx"; None for anything else. Leaves the stream at an unknown
    position: callers seek(0) before reading it again."""
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        # A .docx is a zip holding word/document.xml; any other zip is refused.
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
    return None
