"""Documents built through the real actions (docs/style.md habit 9), for this app's tests and any other app's.

- `accepted_case(org, user)`: a case created and accepted through the real actions (the 受理通知书 applies).
- `issue(case, user, kind=..., subject=...)`: `do_issue_document`, returning the numbered Document.
- `seal_png()`: a small, valid RGBA PNG (a red ring on transparency) for letterhead tests.
- `anonymous_workers()`: case overrides for workers with no ID or phone number, so nothing a document prints
  is a full personal number (no PiiAccessLog row: the append-only log cannot be flushed on SQLite after a
  live_server test).
"""

from __future__ import annotations

import struct
import zlib

from tiaojie.accounts.models import User
from tiaojie.cases.actions import Actor, WorkerInput, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind
from tiaojie.documents.actions import do_issue_document
from tiaojie.documents.models import Document, Kind
from tiaojie.organisations.models import Organisation
from tiaojie.reference.tests.factories import cover_years_ahead

WORKER_NAME = "张三"  # make_case's default worker: tests assert it never reaches the public page


def accepted_case(org: Organisation, user: User, **overrides: object) -> Case:
    """A new case (one worker 张三 with an ID and phone number, unless overridden), accepted by `user`. Its
    deadlines are certain on any date (reference.tests.factories.cover_years_ahead), so its notice can issue."""
    cover_years_ahead()
    case = make_case(org, user, **overrides)
    do_transition_case(case=case, to=Status.ACCEPTED, actor=Actor(ActorKind.STAFF, user))
    case.refresh_from_db()
    return case


def anonymous_workers(name: str = "李四") -> dict[str, object]:
    """Overrides for `accepted_case`/`make_case`: one worker with neither ID number nor phone."""
    return {"workers": [WorkerInput(name=name)]}


def issue(case: Case, user: User, *, kind: str = Kind.ACCEPTANCE, subject: str = "") -> Document:
    return do_issue_document(case=case, kind=kind, subject=subject, user=user)


def seal_png(size: int = 96) -> bytes:
    """A red ring on a transparent background, as an organisation's seal image would be."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    centre, outer, inner = (size - 1) / 2, size / 2 - 2, size / 2 - 10
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            r2 = (x - centre) ** 2 + (y - centre) ** 2
            rows += b"\xc8\x10\x10\xff" if inner**2 <= r2 <= outer**2 else b"\x00\x00\x00\x00"
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    )
