"""The holiday calendar page: the configured years, and entering a year from the State Council's notice
(pasted and parsed, or typed in period by period), confirmed before anything is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.lib.workdays import legal_date
from tiaojie.reference.actions import CalendarError, do_enter_calendar_year, may_edit_calendar, validate_periods
from tiaojie.reference.models import CalendarYear, SpecialDay
from tiaojie.reference.notice import Period, parse_notice

BLANK_ROWS = 3
ROW_KEYS = ("name", "first", "last", "statutory", "workdays")
MAX_ROWS = 20


def _require_admin(request: HttpRequest) -> None:
    # Not revealing the page to others: it changes every deadline of every organisation.
    if not may_edit_calendar(request.user):
        raise Http404


def missing_next_year(today: dt.date | None = None) -> int | None:
    """Next year, from 1 November on, when the table does not have it yet (the notice usually comes out in
    November; deadlines counted into January need it)."""
    today = today or legal_date(timezone.now())
    if today.month < 11:
        return None
    nxt = today.year + 1
    return None if CalendarYear.objects.filter(year=nxt).exists() else nxt


@login_required
def calendar_years(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    years = []
    for y in CalendarYear.objects.order_by("-year"):
        counts = SpecialDay.objects.filter(date__year=y.year).aggregate(
            holidays=Count("pk", filter=Q(kind__in=SpecialDay.REST_KINDS)),
            statutory=Count("pk", filter=Q(kind=SpecialDay.Kind.HOLIDAY)),
            workdays=Count("pk", filter=Q(kind=SpecialDay.Kind.WORKDAY)),
        )
        years.append({"year": y.year, "source": y.source, **counts})
    return render(request, "reference/calendar_years.html", {"years": years})


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _rows_from_post(post: Any) -> tuple[list[dict[str, str]], list[Period], list[str]]:
    """The rows as typed (to show them again) and the periods they make; unreadable rows are errors."""
    rows, periods, errors = [], [], []
    for i in range(MAX_ROWS):
        row = {k: post.get(f"{k}_{i}", "").strip() for k in ROW_KEYS}
        if not any(row.values()):
            continue
        rows.append(row)
        first, last = _parse_date(row["first"]), _parse_date(row["last"] or row["first"])
        workdays, statutory = _dates(row["workdays"]), _dates(row["statutory"])
        if first is None or last is None or any(w is None for w in workdays + statutory):
            errors.append(_("“%(name)s”一行的日期应写成 2027-01-01 这样的格式") % {"name": row["name"] or "?"})
            continue
        periods.append(
            Period(
                name=row["name"],
                first=first,
                last=last,
                workdays=[w for w in workdays if w],
                # Left blank: the rule's statutory days for the period (do_enter_calendar_year).
                statutory=[d for d in statutory if d],
            )
        )
    return rows, periods, errors


def _dates(text: str) -> list[dt.date | None]:
    return [_parse_date(w) for w in text.replace("，", ",").replace("、", ",").split(",") if w.strip()]


def _row(p: Period) -> dict[str, str]:
    return {
        "name": p.name,
        "first": p.first.isoformat(),
        "last": p.last.isoformat(),
        "statutory": ", ".join(d.isoformat() for d in p.statutory),
        "workdays": ", ".join(w.isoformat() for w in p.workdays),
    }


@login_required
def enter_year(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    today = legal_date(timezone.now())
    context: dict[str, Any] = {
        "year": str(missing_next_year(today) or today.year + 1),
        "notice_number": "",
        "notice_text": "",
        "errors": [],
        "warnings": [],
        "parsed": False,
    }
    rows: list[dict[str, str]] = []
    if request.method == "POST":
        post = request.POST
        context.update(
            year=post.get("year", "").strip(),
            notice_number=post.get("notice_number", "").strip(),
            notice_text=post.get("notice_text", ""),
        )
        year = int(context["year"]) if context["year"].isdigit() and 2000 <= int(context["year"]) <= 2100 else None
        if year is None:
            context["errors"] = [_("请填写年份，例如 2027")]
            rows, _periods, _errors = _rows_from_post(post)
        elif post.get("step") == "parse":
            parsed = parse_notice(context["notice_text"], year)
            rows = [_row(p) for p in parsed.periods]
            context["errors"] = parsed.errors
            context["warnings"] = parsed.warnings
            context["parsed"] = True
            found = _notice_number_in(context["notice_text"])
            if found and not context["notice_number"]:
                context["notice_number"] = found
        else:
            rows, periods, errors = _rows_from_post(post)
            errors = errors or validate_periods(year, periods)
            if not errors:
                try:
                    entered = do_enter_calendar_year(
                        year=year, notice_number=context["notice_number"], periods=periods, user=request.user
                    )
                except CalendarError as exc:
                    errors = [exc.message]
                else:
                    messages.success(
                        request,
                        _(
                            "已录入%(year)d年节假日安排：放假%(h)d天（其中法定节假日%(s)d天），调休上班%(w)d天；"
                            "重新计算了%(n)d条记录（案件、协商、协议、热线工单）中原先不确定的期限。"
                        )
                        % {
                            "year": entered.year,
                            "h": entered.holidays,
                            "s": entered.statutory,
                            "w": entered.workdays,
                            "n": entered.recomputed,
                        },
                    )
                    return redirect(reverse("reference:calendar"))
            context["errors"] = errors
            context["parsed"] = True
    context["rows"] = rows + [dict.fromkeys(ROW_KEYS, "")] * BLANK_ROWS
    context["holiday_days"] = _holiday_days(rows)
    status = 400 if context["errors"] and request.method == "POST" and request.POST.get("step") != "parse" else 200
    return render(request, "reference/enter_year.html", context, status=status)


def _holiday_days(rows: list[dict[str, str]]) -> int:
    total = 0
    for r in rows:
        first, last = _parse_date(r["first"]), _parse_date(r["last"])
        if first and last and last >= first:
            total += (last - first).days + 1
    return total


def _notice_number_in(text: str) -> str:
    from tiaojie.reference.notice import NOTICE_NUMBER

    found = NOTICE_NUMBER.search(text.replace(" ", ""))
    return found.group(0) if found else ""
