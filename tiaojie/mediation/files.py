"""Uploaded signed scans and payment proofs: the type is read from the content (magic bytes), never from the
name or the browser's claim, and the file is stored outside the web root under PRIVATE_MEDIA_ROOT."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from tiaojie.lib.filetypes import sniff_file_kind

# kind -> (content type, extension)
FILE_TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
}


class BadUpload(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to PRIVATE_MEDIA_ROOT
    kind: str
    name: str
    sha256: str


def check_upload(upload: IO[bytes], size: int) -> str:
    """The kind of an upload, or BadUpload with a message for the user."""
    if size <= 0:
        raise BadUpload(_("文件是空的"))
    if size > settings.EVIDENCE_MAX_BYTES:
        raise BadUpload(_("文件太大：不超过 %(mb)d MB") % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)})
    kind = sniff_file_kind(upload)
    if kind not in ("pdf", "jpeg", "png"):
        raise BadUpload(_("只接受 PDF、JPEG 或 PNG 文件；该文件的内容不是这几种格式"))
    return kind


def store_upload(upload: IO[bytes], *, name: str, kind: str, folder: str) -> StoredFile:
    """Write a checked upload to PRIVATE_MEDIA_ROOT/<folder>/; the caller deletes it if its row is not saved."""
    relative = f"{folder}/{uuid.uuid4().hex}{FILE_TYPES[kind][1]}"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    upload.seek(0)
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.read(65536), b""):
            digest.update(chunk)
            out.write(chunk)
    target.chmod(0o640)  # never executable
    return StoredFile(path=relative, kind=kind, name=Path(name).name[:200], sha256=digest.hexdigest())


def stored_path(relative: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / relative


def remove_stored(stored: StoredFile | None) -> None:
    if stored is not None:
        stored_path(stored.path).unlink(missing_ok=True)
