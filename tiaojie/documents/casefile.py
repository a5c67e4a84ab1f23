"""Builds a case file (卷宗): a cover, a table of contents and every document of the case as one PDF.

The task worker runs `run_case_file_job` (tasks.build_case_file). Each step commits on its own, so the case page
that polls the job sees the progress:

1. Claim: a conditional UPDATE from queued to running. A second worker, or the same task delivered twice, finds
   nothing to claim and stops.
2. Issue what is missing (`job.issue_missing`): every (kind, subject) that `kinds.applicable()` allows and nobody
   has issued yet, issued as the requester through `do_issue_document`, and again for what that makes
   applicable (the 送达回证 of a document just issued). `done` counts each one.
3. Collect the current version of every document in case-file order (KindSpec.order, then issue time), each
   file checked against the SHA-256 recorded when it was written, then the scanned service receipts (a PDF scan
   as it is, a JPEG or PNG scan placed on an A4 page).
4. Render the cover and the contents with WeasyPrint. The contents' own length moves every page after it, so
   render, count its pages, and render again with the new offsets until the count is stable.
5. Merge with pypdf and store under a new name, mode 0440, with SHA-256, page count and the personal numbers
   the file prints (for the access log at each download). `done` counts each document appended.

Any error marks the job failed with a short Chinese message (the traceback goes to the log) and leaves no file
behind. Documents issued in step 2 stay issued: each is a complete legal document on its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from tiaojie.accounts.models import User
from tiaojie.cases.access import can_act_on
from tiaojie.cases.actions import pii_purpose, record_case_event
from tiaojie.cases.models import OPEN_STATUSES, Case, CaseEvent, Status
from tiaojie.cases.queries import case_parties
from tiaojie.documents import kinds
from tiaojie.documents.actions import DocumentError, do_issue_document, document_header, log_pii
from tiaojie.documents.models import CaseFileJob, Document, DocumentVersion, Service
from tiaojie.documents.render import url_fetcher
from tiaojie.lib.cndates import chinese_date
from tiaojie.lib.uploads import StoredFile, existing_file, remove_stored, store_bytes
from tiaojie.lib.workdays import LEGAL_TZ, legal_date

logger = logging.getLogger(__name__)

LAYOUT_VERSION = 1
HTML_LAYOUT = f"documents/render/casefile-v{LAYOUT_VERSION}.html"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "documents"
UNKNOWN_ORDER = 10_000  # a document whose kind is no longer registered still goes in, after the known ones
# Contents rows that fit on its first page and on each later one (layout v1, one-line rows): only a first guess
# of the front matter's length, which saves a second render when right.
CONTENTS_ROWS_FIRST, CONTENTS_ROWS_NEXT = 22, 26
ISSUE_ROUNDS = 4  # issuing makes 送达回证 applicable, and nothing depends on those: two rounds in practice


class CaseFileError(Exception):
    """A failure with a message the user can act on, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Part:
    """One entry of the contents: a document's current version or a scanned receipt."""

    title: str
    number: str
    day: dt.date | None
    reader: PdfReader
    document_id: int | None = None  # None for a scan
    pii: tuple[tuple[str, int, str], ...] = ()
    start: int = 0  # first page in the case file, from 1

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    @property
    def end(self) -> int:
        return self.start + self.pages - 1

    @property
    def page_range(self) -> str:
        return str(self.start) if self.pages == 1 else f"{self.start}–{self.end}"


def claim(job_id: int) -> bool:
    """Queued → running, for exactly one caller."""
    return bool(
        CaseFileJob.objects.filter(pk=job_id, state=CaseFileJob.State.QUEUED).update(
            state=CaseFileJob.State.RUNNING, started_at=timezone.now(), done=0, total=0, message=""
        )
    )


def run_case_file_job(job_id: int) -> bool:
    """Build the job's case file. False when another worker had already claimed it or the build failed (the
    job then says why)."""
    if not claim(job_id):
        logger.info("case file job %s is not queued any more; nothing to do", job_id)
        return False
    job = CaseFileJob.objects.select_related("case__organisation", "case__employer", "requested_by").get(pk=job_id)
    written: list[StoredFile] = []
    try:
        _build(job, written)
    except Exception as exc:
        remove_stored(*written)
        logger.exception("case file job %s of case %s failed", job.pk, job.case_id)
        if isinstance(exc, CaseFileError):
            message = exc.message
        else:
            message = _("生成卷宗时出错，请稍后重试；如仍不成功，请联系系统管理员。")
        CaseFileJob.objects.filter(pk=job.pk).update(
            state=CaseFileJob.State.FAILED, message=message[:300], finished_at=timezone.now()
        )
        return False
    except BaseException:  # the worker is being stopped: leave no file; the job goes stale and can be redone
        remove_stored(*written)
        raise
    return True


def _progress(job: CaseFileJob, **fields: int) -> None:
    # Outside any transaction in the worker, so each step is committed and the polling page sees it.
    CaseFileJob.objects.filter(pk=job.pk).update(**fields)


def _build(job: CaseFileJob, written: list[StoredFile]) -> None:
    with translation.override("zh-hans"):  # the case file is a legal document: Chinese (docs/i18n.md)
        _build_chinese(job, written)


def _build_chinese(job: CaseFileJob, written: list[StoredFile]) -> None:
    case, user = job.case, job.requested_by
    if not can_act_on(user, case):
        raise CaseFileError(_("申请人已无权为本案出具文书，卷宗未生成。"))
    missing = missing_documents(case) if job.issue_missing else []
    total = Document.objects.filter(case=case).count() + len(missing)
    done = 0
    _progress(job, done=done, total=total)

    issued_here: set[int] = set()
    # Issuing can make more documents applicable (the 送达回证 of each served document): go round until nothing
    # new applies. Kinds only ever depend on documents of earlier rounds, so this ends; the bound is a safeguard.
    for _round in range(ISSUE_ROUNDS):
        for spec, subject in missing:
            document = _issue(case, spec, subject, user)
            if document is not None:
                issued_here.add(document.pk)
            done += 1
            _progress(job, done=done)
        missing = missing_documents(case) if missing else []
        if not missing:
            break
        total += len(missing)
        _progress(job, total=total)

    parts = document_parts(case)
    total = len([p for p in parts if p.document_id is not None])
    done = len(issued_here)  # someone may have issued one of ours meanwhile: count what is really there
    _progress(job, done=done, total=total)
    parts += scan_parts(case)

    now = timezone.now()
    front_pdf, front_pages = render_front_matter(case, user, parts, now)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front_pdf)), import_outline=False)
    for part in parts:
        writer.append(part.reader, import_outline=False)
        if part.document_id is not None and part.document_id not in issued_here:
            done += 1
            _progress(job, done=done)
    writer.add_outline_item(title=_("卷宗封面"), page_number=0)
    if front_pages > 1:
        writer.add_outline_item(title=_("卷内目录"), page_number=1)
    for part in parts:
        writer.add_outline_item(title=f"{part.title} {part.number}".strip(), page_number=part.start - 1)
    writer.add_metadata({"/Title": _("案件%(case)s卷宗") % {"case": case.display_number}, "/Creator": "Tiaojie"})
    # Documents rendered from the same layout often embed byte-identical font subsets: keep one copy of each
    # (measured: half the size of a 50-document file, in well under a second).
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    pages = front_pages + sum(p.pages for p in parts)
    pii = _union(p.pii for p in parts)

    stored = store_bytes(out.getvalue(), folder=f"casefiles/{case.pk}", suffix=".pdf")
    written.append(stored)
    path, sha = stored.path, stored.sha256
    with transaction.atomic():
        # Conditional: a job given up as stale meanwhile stays failed, and this file goes.
        updated = CaseFileJob.objects.filter(pk=job.pk, state=CaseFileJob.State.RUNNING).update(
            state=CaseFileJob.State.DONE,
            done=done,
            total=total,
            pdf_path=path,
            pdf_sha256=sha,
            pdf_pages=pages,
            pii_fields=pii,
            finished_at=timezone.now(),
        )
        if updated:
            record_case_event(
                case=case,
                at=timezone.now(),
                kind=CaseEvent.Kind.DOCUMENT,
                actor=user,
                reason=_("生成卷宗：文书%(documents)d份，共%(pages)d页") % {"documents": total, "pages": pages},
                data={"case_file": job.pk, "pdf_sha256": sha},
            )
    if not updated:
        remove_stored(*written)
        logger.warning("case file job %s was no longer running when it finished; file discarded", job.pk)


def missing_documents(case: Case) -> list[tuple[kinds.KindSpec, str]]:
    """What `kinds.applicable` allows now and has not been issued, in case-file order."""
    issued = set(Document.objects.filter(case=case).values_list("kind", "subject"))
    return [(spec, subject) for spec, subject in kinds.applicable(case) if (str(spec.kind), subject) not in issued]


def _issue(case: Case, spec: kinds.KindSpec, subject: str, user: User) -> Document | None:
    """Issue one document; None if someone else issued it first (it is then in the file all the same)."""
    try:
        return do_issue_document(case=case, kind=str(spec.kind), subject=subject, user=user, check=False)
    except DocumentError as exc:
        if Document.objects.filter(case=case, kind=spec.kind, subject=subject).exists():
            return None
        raise CaseFileError(
            _("出具%(kind)s时出错：%(message)s") % {"kind": spec.kind.label, "message": exc.message}
        ) from exc


def case_file_order(documents: list[Document]) -> list[Document]:
    def key(document: Document) -> tuple[int, dt.datetime, int]:
        spec = kinds.REGISTRY.get(document.kind)
        return (spec.order if spec else UNKNOWN_ORDER, document.issued_at, document.pk)

    return sorted(documents, key=key)


def document_parts(case: Case) -> list[Part]:
    """The current version of each document of the case, in case-file order, each file checked against the
    SHA-256 recorded when it was stored."""
    documents = case_file_order(list(Document.objects.filter(case=case)))
    by_pk = {document.pk: document for document in documents}
    versions = {
        v.document_id: v
        for v in DocumentVersion.objects.filter(document__case=case, version=F("document__current_version"))
    }
    parts = []
    for document in documents:
        version = versions.get(document.pk)
        path = existing_file(version.pdf_path) if version else None
        if version is None or path is None:
            raise CaseFileError(_("文书%(number)s的文件缺失，卷宗未生成。") % {"number": document.number})
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != version.pdf_sha256:
            raise CaseFileError(
                _("文书%(number)s的文件与出具时登记的校验值不符，卷宗未生成。请联系系统管理员。")
                % {"number": document.number}
            )
        title = str(document.get_kind_display())
        served = by_pk.get(int(document.subject[4:])) if re.fullmatch(r"doc:\d+", document.subject) else None
        if served is not None:  # a 送达回证 names what it proves the service of
            title += f"（{served.get_kind_display()}）"
        if version.version > 1:
            title += _("（第%(version)d版）") % {"version": version.version}
        parts.append(
            Part(
                title=title,
                number=document.number,
                day=document.issued_on,
                reader=PdfReader(io.BytesIO(data)),
                document_id=document.pk,
                pii=tuple((str(t), int(i), str(f)) for t, i, f in version.pii_fields),
            )
        )
    return parts


def scan_parts(case: Case) -> list[Part]:
    """The signed service receipts scanned back in, after the documents, in the same order as their documents."""
    position = {document.pk: i for i, document in enumerate(case_file_order(list(Document.objects.filter(case=case))))}
    services = sorted(
        Service.objects.filter(document__case=case).exclude(file_path="").select_related("document"),
        key=lambda s: (position.get(s.document_id, len(position)), s.served_at, s.pk),
    )
    return [_scan_part(s) for s in services]


def _scan_part(service: Service) -> Part:
    document = service.document
    path = existing_file(service.file_path)
    if path is None:
        raise CaseFileError(_("送达回证扫描件（文书%(number)s）的文件缺失，卷宗未生成。") % {"number": document.number})
    data = path.read_bytes()
    if service.file_sha256 and hashlib.sha256(data).hexdigest() != service.file_sha256:
        raise CaseFileError(
            _("送达回证扫描件（文书%(number)s）与上传时登记的校验值不符，卷宗未生成。") % {"number": document.number}
        )
    title = _("送达回证扫描件（%(kind)s）") % {"kind": document.get_kind_display()}
    caption = _("%(title)s　文书编号 %(number)s　受送达人 %(receiver)s　送达时间 %(at)s") % {
        "title": title,
        "number": document.number,
        "receiver": service.receiver,
        "at": service.served_at.astimezone(LEGAL_TZ).strftime("%Y-%m-%d %H:%M"),
    }
    reader: PdfReader | None = None
    if service.file_kind == "pdf":
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted or not reader.pages:
                reader = None
        except Exception:  # pypdf raises many kinds of errors on a damaged file
            logger.warning("service scan %s cannot be read as PDF; a note page stands in for it", service.pk)
            reader = None
    if reader is None:
        image_uri = ""
        if service.file_kind in ("jpeg", "png"):
            mime = "image/jpeg" if service.file_kind == "jpeg" else "image/png"
            image_uri = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        pdf = _render_html(
            {
                "mode": "scan",
                "caption": caption,
                "image_uri": image_uri,
                "file_name": service.file_name,
                "sha256": service.file_sha256 or hashlib.sha256(data).hexdigest(),
            }
        )[0]
        reader = PdfReader(io.BytesIO(pdf))
    return Part(
        title=title,
        number=document.number,
        day=legal_date(service.served_at),
        reader=reader,
    )


def _render_html(context: dict[str, Any]) -> tuple[bytes, int]:
    from weasyprint import HTML

    document = HTML(
        string=render_to_string(HTML_LAYOUT, context), base_url=str(TEMPLATES), url_fetcher=url_fetcher()
    ).render()
    return document.write_pdf(), len(document.pages)


def _day(moment: dt.datetime | None) -> str:
    return chinese_date(legal_date(moment)) if moment else ""


def _mediators(case: Case) -> str:
    from tiaojie.mediation.models import MediatorAssignment

    assignments = MediatorAssignment.objects.filter(case=case, removed_at__isnull=True).select_related("user")
    return "、".join(str(a.user) for a in assignments.order_by("assigned_at", "pk"))


def _closing(case: Case) -> tuple[str, str]:
    """结案日期 and 结案方式: how the case ended (for a closed case, the state it was closed from)."""
    if case.status in OPEN_STATUSES:
        return "", _("（尚未结案）")
    how = Status(case.status).label
    if case.status == Status.CLOSED:
        event = (
            CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION, to_status=Status.CLOSED)
            .exclude(from_status="")
            .order_by("-at", "-pk")
            .first()
        )
        if event is not None:
            how = Status(event.from_status).label
    return _day(case.closed_at or case.ended_at), str(how)


COVER_NAMES = 10  # a collective dispute lists its first ten workers (representatives first) and the count


def _applicants(case: Case) -> str:
    names = [link.worker.name for link in case_parties(case)]
    if len(names) <= COVER_NAMES:
        return "、".join(names)
    return _("%(names)s等%(count)d人") % {"names": "、".join(names[:COVER_NAMES]), "count": len(names)}


def cover_rows(case: Case, user: User, now: dt.datetime, total_pages: int) -> list[tuple[str, str]]:
    labels = list(dict.fromkeys(str(c.get_type_display()) for c in case.claims.order_by("id")))
    cause = _("劳动争议") + (f"（{'、'.join(labels)}）" if labels else "")
    closed_on, how = _closing(case)
    return [
        (_("案件编号"), case.display_number),
        (_("案由"), cause),
        (_("申请人"), _applicants(case)),
        (_("被申请人"), case.employer.name),
        (_("收案日期"), _day(case.received_at)),
        (_("受理日期"), _day(case.accepted_at)),
        (_("结案日期"), closed_on),
        (_("结案方式"), how),
        (_("调解员"), _mediators(case)),
        (_("立卷人"), str(user)),
        (_("立卷日期"), chinese_date(legal_date(now))),
        (_("总页数"), _("%(pages)d页") % {"pages": total_pages}),
    ]


def organisation_header(case: Case) -> str:
    return document_header(case.organisation)


def render_front_matter(case: Case, user: User, parts: list[Part], now: dt.datetime) -> tuple[bytes, int]:
    """Cover and contents, with page ranges that count the front matter's own pages: render with a guess,
    and again with the real count until they agree (a longer contents can push every range on)."""
    header = organisation_header(case)
    front = 2 + math.ceil(max(0, len(parts) - CONTENTS_ROWS_FIRST) / CONTENTS_ROWS_NEXT)
    for _attempt in range(6):
        start = front + 1
        for part in parts:
            part.start = start
            start += part.pages
        total_pages = start - 1
        pdf, pages = _render_html(
            {
                "mode": "front",
                "header": header,
                "title": _("劳动争议调解案件卷宗"),
                "rows": cover_rows(case, user, now, total_pages),
                "total_pages": total_pages,
                "entries": [
                    {
                        "seq": i,
                        "title": part.title,
                        "number": part.number,
                        "day": part.day.isoformat() if part.day else "",
                        "pages": part.page_range,
                    }
                    for i, part in enumerate(parts, start=1)
                ],
            }
        )
        if pages == front:
            return pdf, pages
        front = pages
    raise CaseFileError(_("卷内目录的页数无法确定，卷宗未生成。"))


def _union(groups: Any) -> list[list[object]]:
    seen: dict[tuple[str, int, str], None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(tuple(item), None)
    return [list(item) for item in seen]


def do_log_case_file_download(*, job: CaseFileJob, user: User, request: HttpRequest | None, purpose: str = "") -> None:
    """Downloading the case file shows every full personal number it prints: log each one, with the purpose a
    supervisor stated (cases.actions.require_stated_purpose)."""
    with transaction.atomic():
        log_pii(user, job.pii_fields, pii_purpose(f"download case file {job.pk} case {job.case_id}", purpose), request)
