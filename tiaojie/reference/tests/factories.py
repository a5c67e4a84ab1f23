"""Calendar set-up for tests whose subject is not the holiday table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tiaojie.lib.workdays import LEGAL_TZ, legal_date
from tiaojie.reference.actions import EnteredYear, do_enter_calendar_year
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.models import CalendarYear
from tiaojie.reference.notice import Period

TEST_YEAR_SOURCE = "测试用：仅按周末计算"


def cover_years_ahead(years: int = 1) -> None:
    """Mark this year (on the possibly travelled clock) and the next `years` as configured, with no holidays.

    Documents refuse to print a deadline counted past the configured years, and the suite also runs with the
    clock moved a year and more ahead, where the real table has no data. A test about numbering or rendering
    calls this first so its deadlines are certain on any date; a test about holidays never does."""
    this_year = legal_date(timezone.now()).year
    for year in range(this_year, this_year + years + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": TEST_YEAR_SOURCE})


# --- a year entered with a holiday every January deadline must move for ---------------------------------------

LONG_NEW_YEAR_DAYS = 7  # 1–7 January: seven days hold five weekdays, so every count into early January moves
TEST_NOTICE_NUMBER = "国办发明电〔2026〕9号"


def long_new_year(year: int) -> list[Period]:
    """One holiday, 元旦 from 1 to 7 January of `year`: any deadline counted into the first days of January
    without holiday data (weekends only) ends later once this is entered."""
    return [Period("元旦", dt.date(year, 1, 1), dt.date(year, 1, LONG_NEW_YEAR_DAYS))]


def enter_year(year: int, user: Any, periods: list[Period] | None = None) -> EnteredYear:
    """Enter `year` through the action, as the administrator's page does (by default with long_new_year)."""
    return do_enter_calendar_year(
        year=year,
        notice_number=TEST_NOTICE_NUMBER,
        periods=long_new_year(year) if periods is None else periods,
        user=user,
    )


def last_configured_december(day: int = 30, hour: int = 10) -> dt.datetime:
    """A moment in December of the calendar's last configured year, whichever it is on this clock: a period
    counted from it into January looks past the table and is stored as uncertain."""
    return dt.datetime(work_calendar().last_year, 12, day, hour, 0, tzinfo=LEGAL_TZ)
