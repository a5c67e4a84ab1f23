"""The writes of the reference app: entering a year of the holiday calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tiaojie.reference.calendar import bump_revision, calendar_year_entered, clear_calendar_cache
from tiaojie.reference.models import CalendarYear, SpecialDay
from tiaojie.reference.notice import NOTICE_NUMBER, Period
from tiaojie.reference.statutory import has_rule


class CalendarError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EnteredYear:
    year: int
    holidays: int  # every day off: statutory holidays and 调休 rest days
    statutory: int
    workdays: int
    recomputed: int  # rows (cases, negotiations, agreements, work orders) whose uncertain deadlines were recounted


def may_edit_calendar(user: Any) -> bool:
    """A superuser, or a staff account allowed to change holiday days (the platform's administrators)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    # (Typed Any: the user model lives in accounts, above this app.)
    return bool(getattr(user, "is_superuser", False)) or (
        bool(getattr(user, "is_staff", False)) and bool(user.has_perm("reference.change_specialday"))
    )


def validate_periods(year: int, periods: list[Period]) -> list[str]:
    errors = []
    seen: dict[dt.date, str] = {}
    if not periods:
        errors.append(_("请至少填写一个节假日"))
    for p in periods:
        if not p.name.strip():
            errors.append(_("每个节假日都要填写名称"))
        if p.first.year != year or p.last.year != year:
            errors.append(_("%(name)s的放假日期不在%(year)d年") % {"name": p.name, "year": year})
        if p.last < p.first:
            errors.append(_("%(name)s：最后一天早于第一天") % {"name": p.name})
        if p.days > 15:
            errors.append(_("%(name)s：放假超过15天，请核对日期") % {"name": p.name})
        days = [p.first + dt.timedelta(days=i) for i in range(max(p.days, 0))] + p.workdays
        for day in days:
            if day in seen:
                errors.append(_("%(day)s 同时出现在%(a)s和%(b)s中") % {"day": day, "a": seen[day], "b": p.name})
            seen[day] = p.name
        outside = [d for d in p.statutory if not p.first <= d <= p.last]
        if outside:
            errors.append(
                _("%(name)s：法定节假日%(days)s不在放假期间内")
                % {"name": p.name, "days": "、".join(d.isoformat() for d in outside)}
            )
        if not p.statutory and not has_rule(year):
            errors.append(
                _("%(name)s：请填写其中的法定节假日（本系统尚无%(year)d年的规则）") % {"name": p.name, "year": year}
            )
        for w in p.workdays:
            if w.weekday() < 5:
                errors.append(_("%(name)s：调休上班日%(day)s不是周末") % {"name": p.name, "day": w})
            if abs((w - p.first).days) > 45:
                errors.append(_("%(name)s：调休上班日%(day)s离假期太远，请核对") % {"name": p.name, "day": w})
    return errors


def do_enter_calendar_year(*, year: int, notice_number: str, periods: list[Period], user: Any) -> EnteredYear:
    """Replace `year`'s holidays and 调休 days with the notice's, in one transaction that also moves the
    calendar revision (every process then counts on it) and recomputes the deadlines stored as uncertain."""
    if not may_edit_calendar(user):
        raise CalendarError(_("只有系统管理员可以录入节假日安排"))
    # A period given without its statutory days takes the rule's (reference.statutory); the entry page shows
    # them, prefilled, for the administrator to check.
    periods = [p if p.statutory or not has_rule(year) else p.with_statutory_days() for p in periods]
    notice_number = notice_number.strip()
    if not NOTICE_NUMBER.fullmatch(notice_number):
        raise CalendarError(_("请填写通知的文号，例如“国办发明电〔2026〕9号”"))
    errors = validate_periods(year, periods)
    if errors:
        raise CalendarError("；".join(errors))
    source = _("国务院办公厅关于%(year)d年部分节假日安排的通知（%(number)s）") % {
        "year": year,
        "number": notice_number,
    }
    with transaction.atomic():
        rows = []
        for p in periods:
            # A statutory day is paid at 300 % when worked, any other day off of the period at 200 %
            # (《劳动法》第四十四条): the kinds are stored apart (docs/law.md §6).
            rows += [
                SpecialDay(
                    date=day,
                    kind=SpecialDay.Kind.HOLIDAY if day in p.statutory else SpecialDay.Kind.REST,
                    name=p.name[:40],
                )
                for day in p.days_off
            ]
            rows += [SpecialDay(date=w, kind=SpecialDay.Kind.WORKDAY, name=p.name[:40]) for w in p.workdays]
        # A 调休 day may fall in the previous December; the year owns what its notice lists.
        listed = [r.date for r in rows]
        SpecialDay.objects.filter(date__year=year).exclude(date__in=listed).delete()
        for row in rows:
            row._history_user = user  # type: ignore[attr-defined]  # simple_history's who-changed-it
            SpecialDay.objects.update_or_create(date=row.date, defaults={"kind": row.kind, "name": row.name})
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source[:200]})
        bump_revision()
        clear_calendar_cache()
        transaction.on_commit(clear_calendar_cache)
        replies = calendar_year_entered.send(sender=CalendarYear, year=year, user=user)
        recomputed = sum(int(count or 0) for _receiver, count in replies)
    return EnteredYear(
        year=year,
        holidays=sum(1 for r in rows if r.kind in SpecialDay.REST_KINDS),
        statutory=sum(1 for r in rows if r.kind == SpecialDay.Kind.HOLIDAY),
        workdays=sum(1 for r in rows if r.kind == SpecialDay.Kind.WORKDAY),
        recomputed=recomputed,
    )
