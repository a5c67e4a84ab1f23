"""Exports: the case ledger (案件台账) and every statistics table, as CSV (UTF-8 with BOM, so Excel reads the
Chinese) and Excel (.xlsx, openpyxl write-only).

Neither holds the whole set in memory: the ledger walks the cases with keyset pages (cases.queries.case_page),
CSV lines are streamed as they are made, and a workbook is written row by row into an anonymous temporary
file that is then streamed out in chunks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.db.models import QuerySet, Sum
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.analytics.tables import StatTable
from tiaojie.cases.models import Case, Channel, ClaimType, Status
from tiaojie.cases.queries import case_page, listed_claims, listed_workers
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation.models import Agreement, AgreementItem, Payment
from tiaojie.reference.models import Division

BOM = "\ufeff"
LEDGER_PAGE = 500
FORMATS = ("csv", "xlsx")
CENT = Decimal("0.01")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the surname's first character only."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


def ledger_header() -> list[str]:
    return [
        _("案件编号"), _("收到申请日期"), _("受理组织"), _("组织类型"),
        _("省"), _("市"), _("县（区）"), _("乡镇（街道）"),
        _("用人单位"), _("统一社会信用代码"), _("劳动者（已脱敏）"), _("身份证号（已脱敏）"), _("劳动者人数"),
        _("请求事项"), _("请求金额（元）"), _("来源渠道"), _("状态"), _("受理日期"), _("调解结束日期"), _("结案日期"),
        _("受理期限"), _("期限A（申请仲裁前调解期限）"), _("期限B（调解期限）"),
        _("调解协议生效日期"), _("协议金额（元）"), _("已履行金额（元）"),
    ]  # fmt: skip


class DivisionNames:
    """Names of the province, city, county and township above a code, fetched a page at a time and kept."""

    def __init__(self) -> None:
        self.names: dict[str, Division] = {}

    def prefetch(self, codes: Iterable[str]) -> None:
        wanted = {code[:n] for code in codes for n in (2, 4, 6, 9) if len(code) >= n} - self.names.keys()
        if wanted:
            self.names.update({d.code: d for d in Division.objects.filter(code__in=wanted)})

    def levels(self, code: str) -> list[str]:
        out = []
        for n in (2, 4, 6, 9):
            d = self.names.get(code[:n]) if len(code) >= n else None
            out.append("" if d is None or d.is_placeholder else d.name)
        return out


def _date(value: dt.datetime | None) -> str:
    return legal_date(value).isoformat() if value else ""


@dataclass
class AgreedAmounts:
    effective_on: dt.date
    agreed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


def agreed_amounts(case_ids: list[int]) -> dict[int, AgreedAmounts]:
    """The effective agreements of a page of cases: three grouped queries per page, none per case."""
    out = {
        case_id: AgreedAmounts(legal_date(at))
        for case_id, at in Agreement.objects.filter(case_id__in=case_ids, effective_at__isnull=False).values_list(
            "case_id", "effective_at"
        )
        if at is not None
    }
    if out:
        items = (
            AgreementItem.objects.filter(agreement__case_id__in=list(out))
            .values_list("agreement__case_id")
            .annotate(total=Sum("amount_agreed"))
            .order_by()
        )
        for case_id, total in items:
            out[case_id].agreed = Decimal(total or 0).quantize(CENT)
        paid = (
            Payment.objects.filter(agreement__case_id__in=list(out), paid_on__isnull=False)
            .values_list("agreement__case_id")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for case_id, total in paid:
            out[case_id].paid = Decimal(total or 0).quantize(CENT)
    return out


def ledger_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    """One row per case, newest first, a keyset page at a time. Worker names and ID numbers are masked:
    the full values never leave the encrypted columns here."""
    names = DivisionNames()
    qs = cases.select_related("organisation__type")
    cursor = ""
    while True:
        page = case_page(qs, cursor=cursor, limit=LEDGER_PAGE)
        names.prefetch(c.division_id for c in page.items)
        agreements = agreed_amounts([c.pk for c in page.items])
        for case in page.items:
            agreement = agreements.get(case.pk)
            workers = [cw.worker for cw in listed_workers(case)]
            claims = listed_claims(case)
            amounts = [c.amount_claimed for c in claims if c.amount_claimed is not None]
            yield [
                case.display_number,
                _date(case.received_at),
                case.organisation.name,
                case.organisation.type.name,
                *names.levels(case.division_id),
                case.employer.name,
                case.employer.credit_code or "",
                "、".join(mask_name(w.name) for w in workers),
                "、".join(w.id_number_masked for w in workers if w.id_number_masked),
                case.worker_count,
                "、".join(
                    f"{ClaimType(c.type).label if c.type in ClaimType.values else c.type}"
                    + (f" {c.amount_claimed}" if c.amount_claimed is not None else "")
                    for c in claims
                ),
                sum(amounts, Decimal(0)) if amounts else "",
                str(Channel(case.channel).label) if case.channel in Channel.values else case.channel,
                str(Status(case.status).label) if case.status in Status.values else case.status,
                _date(case.accepted_at),
                _date(case.ended_at),
                _date(case.closed_at),
                case.acceptance_due.isoformat(),
                case.clock_a_due.isoformat(),
                case.clock_b_due.isoformat() if case.clock_b_due else "",
                agreement.effective_on.isoformat() if agreement else "",
                agreement.agreed if agreement else "",
                agreement.paid if agreement else "",
            ]
        if not page.next_cursor:
            return
        cursor = page.next_cursor


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow(header)).encode("utf-8")
    for row in rows:
        yield writer.writerow(_plain(row)).encode("utf-8")


def _plain(row: list[Any]) -> list[Any]:
    # Text that Excel would read as a formula is prefixed (CSV injection).
    return [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row]


def write_xlsx(handle: IO[bytes], title: str, header: list[str], rows: Iterable[list[Any]], notes: list[str]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(_plain(row))
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([note])
    workbook.save(handle)


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def stream(
    fmt: str, filename: str, title: str, header: list[str], rows: Iterable[list[Any]], notes: list[str] | None = None
) -> HttpResponseBase:
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(f"{filename}.csv")
        return response
    handle = tempfile.TemporaryFile()  # FileResponse closes it when sent, which deletes it
    write_xlsx(handle, title, header, rows, notes or [])
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def table_response(fmt: str, table: StatTable, filename: str) -> HttpResponseBase:
    notes = [str(table.note)] if table.note else []
    if table.id == "summary":
        notes = []
    rows: list[list[Any]] = table.export_rows()
    if fmt == "csv" and notes:
        rows = [*rows, [], *([n] for n in notes)]
        notes = []
    return stream(fmt, filename, str(table.title), table.header(), rows, notes)


def ledger_filename(scope_name: str) -> str:
    return f"{_('案件台账')}-{scope_name}-{timezone.localdate():%Y%m%d}"


def rows_as_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    """For tests and the management command: the CSV as one string."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
