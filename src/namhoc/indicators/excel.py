"""Excel round trip: a prefilled template for one unit or every reporting unit under it, and the
import of the filled file.

The import is all or nothing (ADR 0005): every wrong cell is listed with its reference, and if
there is any, nothing is saved. A hidden sheet carries the version of every figure in the
template, so a figure someone changed after the download is reported instead of overwritten.

Uploads are checked before openpyxl sees them: size, a real zip with the parts of a workbook,
entry count, total uncompressed size and compression ratio (zip bombs), no encrypted entries.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from namhoc.accounts.access import require_role, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError
from namhoc.indicators.models import DataSet, DataValue, Period, ValueType
from namhoc.indicators.selectors import data_set_members, lock_of, reporting_units
from namhoc.indicators.services import InvalidValues, StaleValues, values_save
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "CellError",
    "ImportRefused",
    "ImportResult",
    "check_upload",
    "template_build",
    "workbook_import",
]

MARKER = "namhoc-bieu-so-lieu"
KEY_HEADER = "MA_DON_VI"
NAME_HEADER = "TEN_DON_VI"
DATA_SHEET = "So lieu"
META_SHEET = "_namhoc"
FIRST_DATA_ROW = 5
MAX_ENTRIES = 500
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 60_000
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(DomainError):
    """The file as a whole cannot be read (not an xlsx, too big, not our template)."""

    def __init__(self, message: str) -> None:
        super().__init__("import_refused", message, field="file")


@dataclass(frozen=True)
class CellError:
    cell: str  # "D7"; "" for a whole row
    unit: str
    message: str

    def __str__(self) -> str:
        where = f"Ô {self.cell}" if self.cell else "Dòng"
        return f"{where} ({self.unit}): {self.message}" if self.unit else f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- template ------------------------------------------------------------------------------


def template_units(actor: Any, unit: OrgUnit, data_set: DataSet) -> list[OrgUnit]:
    """The reporting units the template covers: ``unit``'s subtree where ``actor`` may enter."""
    return list(reporting_units(unit, data_set).filter(pk__in=visible_units(actor).values("pk")))


def template_build(
    *, unit: OrgUnit, data_set: DataSet, period: Period, units: Sequence[OrgUnit]
) -> bytes:
    members = data_set_members(data_set)
    values = {
        (u, e): (v, ver)
        for u, e, v, ver in DataValue.objects.filter(
            unit__in=list(units), period=period, element_id__in=[m.element_id for m in members]
        ).values_list("unit_id", "element_id", "value", "version")
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    bold = Font(bold=True)
    sheet["A1"] = f"{data_set.name} — {period.name} — {unit.name}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        "Nhập số vào các ô trống; không sửa cột mã đơn vị và dòng mã chỉ số (dòng 4). "
        "Số thập phân dùng dấu phẩy. Ô để trống: không có số liệu."
    )
    headers = ["Mã đơn vị", "Tên đơn vị", *(m.element.short_name for m in members)]
    codes = [KEY_HEADER, NAME_HEADER, *(m.element.code for m in members)]
    grey = PatternFill("solid", fgColor="EEEEEE")
    for col, (header, code) in enumerate(zip(headers, codes, strict=True), start=1):
        cell = sheet.cell(row=3, column=col, value=header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        code_cell = sheet.cell(row=4, column=col, value=code)
        code_cell.fill = grey
        code_cell.font = Font(color="666666", size=9)
        sheet.column_dimensions[get_column_letter(col)].width = (
            14 if col > 2 else (16 if col == 1 else 36)
        )
    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append([MARKER, data_set.code, period.code, unit.key])
    meta.append([KEY_HEADER, *(m.element.code for m in members)])
    integer = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    integer.error = "Phải là số nguyên không âm."
    boolean = DataValidation(
        type="whole", operator="between", formula1="0", formula2="1", allow_blank=True
    )
    boolean.error = "Chỉ nhận 1 (đạt) hoặc 0 (chưa đạt)."
    sheet.add_data_validation(integer)
    sheet.add_data_validation(boolean)
    for offset, reporting in enumerate(units):
        row = FIRST_DATA_ROW + offset
        sheet.cell(row=row, column=1, value=reporting.key).protection = Protection(locked=True)
        sheet.cell(row=row, column=2, value=reporting.name)
        versions: list[Any] = [reporting.key]
        for col, member in enumerate(members, start=3):
            value, version = values.get((reporting.pk, member.element_id), (None, None))
            if value is not None:
                number: Any = int(value) if value == value.to_integral_value() else float(value)
                sheet.cell(row=row, column=col, value=number)
            versions.append(version)
        meta.append(versions)
    last = FIRST_DATA_ROW + max(len(units), 1) - 1
    for col, member in enumerate(members, start=3):
        letter = get_column_letter(col)
        target = {ValueType.INTEGER: integer, ValueType.BOOLEAN: boolean}.get(
            ValueType(member.element.value_type)
        )
        if target is not None:
            target.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- import --------------------------------------------------------------------------------


def check_upload(content: bytes, *, max_bytes: int) -> None:
    """Refuse anything that is not a modest, well-formed xlsx before a parser opens it."""
    if not content:
        raise ImportRefused("Tệp rỗng.")
    if len(content) > max_bytes:
        raise ImportRefused(
            f"Tệp quá lớn ({len(content) // 1024} KB); tối đa {max_bytes // (1024 * 1024)} MB."
        )
    if not content.startswith(b"PK\x03\x04"):
        raise ImportRefused("Tệp không phải bảng tính Excel (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportRefused("Tệp .xlsx bị hỏng, không đọc được.") from exc
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused("Tệp có cấu trúc bất thường (quá nhiều thành phần).")
    names = {entry.filename for entry in entries}
    if any(part not in names for part in REQUIRED_PARTS):
        raise ImportRefused("Tệp không phải bảng tính Excel (.xlsx).")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise ImportRefused("Tệp được mã hóa hoặc đặt mật khẩu; hãy lưu lại không mật khẩu.")
        if entry.filename.startswith("/") or ".." in entry.filename:
            raise ImportRefused("Tệp có cấu trúc bất thường.")
        total += entry.file_size
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise ImportRefused("Tệp có cấu trúc bất thường (nén quá mức).")
    if total > MAX_UNCOMPRESSED:
        raise ImportRefused("Tệp quá lớn khi giải nén.")


def _load(content: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRefused("Không đọc được tệp như một bảng tính Excel (.xlsx).") from exc


def _rows(book: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    if DATA_SHEET not in book.sheetnames:
        raise ImportRefused(
            f"Không thấy trang “{DATA_SHEET}”: hãy dùng mẫu tải từ namhoc cho biểu và kỳ này."
        )
    data = []
    for count, row in enumerate(book[DATA_SHEET].iter_rows(values_only=True)):
        if count >= MAX_ROWS:
            raise ImportRefused(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS}).")
        data.append(tuple(row))
    meta: list[tuple[Any, ...]] = []
    if META_SHEET in book.sheetnames:
        for count, row in enumerate(book[META_SHEET].iter_rows(values_only=True)):
            if count >= MAX_ROWS:
                break
            meta.append(tuple(row))
    return data, meta


def _versions(meta: list[tuple[Any, ...]]) -> dict[str, dict[str, int | None]]:
    """``{unit key: {element code: version in the template}}`` from the hidden sheet."""
    result: dict[str, dict[str, int | None]] = {}
    codes = [str(c) for c in (meta[1][1:] if len(meta) > 1 else ())]
    for row in meta[2:]:
        if row and row[0]:
            result[str(row[0])] = {
                code: (int(v) if isinstance(v, int | float) else None)
                for code, v in zip(codes, row[1:], strict=False)
            }
    return result


def _columns(
    header: tuple[Any, ...], header_row: int, data_set: DataSet, result: ImportResult
) -> dict[int, str]:
    """``{column index: element code}`` from the code row; unknown codes become errors."""
    members = {m.element.code for m in data_set_members(data_set)}
    columns: dict[int, str] = {}
    for index, raw_code in enumerate(header[2:], start=2):
        code = str(raw_code or "").strip()
        if not code:
            continue
        if code not in members:
            ref = f"{get_column_letter(index + 1)}{header_row}"
            result.errors.append(CellError(ref, "", f"Mã chỉ số “{code}” không thuộc biểu này."))
            continue
        columns[index] = code
    return columns


def _data_rows(
    data: list[tuple[Any, ...]],
    first: int,
    columns: dict[int, str],
    allowed: dict[str, OrgUnit],
    result: ImportResult,
) -> list[tuple[int, OrgUnit, dict[str, object]]]:
    seen: set[str] = set()
    rows: list[tuple[int, OrgUnit, dict[str, object]]] = []
    for offset, row in enumerate(data[first:], start=first + 1):
        if not row or all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        key = str(row[0] or "").strip()
        label = str(row[1] or "").strip() if len(row) > 1 else ""
        target = allowed.get(key)
        if target is None:
            result.errors.append(
                CellError(
                    f"A{offset}",
                    label or key,
                    f"Đơn vị “{key}” không báo cáo biểu này hoặc bạn không được nhập số liệu "
                    "cho đơn vị này.",
                )
            )
            continue
        if key in seen:
            result.errors.append(
                CellError(f"A{offset}", target.name, "Đơn vị xuất hiện hai lần trong tệp.")
            )
            continue
        seen.add(key)
        values = {code: (row[i] if i < len(row) else None) for i, code in columns.items()}
        rows.append((offset, target, values))
    return rows


def workbook_import(
    *,
    actor: Any,
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    content: bytes,
    max_bytes: int,
) -> ImportResult:
    """Import a filled template for ``data_set``/``period`` into ``unit``'s subtree.

    All or nothing: each row is saved through ``values_save`` (the same checks as the page:
    roles, locks, rules, versions) inside one transaction; if any cell is wrong the
    transaction is rolled back and every error is returned.
    """
    require_role(actor, unit, Role.SPECIALIST)
    check_upload(content, max_bytes=max_bytes)
    book = _load(content)
    try:
        data, meta = _rows(book)
    finally:
        book.close()
    ours = bool(meta and meta[0] and meta[0][0] == MARKER)
    if ours and (meta[0][1] != data_set.code or meta[0][2] != period.code):
        raise ImportRefused(
            f"Tệp là mẫu của biểu {meta[0][1]} kỳ {meta[0][2]}, không phải biểu "
            f"{data_set.code} kỳ {period.code}."
        )
    header_index = next(
        (n for n, row in enumerate(data[:10]) if row and str(row[0] or "").strip() == KEY_HEADER),
        None,
    )
    if header_index is None:
        raise ImportRefused(
            f"Không thấy dòng mã chỉ số (ô đầu là {KEY_HEADER}): hãy dùng mẫu tải từ namhoc."
        )
    result = ImportResult()
    columns = _columns(data[header_index], header_index + 1, data_set, result)
    versions = _versions(meta) if ours else {}
    allowed = {
        u.key: u
        for u in reporting_units(unit, data_set).filter(
            pk__in=visible_units(actor, role=Role.SPECIALIST).values("pk")
        )
    }
    rows = _data_rows(data, header_index + 1, columns, allowed, result)
    result.rows = len(rows)
    letters = {code: get_column_letter(index + 1) for index, code in columns.items()}
    with transaction.atomic():
        for offset, target, values in rows:
            _save_row(actor, target, data_set, period, offset, values, versions, letters, result)
        if result.errors:
            result.created = result.updated = result.deleted = 0
            transaction.set_rollback(True)
    return result


def _save_row(  # noqa: PLR0917 - a private step of workbook_import
    actor: Any,
    target: OrgUnit,
    data_set: DataSet,
    period: Period,
    offset: int,
    values: dict[str, object],
    versions: dict[str, dict[str, int | None]],
    letters: dict[str, str],
    result: ImportResult,
) -> None:
    lock = lock_of(target, data_set, period)
    if lock is not None:
        result.errors.append(
            CellError(
                "",
                f"{target.name}, dòng {offset}",
                f"Số liệu đã được {lock.unit.name} phê duyệt, không thể sửa.",
            )
        )
        return
    known = versions.get(target.key)
    try:
        with transaction.atomic():
            saved = values_save(
                actor=actor,
                unit=target,
                data_set=data_set,
                period=period,
                values=values,
                versions={c: known.get(c) for c in values} if known is not None else None,
            )
    except (InvalidValues, StaleValues) as exc:
        for code, messages in exc.errors.items():
            for message in messages:
                result.errors.append(
                    CellError(f"{letters.get(code, '?')}{offset}", target.name, message)
                )
        return
    except DomainError as exc:
        result.errors.append(CellError("", f"{target.name}, dòng {offset}", exc.message))
        return
    result.created += saved.created
    result.updated += saved.updated
    result.deleted += saved.deleted
