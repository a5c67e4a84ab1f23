"""Loading reference data: used by the data migration and by the management commands alike."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.apps.registry import Apps
from django.db.models import F as models_F

DIVISIONS_DIR = Path(__file__).parent / "data" / "china-division-2.7.0"
DIVISIONS_VALID_FROM = dt.date(2023, 1, 1)  # NBS 2023 codes
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
CALENDAR_SOURCE = "chinese-calendar 1.11.0（国务院办公厅节假日安排通知）"

# chinese-calendar names the holidays in English; the UI shows Chinese.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


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
    """Seed holidays and 调休 days for every year chinese-calendar knows; existing rows are kept."""
    from chinese_calendar import constants

    from tiaojie.reference import models

    CalendarYear = apps.get_model("reference", "CalendarYear") if apps else models.CalendarYear
    SpecialDay = apps.get_model("reference", "SpecialDay") if apps else models.SpecialDay
    existing = set(SpecialDay.objects.values_list("date", flat=True))
    rows = [
        SpecialDay(date=day, kind="holiday", name=HOLIDAY_NAMES_ZH.get(name, name))
        for day, name in constants.holidays.items()
        if day not in existing
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
