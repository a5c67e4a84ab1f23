import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.db.models import Count

from tiaojie.reference.calendar import calendar_deadline, work_calendar
from tiaojie.reference.loaders import load_divisions
from tiaojie.reference.models import CalendarYear, Division, SpecialDay, subtree_range

pytestmark = pytest.mark.django_db


def test_all_divisions_are_loaded_by_the_migration():
    counts = dict(Division.objects.values_list("level").annotate(n=Count("code")))
    assert counts[Division.Level.PROVINCE] == 31
    assert counts[Division.Level.TOWNSHIP] >= 41_000
    township = Division.objects.get(code="330110012")
    assert township.name == "仓前街道" and township.parent_id == "330110"
    assert township.full_name == "浙江省杭州市余杭区仓前街道"
    assert Division.objects.get(code="1101").is_placeholder  # 北京 "市辖区"
    assert Division.objects.get(code="110101001").full_name.startswith("北京市东城区")  # placeholder skipped


def test_loading_again_adds_nothing_and_is_quick():
    started = time.perf_counter()
    assert load_divisions() == 0
    assert time.perf_counter() - started < 30  # generous: reading 45k CSV rows on a loaded machine


def test_load_commands_are_idempotent(capsys):
    call_command("load-divisions")
    call_command("load-calendar")
    out = capsys.readouterr().out
    assert "divisions added: 0" in out and "calendar days added: 0" in out


def test_subtree_range_is_exact_on_prefixes():
    assert subtree_range("3301") == ("3301", "3302")
    assert subtree_range("33") == ("33", "34")
    assert subtree_range("330199") == ("330199", "330200")
    low, high = subtree_range("330110")
    inside = Division.objects.filter(code__gte=low, code__lt=high)
    assert set(inside.values_list("code", flat=True)) == set(
        Division.objects.filter(code__startswith="330110").values_list("code", flat=True)
    )
    with pytest.raises(ValueError):
        subtree_range("33%")


def test_calendar_seeded_from_2004_without_gaps():
    # The last configured year is whatever the holiday data knows (2026 in chinesecalendar 1.11; a later
    # data release or a hand-entered year adds more): only the start and the absence of gaps are fixed.
    years = list(CalendarYear.objects.values_list("year", flat=True).order_by("year"))
    assert years[0] == 2004 and years == list(range(2004, years[-1] + 1)) and years[-1] >= 2026
    assert SpecialDay.objects.get(date=dt.date(2026, 2, 14)).kind == SpecialDay.Kind.WORKDAY
    assert SpecialDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"


def test_editing_the_holiday_table_changes_deadlines_at_once():
    # 2 March 2026 + 15 days = Tuesday 17 March; declare 17 March a holiday and it rolls to the 18th.
    assert calendar_deadline(dt.date(2026, 3, 2), 15).last_day == dt.date(2026, 3, 17)
    SpecialDay.objects.create(date=dt.date(2026, 3, 17), kind=SpecialDay.Kind.HOLIDAY, name="测试")
    assert calendar_deadline(dt.date(2026, 3, 2), 15).last_day == dt.date(2026, 3, 18)


def test_configuring_the_next_year_removes_the_flag():
    last = work_calendar().last_year
    assert calendar_deadline(dt.date(last, 12, 20), 15).uncertain  # ends in a year nobody has configured
    CalendarYear.objects.create(year=last + 1, source="国办发明电 测试")
    assert not calendar_deadline(dt.date(last, 12, 20), 15).uncertain
    assert work_calendar().last_year == last + 1


def test_divisions_cannot_be_deleted_in_admin(admin_client):
    response = admin_client.post("/admin/reference/division/330110012/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Division.objects.filter(code="330110012").exists()


def test_holiday_table_is_editable_in_admin(admin_client):
    response = admin_client.post(
        "/admin/reference/specialday/add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302
    assert SpecialDay.objects.filter(date=dt.date(2027, 1, 1)).exists()
