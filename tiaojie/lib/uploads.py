"""Files kept under PRIVATE_MEDIA_ROOT, outside the web root and never served directly: the one store for
evidence (intake), signed scans and payment proofs (mediation), service scans, seals, rendered documents and
case files (documents).

- An upload is checked before it is kept: not empty, within its size limit, and of a kind its caller accepts,
  the kind read from its first bytes (lib.filetypes), never from its name or the browser's claim. Each caller
  says what it accepts and what the user is told otherwise (UploadRules).
- A file is written once under a random name in its folder, never overwritten and never executable, with its
  SHA-256 computed as it is written: rows record the hash, and a file changed later no longer matches it.
- The caller writes the file before the row that names it and removes it again (remove_stored) when the row is
  not saved, so no file is left that nothing names.
- Reading back goes through private_path / existing_file; a download through stored_attachment (lib.downloads).

The lowest layer: it knows no tiaojie model."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.lib.downloads import private_attachment
from tiaojie.lib.filetypes import sniff_file_kind

# kind (lib.filetypes) -> (content type, extension of the stored file)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "doc": ("application/msword", ".doc"),
}

CHUNK = 65536
# Read only, for the owner and the group the web server shares: a stored file is never rewritten (its SHA-256 is
# on record) and never executed.
FILE_MODE = 0o440


TOO_BIG = gettext_lazy("文件太大：不超过 %(mb)d MB")


class BadUpload(ValueError):
    """An upload refused, with what the user is told: `message` above the form, `field_message` (shorter, or
    the same) beside the file field."""

    def __init__(self, message: str, field_message: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field_message = field_message or message


@dataclass(frozen=True)
class UploadRules:
    """What one kind of upload may be, and the words for a file that is not. Messages are lazy, so that rules
    can be module constants; `too_big` gets %(mb)d, the limit in MB."""

    kinds: tuple[str, ...]
    wrong_kind: str | Promise
    wrong_kind_field: str | Promise = ""
    too_big: str | Promise = TOO_BIG
    too_big_field: str | Promise = ""
    # None: settings.EVIDENCE_MAX_BYTES, read at each check (a deployment's setting, changed by tests)
    max_bytes: int | None = None

    @property
    def limit(self) -> int:
        return settings.EVIDENCE_MAX_BYTES if self.max_bytes is None else self.max_bytes

    def check(self, upload: IO[bytes], size: int) -> str:
        """The upload's kind, or BadUpload. Leaves the stream at an unknown position (store_upload rewinds)."""
        if size <= 0:
            raise BadUpload(_("文件是空的"))
        if size > self.limit:
            message = str(self.too_big) % {"mb": self.limit // (1024 * 1024)}
            raise BadUpload(message, str(self.too_big_field))
        kind = sniff_file_kind(upload)
        if kind not in self.kinds:
            raise BadUpload(str(self.wrong_kind), str(self.wrong_kind_field))
        return kind  # one of self.kinds, so never None


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to PRIVATE_MEDIA_ROOT, "<folder>/<random hex><extension>"
    sha256: str
    size: int
    kind: str = ""  # an upload's kind (KINDS); "" for a file this site generated
    name: str = ""  # an upload's own name, without any folder, for the download


def store_upload(upload: IO[bytes], *, name: str, kind: str, folder: str) -> StoredFile:
    """Keep an upload already checked (UploadRules.check) as its kind."""
    upload.seek(0)
    stored = _write(iter(lambda: upload.read(CHUNK), b""), folder, KINDS[kind][1])
    return StoredFile(stored.path, stored.sha256, stored.size, kind=kind, name=Path(name).name[:200])


def save_upload(upload: IO[bytes], size: int, *, name: str, folder: str, rules: UploadRules) -> StoredFile:
    """Check an upload and keep it; BadUpload leaves nothing behind."""
    return store_upload(upload, name=name, kind=rules.check(upload, size), folder=folder)


def store_bytes(data: bytes, *, folder: str, suffix: str) -> StoredFile:
    """Keep a file this site made (a rendered document, a case file, a checked seal)."""
    return _write([data], folder, suffix)


def _write(chunks: Iterable[bytes], folder: str, suffix: str) -> StoredFile:
    relative = f"{folder}/{uuid.uuid4().hex}{suffix}"
    target = private_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    out = target.open("xb")  # never overwrite: a stored file is immutable (FileExistsError, the file untouched)
    try:
        with out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        target.chmod(FILE_MODE)
    except BaseException:
        target.unlink(missing_ok=True)  # the half-written file this call created is nobody's
        raise
    return StoredFile(path=relative, sha256=digest.hexdigest(), size=size)


def remove_stored(*stored: StoredFile | None) -> None:
    """Remove files whose rows were not saved (a failed transaction, a job given up)."""
    for item in stored:
        if item is not None:
            private_path(item.path).unlink(missing_ok=True)


def private_path(relative: str) -> Path:
    """Where a stored file is. ValueError for a path that would leave PRIVATE_MEDIA_ROOT (paths come from
    rows this site wrote, but a bad row must not reach other files)."""
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or ".." in pure.parts or "\\" in relative:
        raise ValueError(f"not a stored file's path: {relative!r}")
    return Path(settings.PRIVATE_MEDIA_ROOT, *pure.parts)


def existing_file(relative: str) -> Path | None:
    """The stored file, or None when a row names none ("") or the file is gone."""
    try:
        path = private_path(relative)
    except ValueError:
        return None
    return path if path.is_file() else None


def stored_attachment(
    relative: str, kind: str, filename: str, fallback: str, *, no_store: bool = False
) -> FileResponse:
    """A stored file as a download of its checked kind (lib.downloads.private_attachment); 404 when the row
    names no file, an unknown kind, or the file is gone."""
    path = existing_file(relative)
    if path is None or kind not in KINDS:
        raise Http404
    return private_attachment(path, KINDS[kind][0], filename or path.name, fallback, no_store=no_store)


def sha256_of(stream: IO[bytes]) -> str:
    """The SHA-256 of a whole stream (an upload to compare with a stored file's)."""
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()
