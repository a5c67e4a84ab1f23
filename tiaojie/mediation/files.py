"""Signed scans and payment proofs (and the documents app's service scans): a PDF, JPEG or PNG, checked and kept
by lib.uploads (read from the content, never from the name or the browser's claim; stored under
PRIVATE_MEDIA_ROOT). Only what is particular to scans lives here: the kinds and the words for a file refused."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext_lazy

from tiaojie.lib.uploads import KINDS, BadUpload, StoredFile, UploadRules, remove_stored, store_upload

SCAN_RULES = UploadRules(
    kinds=("pdf", "jpeg", "png"),
    wrong_kind=gettext_lazy("只接受 PDF、JPEG 或 PNG 文件；该文件的内容不是这几种格式"),
)
# kind -> (content type, extension) of the kinds a scan may be; the download views check a row's kind in it
FILE_TYPES = {kind: KINDS[kind] for kind in SCAN_RULES.kinds}

__all__ = [
    "FILE_TYPES",
    "SCAN_RULES",
    "BadUpload",
    "StoredFile",
    "check_upload",
    "remove_stored",
    "store_upload",
]


def check_upload(upload: IO[bytes], size: int) -> str:
    """The kind of a scan, or BadUpload with a message for the user."""
    return SCAN_RULES.check(upload, size)
