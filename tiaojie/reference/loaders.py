"""Loading reference data: used by the data migration and by the management commands alike."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.apps.registry import Apps
from django.db.models import F as models_F
from django.utils.translation import gettext_noop

from tiaojie.reference.statutory import has_rule, statutory_days

DIVISIONS_DIR = Path(__file__).parent / "data" / "china-division-2.7.0"
DIVISIONS_VALID_FROM = dt.date(2023, 1, 1)  # NBS 2023 codes
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
CALENDAR_SOURCE = "chinese-calendar 1.11.0（国务院办公厅节假日安排通知）"

# chinese-calendar names the holidays in English; the UI shows Chinese.
# (The Chinese names are msgids too: the overtime calculator's steps show them in the reader's language.)
HOLIDAY_NAMES_ZH = {
    "New Year's Day": gettext_noop("元旦"),
    "Spring Festival": gettext_noop("春节"),
    "Tomb-sweeping Day": gettext_noop("清明节"),
    "Labour Day": gettext_noop("劳动节"),
    "Dragon Boat Festival": gettext_noop("端午节"),
    "National Day": gettext_noop("国庆节"),
    "Mid-autumn Festival": gettext_noop("中秋节"),
    "Anti-Fascist 70th Day": gettext_noop("抗战胜利70周年纪念日"),
}
# The name the notices give a period of both festivals, and reference.statutory gives their common day.
gettext_noop("国庆节、中秋节")


def rest_kind(day: dt.date) -> str:
    """ "holiday" for a statutory holiday, "rest" for any other day off of a holiday period (SpecialDay.Kind).
    A year without a rule keeps "holiday" for every day off, as before (the entry page marks them then)."""
    if not has_rule(day.year):
        return "holiday"
    return "holiday" if day in statutory_days(day.year) else "rest"


def classify_calendar(apps: Apps | None = None) -> int:
    """Split the stored days off into statutory holidays and 调休 rest days by `reference.statutory`, and add the
    statutory days of configured years that are missing; return how many rows changed. For the data migration
    that separated the two kinds (0005), and safe to run again."""
    from tiaojie.reference import models

    SpecialDay = apps.get_model("reference", "SpecialDay") if apps else models.SpecialDay
    CalendarYear = apps.get_model("reference", "CalendarYear") if apps else models.CalendarYear
    changed = 0
    for kind in ("holiday", "rest"):
        for day in SpecialDay.objects.filter(kind=kind).values_list("date", flat=True):
            wanted = rest_kind(day)
            if wanted != kind:
                changed += SpecialDay.objects.filter(date=day).update(kind=wanted)
    existing = set(SpecialDay.objects.values_list("date", flat=True))
    missing = [
        SpecialDay(date=day, kind="holiday", name=name)
        for year in CalendarYear.objects.values_list("year", flat=True)
        for day, name in statutory_days(year).items()
        if day not in existing
    ]
    SpecialDay.objects.bulk_create(missing)
    return changed + len(missing)


def _rows(name: str) -> list[dict[str, str]]:
    with (DIVISIONS_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_divisions(apps: Apps | None = None) -> int:
    """Insert every division not yet present; return how many were added. Idempotent."""
    from tiaojie.reference import models

    # In a migration, use the historical model the migration hands us; elsewhere, the current one.
    Division = apps.get_model("reference", "Division") if apps else models.Division
    existing = set(Division.objects.values_list("code", flat=True))
    new = []
    specs = [
        ("provinces.csv", 1, None),
        ("cities.csv", 2, "provinceCode"),
        ("areas.csv", 3, "cityCode"),
        ("streets.csv", 4, "areaCode"),
    ]
    for filename, level, parent_column in specs:
        for row in _rows(filename):
            if row["code"] in existing:
                continue
            new.append(
                Division(
                    code=row["code"],
                    name=row["name"],
                    level=level,
                    parent_id=row[parent_column] if parent_column else None,
                    is_placeholder=row["name"] in PLACEHOLDER_NAMES,
                    valid_from=DIVISIONS_VALID_FROM,
                )
            )
    # Parents precede children in `new`, so batches insert without violating the foreign key.
    Division.objects.bulk_create(new, batch_size=2000)
    return len(new)


def load_calendar(apps: Apps | None = None) -> int:
    """Seed holidays and 调休 days for every year chinese-calendar knows; existing rows are kept.

    chinese-calendar lists the days off of each holiday period without saying which are statutory: each is
    classified by `reference.statutory` (holiday or rest), and a statutory day it leaves out (a weekend day,
    e.g. 端午 on Saturday 2012-06-23) is added, so the overtime calculator pays it at 300 %."""
    from chinese_calendar import constants

    from tiaojie.reference import models

    CalendarYear = apps.get_model("reference", "CalendarYear") if apps else models.CalendarYear
    SpecialDay = apps.get_model("reference", "SpecialDay") if apps else models.SpecialDay
    existing = set(SpecialDay.objects.values_list("date", flat=True))
    off = {day: HOLIDAY_NAMES_ZH.get(name, name) for day, name in constants.holidays.items()}
    for year in {d.year for d in off}:
        for day, name in statutory_days(year).items():
            off.setdefault(day, name)
    rows = [
        SpecialDay(date=day, kind=rest_kind(day), name=name) for day, name in sorted(off.items()) if day not in existing
    ] + [
        SpecialDay(date=day, kind="workday", name=HOLIDAY_NAMES_ZH.get(name, name))
        for day, name in constants.workdays.items()
        if day not in existing
    ]
    SpecialDay.objects.bulk_create(rows, batch_size=1000)
    years = {d.year for d in constants.holidays}
    known = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source=CALENDAR_SOURCE) for y in sorted(years - known)])
    # bulk_create sends no signals: move the revision so every process rebuilds its cached calendar.
    # (The data migration runs before the revision table exists: nothing is cached then.)
    try:
        Revision = apps.get_model("reference", "CalendarRevision") if apps else models.CalendarRevision
    except LookupError:
        return len(rows)
    if rows and not Revision.objects.filter(pk=1).update(revision=models_F("revision") + 1):
        Revision.objects.get_or_create(pk=1, defaults={"revision": 1})
    return len(rows)
