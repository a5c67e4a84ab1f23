"""`tiaojie render-documents`: the demo's showcase cases of organisation A have every document kind between them,
and the command writes each as PDF and .docx (issued ones copied, the rest as drafts), with clear errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tiaojie.cases.models import Case
from tiaojie.demo import build_demo
from tiaojie.documents import kinds
from tiaojie.documents.models import Document, Kind
from tiaojie.documents.tests.kind_fixtures import assert_contains, docx_text, pdf_pages, pdf_text
from tiaojie.mediation.actions import do_record_confirmation
from tiaojie.mediation.models import Agreement
from tiaojie.mediation.tests.factories import staff
from tiaojie.reference.tests.factories import cover_years_ahead

pytestmark = pytest.mark.django_db

ORG_A = "余杭区仓前街道劳动人事争议调解中心"


@pytest.fixture
def demo():
    cover_years_ahead()  # the demo's deadlines run from today: certain on any date, so its documents issue
    build_demo(seed=7, cases=12)
    # A confirmation application is made only once the parties chose it: register 仲裁审查确认 on the demo's
    # effective agreement, as staff do in "调解协议确认" (one agreement, one route: the 司法确认申请书 is
    # rendered in test_kinds).
    agreement = Agreement.objects.filter(case__organisation__name=ORG_A, effective_at__isnull=False).first()
    assert agreement is not None
    user = agreement.case.organisation.memberships.filter(is_active=True, role="mediator").first().user
    do_record_confirmation(agreement=agreement, route="arbitration_review", outcome="pending", actor=staff(user))


EXPECTED_KINDS = set(Kind.values) - {"judicial_application"}


def showcase() -> list[Case]:
    """The fewest of organisation A's cases (greedily, richest first) that between them have every kind."""
    found = {
        case: {str(spec.kind) for spec, _subject in kinds.applicable(case)}
        for case in Case.objects.filter(organisation__name=ORG_A).order_by("pk")
    }
    chosen: list[Case] = []
    covered: set[str] = set()
    for case, its_kinds in sorted(found.items(), key=lambda item: -len(item[1])):
        if its_kinds - covered:
            chosen.append(case)
            covered |= its_kinds
    assert covered == EXPECTED_KINDS, f"no demo case of organisation A has {EXPECTED_KINDS - covered}"
    return chosen


def run(*args: object, **options: object) -> str:
    out = io.StringIO()
    call_command("render-documents", *args, stdout=out, **options)
    return out.getvalue()


def test_every_kind_of_the_demo_is_written_as_pdf_and_docx(demo, tmp_path):
    cases = showcase()
    assert len(cases) <= 3
    written: set[str] = set()
    for case in cases:
        folder = tmp_path / f"case-{case.pk}"
        output = run(case.pk, out=str(folder))
        pairs = [(str(spec.kind), subject) for spec, subject in kinds.applicable(case)]
        pdfs = sorted(folder.glob("*.pdf"))
        assert len(pdfs) == len(pairs) == len(list(folder.glob("*.docx")))
        assert f"共 {len(pairs)} 份文书" in output
        for index, (pdf, (kind, subject)) in enumerate(zip(pdfs, pairs, strict=True), start=1):
            assert pdf.name.startswith(f"{index:02d}-{kind}")
            assert pdf.with_suffix(".docx").exists()
            assert str(pdf) in output
            content = kinds.build(case, kind, subject)
            wanted = dict(content.key_fields)
            issued = Document.objects.filter(case=case, kind=kind, subject=subject).first()
            if issued is not None:
                wanted["number"] = issued.number
            text = pdf_text(pdf, tmp_path)
            assert_contains(text, wanted, pdf.name)
            assert_contains(docx_text(pdf.with_suffix(".docx")), wanted, pdf.with_suffix(".docx").name)
            assert 1 <= pdf_pages(pdf, tmp_path) <= 4, pdf.name
            assert ("样稿" in text) == (issued is None), pdf.name
            written.add(kind)
    assert written == EXPECTED_KINDS


def test_issue_as_a_user_numbers_the_missing_documents_and_their_service_receipts(demo, tmp_path):
    case = next(c for c in showcase() if c.status == "declined")
    output = run(case.pk, out=str(tmp_path), issue=True, **{"as": "mediator_a"})
    kinds_issued = set(Document.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds_issued == {"application", "decline", "service_receipt"}
    assert "样稿" not in output
    for document in Document.objects.filter(case=case):
        assert document.number in output
    assert len(list(tmp_path.glob("*.pdf"))) == 3
    # Run again: nothing new to issue, the stored versions are copied.
    again = run(case.pk, out=str(tmp_path / "again"), issue=True, **{"as": "mediator_a"})
    assert "已出具" not in again
    assert Document.objects.filter(case=case).count() == 3


def test_clear_errors(demo, tmp_path):
    case = showcase()[0]
    with pytest.raises(CommandError, match="案件不存在：999999"):
        run(999999, out=str(tmp_path))
    with pytest.raises(CommandError, match="用户不存在或已停用：nobody"):
        run(case.pk, out=str(tmp_path), issue=True, **{"as": "nobody"})
    with pytest.raises(CommandError, match="--issue 须与 --as"):
        run(case.pk, out=str(tmp_path), issue=True)
    with pytest.raises(CommandError, match="无权查看本案"):
        run(case.pk, out=str(tmp_path), **{"as": "mediator_b"})
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="无法创建输出目录"):
        run(case.pk, out=str(blocker / "sub"))
    # Another organisation's mediator may not issue for this case.
    with pytest.raises(CommandError, match="无权查看本案"):
        run(case.pk, out=str(tmp_path / "x"), issue=True, **{"as": "mediator_b"})
    assert not Document.objects.filter(case=case, issued_by__username="mediator_b").exists()
    assert not any(Path(tmp_path / "x").glob("*.pdf"))


def test_with_as_the_printed_numbers_are_logged_as_viewed(demo, tmp_path):
    from tiaojie.accounts.models import PiiAccessLog

    case = showcase()[0]
    before = PiiAccessLog.objects.filter(user__username="mediator_a").count()
    run(case.pk, out=str(tmp_path / "logged"), **{"as": "mediator_a"})
    logged = PiiAccessLog.objects.filter(user__username="mediator_a", purpose__startswith="render-documents")
    assert logged.count() > 0
    assert PiiAccessLog.objects.filter(user__username="mediator_a").count() == before + logged.count()
    assert {row.field for row in logged} >= {"id_number"}
