"""A signed document never prints a date that counting could not settle, nor a note about it: while a
deadline looks past the configured holiday years, issuing is refused with a message saying what to wait for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from tiaojie.documents import kinds
from tiaojie.documents.actions import DocumentError, do_issue_document, draft_letter
from tiaojie.documents.kinds.common import BLANK_DATE
from tiaojie.documents.models import Document
from tiaojie.documents.render import render
from tiaojie.documents.tests.kind_fixtures import (
    accept_and_mediate,
    bj,
    draft,
    pdf_text,
    received_case,
    sign_every_way,
    squeeze,
)
from tiaojie.lib.cndates import chinese_date
from tiaojie.lib.workdays import LEGAL_TZ, calendar_days_deadline
from tiaojie.reference.actions import do_enter_calendar_year
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.notice import Period, parse_notice
from tiaojie.reference.tests.notices import NOTICE_2027_FOR_TESTS

pytestmark = pytest.mark.django_db

NOTE = "超出已配置的节假日年份"


@pytest.fixture
def december_agreement(org_a, mediator_a, admin_a, django_capture_on_commit_callbacks, _sms_outbox):
    """A case agreed on 10 December of the calendar's last configured year (whichever it is): the 15-day review
    window ends that year, the 30-day judicial one in the next, which has no holiday data."""
    year = work_calendar().last_year
    with time_machine.travel(bj(year, 12, 1, 9, 30), tick=False):
        case = received_case(org_a, mediator_a, received_at=bj(year, 12, 1, 9, 0))
        accept_and_mediate(case, mediator_a, admin_a, at=bj(year, 12, 1, 10, 0))
    with time_machine.travel(bj(year, 12, 10, 10, 0), tick=False):
        agreement = draft(case, mediator_a, due=dt.date(year, 12, 20))
        sign_every_way(
            agreement,
            mediator_a,
            admin_a,
            commit=lambda: django_capture_on_commit_callbacks(execute=True),
            outbox=_sms_outbox,
        )
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.judicial_due_uncertain and not agreement.review_due_uncertain
    return case, agreement


def test_an_uncertain_deadline_blocks_issuing_with_a_message_and_the_draft_leaves_it_blank(
    december_agreement, mediator_a, tmp_path
):
    case, agreement = december_agreement
    year = agreement.judicial_due.year
    with time_machine.travel(bj(year - 1, 12, 10, 11, 0), tick=False):
        with pytest.raises(DocumentError) as refused:
            do_issue_document(case=case, kind="agreement", user=mediator_a)
        message = refused.value.message
        assert "申请司法确认期限" in message and agreement.judicial_due.isoformat() in message
        assert "暂不能出具" in message and "录入该年的安排" in message
        assert not Document.objects.filter(case=case).exists()  # no number used

        content = kinds.build(case, "agreement")
        text = squeeze(pdf_text(render(content, draft_letter(case)).pdf, tmp_path))
    assert NOTE not in text
    assert chinese_date(agreement.judicial_due) not in text  # the uncertain date is not printed …
    assert chinese_date(agreement.review_due) in text  # … the certain one is
    assert squeeze(BLANK_DATE) + "二十四时" in text


def next_year_periods(year: int) -> list[Period]:
    """The test notice for 2027 when that is the year missing, else a New Year's Day of the missing year."""
    if year == 2027:
        parsed = parse_notice(NOTICE_2027_FOR_TESTS, 2027)
        assert parsed.errors == []
        return parsed.periods
    return [Period("元旦", dt.date(year, 1, 1), dt.date(year, 1, 1))]


def test_entering_the_year_recounts_uncertain_deadlines_and_the_agreement_then_issues(
    december_agreement, org_a, mediator_a, admin_a, django_user_model, tmp_path
):
    case, agreement = december_agreement
    year = agreement.judicial_due.year
    with time_machine.travel(bj(year - 1, 12, 20, 9, 30), tick=False):
        late = received_case(org_a, mediator_a, received_at=bj(year - 1, 12, 20, 9, 0))  # clock A ends in January
        accept_and_mediate(late, mediator_a, admin_a, at=bj(year - 1, 12, 20, 10, 0))
    late.refresh_from_db()
    assert late.clock_a_due_uncertain and late.clock_b_due_uncertain
    root = django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)
    with time_machine.travel(bj(year - 1, 12, 21, 9, 0), tick=False):
        entered = do_enter_calendar_year(
            year=year, notice_number="国办发明电〔2026〕9号", periods=next_year_periods(year), user=root
        )
    assert entered.recomputed == 2  # the agreement (its judicial window) and the late case (its two clocks)
    agreement.refresh_from_db()
    late.refresh_from_db()
    assert not agreement.judicial_due_uncertain and not late.clock_a_due_uncertain and not late.clock_b_due_uncertain
    expected = calendar_days_deadline(agreement.effective_at.astimezone(LEGAL_TZ).date(), 30, work_calendar())
    assert agreement.judicial_due == expected.last_day
    with time_machine.travel(bj(year - 1, 12, 21, 10, 0), tick=False):
        document = do_issue_document(case=case, kind="agreement", user=mediator_a)
    version = document.versions.get(version=1)
    text = squeeze(pdf_text((Path(settings.PRIVATE_MEDIA_ROOT) / version.pdf_path).read_bytes(), tmp_path))
    assert NOTE not in text and squeeze(BLANK_DATE) not in text
    assert chinese_date(agreement.judicial_due) + "二十四时" in text


def test_the_demo_builds_in_a_year_the_table_does_not_hold(settings):
    """`make run` in December (or the suite on a clock moved a year ahead): the demo's notice whose deadlines are
    uncertain simply waits, instead of the demo crashing."""
    from tiaojie.demo import build_demo

    year = work_calendar().last_year + 1
    with time_machine.travel(bj(year, 6, 1, 10, 0), tick=False):
        build_demo(seed=5, cases=3)
    assert not Document.objects.filter(kind="acceptance", case__clock_a_due_uncertain=True).exists()
