"""Document numbers (编号): prefix〔year〕seq号, one gapless sequence per organisation and Beijing calendar year."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from tiaojie.cases import actions as case_actions
from tiaojie.cases.models import Case
from tiaojie.documents import actions
from tiaojie.documents.actions import DocumentError, allocate_number, do_issue_document, format_number
from tiaojie.documents.models import Document, DocumentCounter, DocumentVersion, Kind
from tiaojie.documents.tests.factories import accepted_case, anonymous_workers, issue
from tiaojie.lib.workdays import LEGAL_TZ, legal_date

NUMBER = re.compile(r"^(?P<prefix>[^〔〕]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counter(org, year: int) -> int:
    row = DocumentCounter.objects.filter(organisation=org, year=year).first()
    return row.last if row else 0


def test_format_is_prefix_year_in_hexagonal_brackets_and_seq():
    assert format_number("西劳调", 2026, 12) == "西劳调〔2026〕12号"
    assert format_number("调7", 2027, 1) == "调7〔2027〕1号"  # no leading zeros


def test_consecutive_per_organisation_and_independent_between_them(org_a, org_b, mediator_a, mediator_b):
    year = legal_date(timezone.now()).year
    numbers_a = [issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a).number for _ in range(3)]
    number_b = issue(accepted_case(org_b, mediator_b, **anonymous_workers()), mediator_b).number
    assert numbers_a == [f"调{org_a.pk}〔{year}〕{seq}号" for seq in (1, 2, 3)]
    assert number_b == f"调{org_b.pk}〔{year}〕1号"
    for number in (*numbers_a, number_b):
        assert NUMBER.match(number), number
    assert counter(org_a, year) == 3 and counter(org_b, year) == 1


def test_a_new_beijing_year_starts_again_at_one(org_a, mediator_a):
    # 23:59 on 31 December in Beijing is 15:59 UTC, and 00:00 on 1 January is 16:00 UTC on 31 December:
    # the year is the Beijing one either way.
    last_minute = dt.datetime(2026, 12, 31, 23, 59, tzinfo=LEGAL_TZ)
    with time_machine.travel(last_minute, tick=False):
        old = issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a)
        older = issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a)
    with time_machine.travel(last_minute + dt.timedelta(minutes=1), tick=False):
        assert timezone.now().astimezone(dt.UTC).year == 2026
        new = issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a)
    assert (old.number, older.number) == (f"调{org_a.pk}〔2026〕1号", f"调{org_a.pk}〔2026〕2号")
    assert new.number == f"调{org_a.pk}〔2027〕1号"
    assert (new.year, new.seq, new.issued_on) == (2027, 1, dt.date(2027, 1, 1))
    assert old.issued_on == dt.date(2026, 12, 31)
    assert counter(org_a, 2026) == 2 and counter(org_a, 2027) == 1


def test_a_failed_render_uses_no_number_and_leaves_no_file(org_a, mediator_a, settings, monkeypatch):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    year = legal_date(timezone.now()).year
    root = Path(settings.PRIVATE_MEDIA_ROOT)

    def broken_render(content, letter):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr(actions, "render", broken_render)
    with pytest.raises(actions.DocumentError, match="文书生成失败"):  # a message for the page, not a 500
        do_issue_document(case=case, kind=Kind.ACCEPTANCE, user=mediator_a)
    monkeypatch.undo()
    assert counter(org_a, year) == 0
    assert not Document.objects.exists() and files_under(root) == []

    # Later in the same transaction, after both files are written: they go again, and so does the number.
    def broken_event(*groups, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(case_actions, "insert_together", broken_event)  # record_case_event's write of the event
    with pytest.raises(RuntimeError):
        do_issue_document(case=case, kind=Kind.ACCEPTANCE, user=mediator_a)
    monkeypatch.undo()
    assert counter(org_a, year) == 0
    assert not DocumentVersion.objects.exists() and files_under(root) == []

    document = issue(case, mediator_a)
    assert (document.seq, document.number) == (1, f"调{org_a.pk}〔{year}〕1号")
    assert len(files_under(root)) == 2  # the PDF and the .docx of version 1


def test_allocate_number_counts_on(org_a):
    assert [allocate_number(org_a, 2030) for _ in range(3)] == [1, 2, 3]
    assert allocate_number(org_a, 2031) == 1


# --- concurrency: real parallel transactions (PostgreSQL) ---------------------------------------------------

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")


def race(calls) -> list[object]:
    """Start the calls at the same moment, each on its own connection; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(30)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return results


def issue_call(case_id: int, user):
    def call():
        return do_issue_document(case=Case.objects.get(pk=case_id), kind=Kind.ACCEPTANCE, user=user)

    return call


@on_postgresql
def test_eight_issuers_at_once_get_eight_consecutive_numbers(transactional_db, org_a, mediator_a):
    cases = [accepted_case(org_a, mediator_a, **anonymous_workers()) for _ in range(8)]
    results = race([issue_call(case.pk, mediator_a) for case in cases])
    assert all(isinstance(r, Document) for r in results), results
    year = legal_date(timezone.now()).year
    assert sorted(r.seq for r in results) == list(range(1, 9))  # type: ignore[union-attr]
    assert len({r.number for r in results}) == 8  # type: ignore[union-attr]
    assert counter(org_a, year) == 8


@on_postgresql
def test_the_same_document_twice_at_once_one_wins(transactional_db, org_a, mediator_a, admin_a):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    results = race([issue_call(case.pk, mediator_a), issue_call(case.pk, admin_a)])
    wins = [r for r in results if isinstance(r, Document)]
    losses = [r for r in results if isinstance(r, DocumentError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert re.search(r"[\u4e00-\u9fff]", losses[0].message)
    assert Document.objects.filter(case=case, kind=Kind.ACCEPTANCE).count() == 1
    year = legal_date(timezone.now()).year
    assert counter(org_a, year) == 1  # the loser's number was given back: no gap
    other = issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a)
    assert other.seq == 2
