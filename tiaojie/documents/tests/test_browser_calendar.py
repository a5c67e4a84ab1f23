"""Real-browser journey of issue 13 items 3–5: an agreement that took effect on 2 December of the calendar's last
year has its 30-day 司法确认 window end on 1 January, in a year with no holiday data. The mediator's 出具 is
refused with a message (no note, no guessed date); the administrator sees the November banner, pastes the State
Council notice, checks the parsed table and saves; the window is recounted past New Year's Day and the agreement
issues with a certain date. The case file, generated with its options as shown, numbers nothing unasked.

Desktop staff at 1366 px. Screenshots in /tmp/shots/h3/. The worker has no ID or phone number (nothing is
logged as a personal-number view: see test_browser.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tiaojie.documents.models import CaseFileJob, Document
from tiaojie.documents.tests.factories import anonymous_workers
from tiaojie.lib.cndates import chinese_date
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.models import Agreement
from tiaojie.mediation.tests.factories import agreed_case
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.tests.notices import NOTICE_2027_FOR_TESTS

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/shots/h3")
NOTE = "超出已配置的节假日年份"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:not(.language-switch) button[type=submit]").click()
    expect(page.locator("a.who")).to_have_text(username)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def notice_for(year: int) -> str:
    if year == 2027:
        return NOTICE_2027_FOR_TESTS
    return f"国办发明电〔{year - 1}〕9号\n一、元旦：1月1日放假1天，不调休。\n"


def test_admin_enters_next_year_then_the_agreement_issues_and_the_case_file_issues_nothing_unasked(
    transactional_db, live_server, new_context, settings, tmp_path, org_a, mediator_a, django_user_model
):
    year = work_calendar().last_year
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    django_user_model.objects.create_user(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    with time_machine.travel(dt.datetime(year, 12, 2, 10, 0, tzinfo=LEGAL_TZ), tick=True):
        case = agreed_case(
            org_a,
            mediator_a,
            due=dt.date(year, 12, 20),
            received_at=dt.datetime(year, 12, 1, 9, 0, tzinfo=LEGAL_TZ),
            **anonymous_workers(),
        )
        agreement = Agreement.objects.get(case=case)
        assert agreement.judicial_due == dt.date(year + 1, 1, 1) and agreement.judicial_due_uncertain

        # The mediator issues the agreement: refused, with what to wait for; nothing numbered.
        staff = new_context(**DESKTOP).new_page()
        log_in(staff, base, "mediator_a")
        staff.goto(f"{base}/cases/{case.pk}/")
        row = staff.locator("#documents [data-kind=agreement]")
        row.get_by_role("button", name="出具").click(timeout=30_000)  # rendering on a busy 2-core machine
        refusal = staff.locator(".messages .error")
        expect(refusal).to_contain_text("申请司法确认期限")
        expect(refusal).to_contain_text("暂不能出具")
        assert NOTE not in staff.content()
        shot(staff, "1-agreement-refused")
        assert not Document.objects.filter(case=case).exists()

        # The administrator: the banner, the notice pasted and parsed, checked, saved.
        admin = new_context(**DESKTOP).new_page()
        log_in(admin, base, "root")
        admin.goto(f"{base}/reference/calendar/")
        banner = admin.locator("#calendar-banner")
        expect(banner).to_contain_text(f"尚未录入{year + 1}年节假日安排")
        banner.get_by_role("link", name="现在录入").click()
        parse = admin.locator("#calendar-parse")
        expect(parse.locator("input[name=year]")).to_have_value(str(year + 1))
        parse.locator("textarea[name=notice_text]").fill(notice_for(year + 1))
        parse.get_by_role("button", name="解析").click()
        confirm = admin.locator("#calendar-confirm")
        expect(confirm.locator("input[name=name_0]")).to_have_value("元旦")
        expect(confirm.locator("input[name=first_0]")).to_have_value(f"{year + 1}-01-01")
        expect(confirm.locator("input[name=notice_number]")).to_have_value(f"国办发明电〔{year}〕9号")
        expect(admin.locator("#calendar-errors")).to_have_count(0)
        shot(admin, "2-notice-parsed")
        confirm.get_by_role("button", name="确认保存").click()
        expect(admin.locator(".messages")).to_contain_text(f"已录入{year + 1}年节假日安排")
        expect(admin.locator(".messages")).to_contain_text("重新计算了")
        expect(admin.locator("#calendar-banner")).to_have_count(0)
        expect(admin.locator("#calendar-years")).to_contain_text(str(year + 1))
        shot(admin, "3-year-saved")

        # The window is recounted past New Year's Day, and the agreement issues with a certain date.
        agreement.refresh_from_db()
        assert not agreement.judicial_due_uncertain and agreement.judicial_due > dt.date(year + 1, 1, 1)
        staff.goto(f"{base}/cases/{case.pk}/")
        row = staff.locator("#documents [data-kind=agreement]")
        row.get_by_role("button", name="出具").click(timeout=30_000)  # rendering on a busy 2-core machine
        document = Document.objects.get(case=case, kind="agreement")
        expect(staff.locator(".messages")).to_contain_text(f"编号 {document.number}")
        row = staff.locator("#documents [data-kind=agreement]")
        with staff.expect_download() as download_info:
            row.get_by_role("link", name="下载 PDF").click()
        text = pdf_text(Path(download_info.value.path()).read_bytes(), tmp_path)
        assert NOTE not in text
        assert f"{chinese_date(agreement.judicial_due)}二十四时" in text
        assert chinese_date(dt.date(year + 1, 1, 1)) not in text

        # The case file with its options as shown: the box is unticked and lists what it would number;
        # neither confirmation application is among them (the parties chose neither).
        casefile = staff.locator("#casefile")
        expect(casefile.locator("#casefile-issue-missing")).not_to_be_checked()
        listed = casefile.locator("#casefile-missing")
        expect(listed).to_contain_text("受理通知书")
        expect(listed).not_to_contain_text("确认申请书")
        casefile.scroll_into_view_if_needed()
        casefile.screenshot(path=str(SHOTS / "4-casefile-options.png"))
        casefile.get_by_role("button", name="生成卷宗").click()
        expect(staff.locator("#casefile-download")).to_be_visible(timeout=30_000)
        staff.locator("#casefile").screenshot(path=str(SHOTS / "5-casefile-done.png"))
        job = CaseFileJob.objects.get(case=case)
        assert job.issue_missing is False and job.total == 1
        assert list(Document.objects.filter(case=case).values_list("kind", flat=True)) == ["agreement"]
