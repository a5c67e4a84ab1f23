"""`tiaojie render-documents CASE_ID --out DIR [--issue --as USERNAME]`: write every document of a case that can
be made now as PDF and .docx, in case-file order (NN-<kind>[-<subject>].pdf / .docx).

An issued document is copied from its latest stored version (what was served is what you get); anything else is
rendered as an unnumbered draft (样稿). With `--issue --as USERNAME` the missing ones are issued first, through
the same action as the case page, as that user (who must be staff of the case's organisation). With `--as`, every
full personal number the written files print is recorded in the access log as viewed by that user.
"""

from __future__ import annotations

import os
import re
import shutil
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tiaojie.accounts.models import User
from tiaojie.cases.access import cases_visible_to
from tiaojie.cases.models import Case
from tiaojie.documents import kinds
from tiaojie.documents.actions import DocumentError, do_issue_document, draft_letter, log_pii
from tiaojie.documents.models import Document, Kind
from tiaojie.documents.render import render
from tiaojie.lib.uploads import private_path


def file_stem(index: int, kind: str, subject: str) -> str:
    """01-application, 05-minutes-minutes-12, 12-service_receipt-doc-7: safe on every file system."""
    stem = f"{index:02d}-{kind}"
    if subject:
        stem += "-" + re.sub(r"[^A-Za-z0-9_]+", "-", subject).strip("-")
    return stem


class Command(BaseCommand):
    help = "Write every document a case can have now (PDF and .docx) into a directory; issued ones are copied."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("case_id", type=int, help="the case")
        parser.add_argument("--out", required=True, help="directory to write into (created if missing)")
        parser.add_argument("--issue", action="store_true", help="issue the documents not issued yet (numbers them)")
        parser.add_argument(
            "--as", dest="as_user", default="", metavar="USERNAME", help="who issues, and whose views are logged"
        )

    def handle(self, *args: Any, case_id: int, out: str, issue: bool, as_user: str, **options: Any) -> None:
        case = Case.objects.select_related("organisation", "employer", "division").filter(pk=case_id).first()
        if case is None:
            raise CommandError(f"案件不存在：{case_id}")
        user = None
        if issue and not as_user:
            raise CommandError("--issue 须与 --as 同时使用：--issue --as 用户名")
        if as_user:
            user = User.objects.filter(username=as_user, is_active=True).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用：{as_user}")
            if not cases_visible_to(user).filter(pk=case.pk).exists():
                raise CommandError(f"用户 {as_user} 无权查看本案")
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建输出目录 {folder}：{exc.strerror or exc}") from exc
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise CommandError(f"输出目录不可写：{folder}")

        if user is not None and issue:
            self._issue_missing(case, user)
        issued = {(d.kind, d.subject): d for d in Document.objects.filter(case=case)}
        wanted = [(str(spec.kind), subject) for spec, subject in kinds.applicable(case)]
        # An issued document stays in the case file even when its data has since changed (e.g. a 支付令
        # application whose payment was made afterwards).
        wanted += [key for key in issued if key not in wanted]
        order = {kind: spec.order for kind, spec in kinds.REGISTRY.items()}
        wanted.sort(key=lambda key: order.get(key[0], 999))  # stable: subjects keep their order

        total_pages = 0
        for index, (kind, subject) in enumerate(wanted, start=1):
            stem = folder / file_stem(index, kind, subject)
            document = issued.get((kind, subject))
            try:
                if document is not None:
                    pages, pii = self._copy(document, stem)
                else:
                    pages, pii = self._draft(case, kind, subject, stem)
            except OSError as exc:
                raise CommandError(f"无法写入 {stem}：{exc.strerror or exc}") from exc
            total_pages += pages
            if user is not None:
                log_pii(user, pii, f"render-documents {stem.name} case {case.pk}", None)
            label = Kind(kind).label
            state = document.number if document else "样稿"
            self.stdout.write(f"{label}（{state}）\t{pages}页\t{stem}.pdf")
            self.stdout.write(f"{label}（{state}）\tWord\t{stem}.docx")
        self.stdout.write(
            self.style.SUCCESS(f"共 {len(wanted)} 份文书、{len(wanted) * 2} 个文件，PDF 合计 {total_pages} 页")
        )

    def _issue_missing(self, case: Case, user: User) -> None:
        # Issuing a served document makes its 送达回证 applicable: go round until nothing new appears.
        for _round in range(len(kinds.REGISTRY)):
            existing = set(Document.objects.filter(case=case).values_list("kind", "subject"))
            missing = [(spec.kind, s) for spec, s in kinds.applicable(case) if (spec.kind, s) not in existing]
            if not missing:
                return
            for kind, subject in missing:
                try:
                    document = do_issue_document(case=case, kind=kind, subject=subject, user=user)
                except DocumentError as exc:
                    raise CommandError(f"不能出具{Kind(kind).label}：{exc.message}") from exc
                self.stdout.write(f"已出具 {Kind(kind).label} {document.number}")

    def _copy(self, document: Document, stem: Path) -> tuple[int, list[Any]]:
        version = document.versions.order_by("-version").first()
        if version is None:
            raise CommandError(f"{document} 没有已保存的版本")
        shutil.copyfile(private_path(version.pdf_path), stem.with_suffix(".pdf"))
        shutil.copyfile(private_path(version.docx_path), stem.with_suffix(".docx"))
        return version.pdf_pages, list(version.pii_fields)

    def _draft(self, case: Case, kind: str, subject: str, stem: Path) -> tuple[int, list[Any]]:
        try:
            content = kinds.build(case, kind, subject)
        except kinds.NotApplicable as exc:
            raise CommandError(f"不能生成{Kind(kind).label}：{exc.message}") from exc
        # Without --as there is no user to log against: whoever runs this command holds the database and the
        # key, and sees no more than they could decrypt themselves. With --as the views are logged (handle()).
        rendered = render(content, draft_letter(case))
        stem.with_suffix(".pdf").write_bytes(rendered.pdf)
        stem.with_suffix(".docx").write_bytes(rendered.docx)
        return rendered.pages, [list(x) for x in content.pii]
