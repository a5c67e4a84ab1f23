"""Statutory holidays against 调休 rest days (issue 14 item 3): the rule per version of 《全国年节及纪念日放假办法》,
the seeded table split by it, the notice and the entry page producing the split, counting unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from chinese_calendar import constants
from django.urls import reverse

from tiaojie.reference import calendar, loaders, statutory
from tiaojie.reference.actions import CalendarError, do_enter_calendar_year
from tiaojie.reference.calendar import DayKind, classify_days
from tiaojie.reference.models import CalendarYear, SpecialDay
from tiaojie.reference.notice import Period, parse_notice
from tiaojie.reference.tests.notices import NOTICE_2025, NOTICE_2026, NOTICE_2027_FOR_TESTS

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)


# --- the rule -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "count"),
    # 10 days under the 1999 text; 11 from 2008 (劳社部发〔2008〕3号: "由原来的10天增设为11天"); 13 from 2025.
    # 2009 and 2020 have one day fewer: 中秋 fell on 3 October / 1 October, a day of 国庆 already.
    [(2007, 10), (2008, 11), (2009, 10), (2013, 11), (2014, 11), (2020, 10), (2024, 11), (2025, 13), (2026, 13)],
)
def test_statutory_days_per_year(year, count):
    assert len(statutory.statutory_days(year)) == count


def test_the_amendments_move_chuxi_and_may_day():
    assert statutory.statutory_days(2013)[D(2013, 2, 9)] == "春节"  # 2008–2013: 除夕 to 初二
    assert D(2013, 2, 12) not in statutory.statutory_days(2013)
    assert D(2014, 1, 30) not in statutory.statutory_days(2014)  # 2014–2024: 初一 to 初三, 除夕 is not one
    assert D(2024, 2, 9) not in statutory.statutory_days(2024)
    assert statutory.statutory_days(2025)[D(2025, 1, 28)] == "春节"  # from 2025: 除夕 again, and 5月2日
    assert statutory.statutory_days(2025)[D(2025, 5, 2)] == "劳动节"
    assert D(2024, 5, 2) not in statutory.statutory_days(2024)
    assert statutory.statutory_days(2020)[D(2020, 10, 1)] == "国庆节、中秋节"
    assert statutory.statutory_days(2036) == {} and not statutory.has_rule(2036)


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_statutory_day_is_a_day_off_in_the_published_arrangements(year):
    """A wrong lunar date in LUNAR_DATES would put a statutory day on a working day of chinese-calendar's
    table (a weak check, but across every seeded year; 2012-06-23, a Saturday 端午 it leaves out, aside)."""
    off = set(constants.holidays) | {D(2012, 6, 23)}
    assert [d for d in statutory.statutory_days(year) if d not in off] == []


# --- the seeded table ---------------------------------------------------------------------------------------


def test_the_seeded_years_are_split_by_the_rule():
    kinds = dict(SpecialDay.objects.values_list("date", "kind"))
    assert kinds[D(2025, 1, 28)] == SpecialDay.Kind.HOLIDAY  # 除夕 2025
    assert kinds[D(2023, 1, 21)] == SpecialDay.Kind.REST  # 除夕 2023: a day off, not a statutory one
    assert D(2024, 2, 9) not in kinds  # 除夕 2024 was a working day (a Friday)
    assert kinds[D(2026, 10, 1)] == SpecialDay.Kind.HOLIDAY
    assert kinds[D(2026, 10, 4)] == SpecialDay.Kind.REST
    assert kinds[D(2026, 2, 14)] == SpecialDay.Kind.WORKDAY  # a 调休 Saturday
    assert kinds[D(2012, 6, 23)] == SpecialDay.Kind.HOLIDAY  # added: missing from chinese-calendar
    for year in range(2004, 2027):
        stored = {d for d, k in kinds.items() if d.year == year and k == SpecialDay.Kind.HOLIDAY}
        assert stored == set(statutory.statutory_days(year)), year


def test_classifying_again_changes_nothing_and_a_merged_table_is_split():
    assert loaders.classify_calendar() == 0
    SpecialDay.objects.filter(kind=SpecialDay.Kind.REST).update(kind=SpecialDay.Kind.HOLIDAY)  # the old table
    assert loaders.classify_calendar() > 0
    assert SpecialDay.objects.get(date=D(2026, 10, 4)).kind == SpecialDay.Kind.REST


def test_counting_treats_both_kinds_of_day_off_alike():
    cal = calendar.work_calendar()
    assert not cal.is_working_day(D(2026, 10, 1)) and not cal.is_working_day(D(2026, 10, 6))  # statutory, 调休
    assert cal.is_working_day(D(2026, 10, 10))  # a 调休 Saturday worked
    # 30 September + 3 working days: 1–7 October are off, 8, 9 and the Saturday 10th count.
    assert calendar.workday_deadline(D(2026, 9, 30), 3).last_day == D(2026, 10, 10)


def test_classify_days_names_each_kind_and_refuses_unconfigured_years():
    days = [D(2026, 10, 1), D(2026, 10, 4), D(2026, 10, 10), D(2026, 10, 17), D(2026, 10, 13), D(2099, 1, 1)]
    kinds, missing = classify_days(days)
    assert {d: k.kind for d, k in kinds.items()} == {
        D(2026, 10, 1): DayKind.STATUTORY_HOLIDAY,
        D(2026, 10, 4): DayKind.SHIFTED_REST_DAY,
        D(2026, 10, 10): DayKind.SHIFTED_WORKING_DAY,
        D(2026, 10, 17): DayKind.REST_DAY,
        D(2026, 10, 13): DayKind.WORKING_DAY,
    }
    assert kinds[D(2026, 10, 1)].festival == "国庆节"
    assert missing == [2099]


# --- the notice and the entry page --------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "text"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_the_notice_gives_the_statutory_days_inside_each_period(year, text):
    parsed = parse_notice(text, year)
    assert set(parsed.statutory) == set(statutory.statutory_days(year))
    assert parsed.warnings == []
    spring = next(p for p in parsed.periods if p.name == "春节")
    if year == 2026:  # 15–23 February, 9 days: 除夕 16th and 初一–初三 17–19th statutory, five 调休 rest days
        assert spring.statutory == [D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19)]


def test_the_parser_warns_when_the_rule_and_the_notice_disagree():
    partial = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"
    warnings = parse_notice(partial, 2027).warnings
    assert "2027-02-05（春节）是法定节假日，但不在通知的任何放假期间内，请核对" in warnings
    assert "尚无2036年法定节假日的规则" in parse_notice("一、元旦：1月1日（周二）放假1天，不调休。", 2036).warnings[0]


def test_the_action_stores_statutory_and_rest_days_apart(superuser):
    year = 2027
    parsed = parse_notice(NOTICE_2027_FOR_TESTS, year)
    entered = do_enter_calendar_year(
        year=year, notice_number="国办发明电〔2026〕9号", periods=parsed.periods, user=superuser
    )
    assert (entered.statutory, entered.holidays) == (13, len(parsed.holidays))
    assert SpecialDay.objects.get(date=D(2027, 2, 5)).kind == SpecialDay.Kind.HOLIDAY  # 除夕
    assert SpecialDay.objects.get(date=D(2027, 2, 9)).kind == SpecialDay.Kind.REST  # 初四


def test_the_action_refuses_a_statutory_day_outside_its_period_and_a_year_without_rule(superuser):
    bad = [Period("元旦", D(2027, 1, 1), D(2027, 1, 3), statutory=[D(2027, 1, 4)])]
    with pytest.raises(CalendarError, match="不在放假期间内"):
        do_enter_calendar_year(year=2027, notice_number="国办发明电〔2026〕9号", periods=bad, user=superuser)
    unruled = [Period("元旦", D(2036, 1, 1), D(2036, 1, 1))]
    with pytest.raises(CalendarError, match="请填写其中的法定节假日"):
        do_enter_calendar_year(year=2036, notice_number="国办发明电〔2035〕9号", periods=unruled, user=superuser)
    marked = [Period("元旦", D(2036, 1, 1), D(2036, 1, 1), statutory=[D(2036, 1, 1)])]
    do_enter_calendar_year(year=2036, notice_number="国办发明电〔2035〕9号", periods=marked, user=superuser)
    assert SpecialDay.objects.get(date=D(2036, 1, 1)).kind == SpecialDay.Kind.HOLIDAY


def test_the_entry_page_prefills_the_statutory_days_and_saves_what_the_administrator_corrects(client, superuser):
    client.force_login(superuser)
    url = reverse("reference:calendar_enter")
    page = client.post(url, {"year": "2027", "notice_text": NOTICE_2027_FOR_TESTS, "step": "parse"}).content.decode()
    assert 'name="statutory_1" value="2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08"' in page
    rows = {"year": "2027", "notice_number": "国办发明电〔2026〕9号", "step": "save"}
    # The administrator marks the 2nd as statutory too (a notice that differs from the rule wins).
    rows.update(
        {"name_0": "元旦", "first_0": "2027-01-01", "last_0": "2027-01-03", "statutory_0": "2027-01-01，2027-01-02"}
    )
    rows.update({"name_1": "清明节", "first_1": "2027-04-03", "last_1": "2027-04-05", "statutory_1": ""})
    assert client.post(url, rows).status_code == 302
    kinds = dict(SpecialDay.objects.filter(date__year=2027).values_list("date", "kind"))
    assert [kinds[D(2027, 1, d)] for d in (1, 2, 3)] == ["holiday", "holiday", "rest"]
    assert [kinds[D(2027, 4, d)] for d in (3, 4, 5)] == ["rest", "rest", "holiday"]  # blank: the rule's 清明
    listing = client.get(reverse("reference:calendar")).content.decode()
    assert "<td>2027</td><td>6</td><td>3</td>" in listing
    assert CalendarYear.objects.filter(year=2027).exists()
