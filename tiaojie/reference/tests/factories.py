"""Calendar set-up for tests whose subject is not the holiday table."""

from __future__ import annotations

from django.utils import timezone

from tiaojie.lib.workdays import legal_date
from tiaojie.reference.models import CalendarYear

TEST_YEAR_SOURCE = "测试用：仅按周末计算"


def cover_years_ahead(years: int = 1) -> None:
    """Mark this year (on the possibly travelled clock) and the next `years` as configured, with no holidays.

    Documents refuse to print a deadline counted past the configured years, and the suite also runs with the
    clock moved a year and more ahead, where the real table has no data. A test about numbering or rendering
    calls this first so its deadlines are certain on any date; a test about holidays never does."""
    this_year = legal_date(timezone.now()).year
    for year in range(this_year, this_year + years + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": TEST_YEAR_SOURCE})
