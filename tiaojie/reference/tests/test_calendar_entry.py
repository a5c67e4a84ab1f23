"""Entering a year of the holiday calendar: the notice parser on the real 2025 and 2026 notices, the entry page
(parse, confirm, save; administrators only), the November banner, and a calendar every process sees at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from chinese_calendar import constants
from django.urls import reverse

from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.reference import calendar
from tiaojie.reference.actions import CalendarError, do_enter_calendar_year
from tiaojie.reference.models import CalendarYear, SpecialDay
from tiaojie.reference.notice import Period, parse_notice
from tiaojie.reference.tests.notices import NOTICE_2025, NOTICE_2026, NOTICE_2027_FOR_TESTS
from tiaojie.reference.views import missing_next_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)


def beijing(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LEGAL_TZ)


# --- the parser ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "text"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_the_real_notices_parse_to_exactly_the_published_days(year, text):
    parsed = parse_notice(text, year)
    assert parsed.errors == []
    assert set(parsed.holidays) == {d for d in constants.holidays if d.year == year}
    assert set(parsed.workdays) == {d for d in constants.workdays if d.year == year}


def test_parser_reads_each_phrasing():
    p2025 = {p.name: p for p in parse_notice(NOTICE_2025, 2025).periods}
    assert (p2025["元旦"].first, p2025["元旦"].last, p2025["元旦"].workdays) == (dt.date(2025, 1, 1),) * 2 + ([],)
    spring = p2025["春节"]  # a range across two months, two 调休 days
    assert (spring.first, spring.last, spring.days) == (dt.date(2025, 1, 28), dt.date(2025, 2, 4), 8)
    assert spring.workdays == [dt.date(2025, 1, 26), dt.date(2025, 2, 8)]
    assert p2025["国庆节、中秋节"].days == 8


def test_parser_reports_what_the_text_contradicts():
    wrong_weekday = "一、元旦：1月1日（周五）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
    errors = parse_notice(wrong_weekday, 2026).errors
    assert errors == ["第1行：1月1日标注为周五，但2026年这一天是周四"]
    wrong_total = "一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。"
    assert parse_notice(wrong_total, 2026).errors == ["第1行（元旦）：写明共4天，但日期范围是3天"]
    assert parse_notice("今天天气很好", 2026).errors == ["没有找到“一、元旦：1月1日……放假”这样的条目，请检查粘贴的内容"]
    assert "没有这一天" in parse_notice("一、元旦：2月30日放假1天。", 2026).errors[0]


# --- the action --------------------------------------------------------------------------------------------


def test_entering_a_year_replaces_it_and_moves_the_revision(superuser):
    year = calendar.work_calendar().last_year + 1
    parsed = parse_notice(NOTICE_2027_FOR_TESTS.replace("2027", str(year)), year)
    # The test notice's weekdays belong to 2027; entered for another year they are simply dates.
    periods = [Period(p.name, p.first.replace(year=year), p.last.replace(year=year)) for p in parsed.periods]
    before = calendar.current_revision()
    entered = do_enter_calendar_year(year=year, notice_number="国办发明电〔2026〕9号", periods=periods, user=superuser)
    assert entered.year == year and entered.holidays == sum(p.days for p in periods)
    assert calendar.current_revision() > before
    assert calendar.work_calendar().last_year == year
    assert not calendar.work_calendar().is_working_day(dt.date(year, 1, 1))
    assert "国办发明电〔2026〕9号" in CalendarYear.objects.get(year=year).source


def test_the_action_refuses_bad_entries_and_keeps_the_table(superuser, mediator_a):
    year = calendar.work_calendar().last_year + 1
    good = [Period("元旦", dt.date(year, 1, 1), dt.date(year, 1, 1))]
    with pytest.raises(CalendarError, match="只有系统管理员"):
        do_enter_calendar_year(year=year, notice_number="国办发明电〔2026〕9号", periods=good, user=mediator_a)
    with pytest.raises(CalendarError, match="文号"):
        do_enter_calendar_year(year=year, notice_number="9号", periods=good, user=superuser)
    overlapping = [*good, Period("又一个", dt.date(year, 1, 1), dt.date(year, 1, 2))]
    with pytest.raises(CalendarError, match="同时出现在"):
        do_enter_calendar_year(year=year, notice_number="国办发明电〔2026〕9号", periods=overlapping, user=superuser)
    assert not CalendarYear.objects.filter(year=year).exists()
    assert not SpecialDay.objects.filter(date__year=year).exists()


# --- every process sees an edit at once -------------------------------------------------------------------


def test_another_process_edit_is_seen_on_the_next_use():
    """Another process changes the table with no signal reaching this one (a plain UPDATE, as its own
    transaction would write it) and moves the revision: this process's cached calendar is not used again."""
    cal = calendar.work_calendar()
    day = next(d for d in sorted(cal.rest_days) if d.weekday() < 5)  # a weekday holiday
    assert calendar.work_calendar() is cal  # cached while nothing changed
    SpecialDay.objects.filter(date=day).update(kind=SpecialDay.Kind.WORKDAY)  # queryset update: no signals
    assert not calendar.work_calendar().is_working_day(day)  # … so without the revision it would stay stale
    calendar.bump_revision()  # what the other process's action does in its transaction
    assert calendar.work_calendar().is_working_day(day)


def test_an_admin_edit_moves_the_revision():
    before = calendar.current_revision()
    day = SpecialDay.objects.order_by("date").first()
    day.name = day.name + "（改）"
    day.save(update_fields=["name"])
    assert calendar.current_revision() == before + 1


# --- the page and the banner ------------------------------------------------------------------------------


def test_page_is_for_administrators_only(client, mediator_a, admin_a):
    for user in (mediator_a, admin_a):
        client.force_login(user)
        assert client.get(reverse("reference:calendar")).status_code == 404
        assert client.get(reverse("reference:calendar_enter")).status_code == 404
        assert client.post(reverse("reference:calendar_enter"), {"year": "2030"}).status_code == 404


def test_paste_parse_confirm_save(client, superuser):
    year = calendar.work_calendar().last_year + 1
    client.force_login(superuser)
    url = reverse("reference:calendar_enter")
    text = NOTICE_2026.replace("2026", str(year)) if year != 2027 else NOTICE_2027_FOR_TESTS
    page = client.post(url, {"year": str(year), "notice_text": text, "step": "parse"}).content.decode()
    assert 'name="name_0" value="元旦"' in page
    assert not SpecialDay.objects.filter(date__year=year).exists()  # parsing saves nothing
    if year == 2027:
        assert "国办发明电〔2026〕9号" in page  # the number read from the pasted text
        assert "calendar-errors" not in page
    # Confirm the rows as shown (here: typed), with a bad date in one row: nothing saved, a clear message.
    rows = {"year": str(year), "notice_number": "国办发明电〔2026〕9号", "step": "save"}
    rows.update({"name_0": "元旦", "first_0": f"{year}-01-01", "last_0": f"{year}-01-03", "workdays_0": ""})
    bad = {**rows, "name_1": "春节", "first_1": "2月5日", "last_1": f"{year}-02-12"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "“春节”一行的日期应写成 2027-01-01 这样的格式" in response.content.decode()
    assert not CalendarYear.objects.filter(year=year).exists()
    response = client.post(url, rows)
    assert response.status_code == 302
    # 1 January is the statutory day (《全国年节及纪念日放假办法》第二条); the 2nd and 3rd are 调休 rest days.
    kinds = dict(SpecialDay.objects.filter(date__year=year).values_list("date", "kind"))
    assert kinds == {
        dt.date(year, 1, 1): SpecialDay.Kind.HOLIDAY,
        dt.date(year, 1, 2): SpecialDay.Kind.REST,
        dt.date(year, 1, 3): SpecialDay.Kind.REST,
    }
    assert str(year) in client.get(reverse("reference:calendar")).content.decode()


def test_banner_from_1_november_for_administrators_only(client, superuser, mediator_a):
    last = calendar.work_calendar().last_year
    page_url = reverse("reference:calendar")
    with time_machine.travel(beijing(last, 10, 31, 12, 0), tick=False):
        assert missing_next_year() is None
        client.force_login(superuser)
        assert "calendar-banner" not in client.get(page_url).content.decode()
    with time_machine.travel(beijing(last, 11, 1, 0, 5), tick=False):
        assert missing_next_year() == last + 1
        client.force_login(superuser)  # a new day: the idle session of yesterday has lapsed
        page = client.get(page_url).content.decode()
        assert f"尚未录入{last + 1}年节假日安排" in page
        client.force_login(mediator_a)
        staff_page = client.get(reverse("cases:list"))
        assert staff_page.status_code == 200 and "calendar-banner" not in staff_page.content.decode()
        CalendarYear.objects.create(year=last + 1, source="test")
        client.force_login(superuser)
        assert "calendar-banner" not in client.get(page_url).content.decode()
