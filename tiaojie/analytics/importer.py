"""Import the register of enterprises above designated size (规模以上企业名录) from Excel.

Columns, matched by their header (order does not matter): 单位名称, 统一社会信用代码, 所在区划代码, 行业门类, 规模.
Every row is checked first; if any is wrong, nothing is written and the report lists each problem by row
number, column and a message in Chinese. Otherwise all rows are written in one transaction, updating the
employer that has the same credit code (upsert) and creating the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from tiaojie.accounts.models import User
from tiaojie.analytics.models import EnterpriseImport
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_credit_code
from tiaojie.organisations.models import Employer, Industry
from tiaojie.reference.models import Division

COLUMNS = {
    "单位名称": "name",
    "统一社会信用代码": "credit_code",
    "所在区划代码": "division",
    "行业门类": "industry",
    "规模": "size",
}
MAX_ROWS = 200_000
SIZES = {
    "规模以上": Employer.Size.ABOVE_SCALE,
    "规上": Employer.Size.ABOVE_SCALE,
    "规模以上企业": Employer.Size.ABOVE_SCALE,
    "above_scale": Employer.Size.ABOVE_SCALE,
    "中型": Employer.Size.MEDIUM,
    "medium": Employer.Size.MEDIUM,
    "小微": Employer.Size.SMALL_MICRO,
    "小型": Employer.Size.SMALL_MICRO,
    "微型": Employer.Size.SMALL_MICRO,
    "small_micro": Employer.Size.SMALL_MICRO,
}


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1); 0 for the file as a whole
    column: str
    message: str


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class EnterpriseRow:
    row: int
    name: str
    credit_code: str
    division_code: str
    industry: str
    size: str


@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into a number cell
    return str(value).strip()


def division_candidates(code: str) -> list[str]:
    """The code as given, and the short form of a padded one: 330110012000 → 330110012, 330100 → 3301,
    330000 → 33 (the register may use the 12-digit statistical codes or 6-digit GB/T 2260 codes)."""
    out = [code]
    if len(code) == 12 and code.endswith("000"):
        out.append(code[:9])
    if len(code) == 6 and code.endswith("0000"):
        out.append(code[:2])
    elif len(code) == 6 and code.endswith("00"):
        out.append(code[:4])
    return out


def _industry(value: str) -> str | None:
    if not value:
        return ""
    letter = value[:1].upper()
    if letter in Industry.values and (len(value) == 1 or value[1:].strip() in ("", str(Industry(letter).label))):
        return letter
    for code, label in Industry.choices:
        if value == str(label):
            return code
    return None


def read_workbook(handle: IO[bytes], *, division_allowed: Callable[[str], bool]) -> list[EnterpriseRow]:
    """Parse and check every row; raise ImportFailed with all the problems found, or return the rows."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFailed([RowError(0, "", _("无法读取文件：请上传 .xlsx 格式的 Excel 文件"))]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows_iter, ())]
        positions = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
        missing = [label for label, key in COLUMNS.items() if key not in positions]
        if missing:
            raise ImportFailed([RowError(1, m, _("缺少此列（第一行应为列名）")) for m in missing])
        errors: list[RowError] = []
        parsed: list[tuple[EnterpriseRow, list[str]]] = []
        seen: dict[str, int] = {}
        for number, values in enumerate(rows_iter, start=2):
            cells = {key: _text(values[i]) if i < len(values) else "" for key, i in positions.items()}
            if not any(cells.values()):
                continue
            if len(parsed) >= MAX_ROWS:
                raise ImportFailed([RowError(number, "", _("行数超过上限%(n)d，请分批导入") % {"n": MAX_ROWS})])
            row_errors = []
            if not cells["name"]:
                row_errors.append(RowError(number, "单位名称", _("单位名称不能为空")))
            elif len(cells["name"]) > 200:
                row_errors.append(RowError(number, "单位名称", _("单位名称不超过200字")))
            credit_code = ""
            try:
                credit_code = validate_credit_code(cells["credit_code"])
            except InvalidIdentifier as exc:
                row_errors.append(RowError(number, "统一社会信用代码", str(exc)))
            else:
                if credit_code in seen:
                    row_errors.append(
                        RowError(number, "统一社会信用代码", _("与第%(row)d行重复") % {"row": seen[credit_code]})
                    )
                seen.setdefault(credit_code, number)
            division = cells["division"]
            if not division.isdigit() or len(division) not in (2, 4, 6, 9, 12):
                row_errors.append(RowError(number, "所在区划代码", _("区划代码应为2到12位数字")))
            industry = _industry(cells["industry"])
            if industry is None:
                row_errors.append(RowError(number, "行业门类", _("行业门类应为A到T的字母或国民经济行业门类名称")))
            size = SIZES.get(cells["size"])
            if size is None:
                row_errors.append(RowError(number, "规模", _("规模应为“规模以上”“中型”或“小微”")))
            errors.extend(row_errors)
            parsed.append(
                (
                    EnterpriseRow(number, cells["name"], credit_code, division, industry or "", size or ""),
                    division_candidates(division) if division.isdigit() else [],
                )
            )
    finally:
        workbook.close()
    wanted = {c for _row, candidates in parsed for c in candidates}
    known: set[str] = set()
    for start in range(0, len(wanted), 5000):
        chunk = sorted(wanted)[start : start + 5000]
        known.update(Division.objects.filter(code__in=chunk).values_list("code", flat=True))
    for row, candidates in parsed:
        if not candidates:
            continue
        found = next((c for c in candidates if c in known), None)
        if found is None:
            errors.append(RowError(row.row, "所在区划代码", _("区划代码%(code)s不存在") % {"code": row.division_code}))
        elif not division_allowed(found):
            errors.append(RowError(row.row, "所在区划代码", _("该区划不在您的监管范围内")))
        else:
            row.division_code = found
    if not parsed:
        errors.append(RowError(0, "", _("文件中没有数据行")))
    if errors:
        raise ImportFailed(
            sorted(errors, key=lambda e: (e.row, list(COLUMNS).index(e.column) if e.column in COLUMNS else 9))
        )
    return [row for row, _candidates in parsed]


def do_import_enterprises(*, rows: list[EnterpriseRow], actor: User | None, file_name: str) -> ImportResult:
    """Write checked rows in one transaction: update employers with the same credit code, create the rest."""
    codes = [r.credit_code for r in rows]
    with transaction.atomic():
        existing: set[str] = set()
        for start in range(0, len(codes), 5000):
            chunk = Employer.objects.filter(credit_code__in=codes[start : start + 5000])
            existing.update(str(code) for code in chunk.values_list("credit_code", flat=True))
        Employer.objects.bulk_create(
            [
                Employer(
                    name=r.name,
                    credit_code=r.credit_code,
                    division_id=r.division_code,
                    industry=r.industry,
                    size=r.size,
                )
                for r in rows
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["credit_code"],
            update_fields=["name", "division", "industry", "size"],
        )
        result = ImportResult(rows=len(rows), created=len(set(codes) - existing), updated=len(existing))
        EnterpriseImport.objects.create(
            imported_by=actor,
            file_name=file_name[:200],
            rows=result.rows,
            created=result.created,
            updated=result.updated,
        )
    return result
