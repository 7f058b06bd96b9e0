"""Excel round trip: a prefilled template for one unit or every reporting unit under it, and the
import of the filled file.

The import is all or nothing (ADR 0005): every wrong cell is listed with its reference, and if
there is any, nothing is saved. A hidden sheet carries the version of every figure in the
template, so a figure someone changed after the download is reported instead of overwritten.

Uploads are checked before openpyxl sees them: size, a real zip with the parts of a workbook,
entry count, total uncompressed size, size of the parts openpyxl loads whole (shared strings,
styles) and compression ratio (zip bombs), no encrypted entries. Then the workbook is streamed
(read-only mode) inside the template's own columns and rows (:class:`Bounds`): the declared size
is checked before a row is read, and nothing beyond the bounds is read at all.

Text written into the template goes through ``core.spreadsheet`` (never a live formula).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from namhoc.accounts.access import require_role, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError
from namhoc.core.spreadsheet import cell_text, safe_row, write_cell
from namhoc.indicators.access import Scope
from namhoc.indicators.models import DataSet, DataSetElement, DataValue, Period, ValueType
from namhoc.indicators.selectors import data_set_members, lock_of, reporting_units
from namhoc.indicators.services.values import InvalidValues, StaleValues, values_write
from namhoc.indicators.snapshot import CatalogueSnapshot, catalogue
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
EXTRA_COLUMNS = 10  # room for a note column the person added (ignored)
EXTRA_ROWS = 200  # room for blank lines or notes below the units
SHEET_BASE_BYTES = 1024 * 1024  # a sheet's XML: this much, plus per cell of the bounded grid
SHEET_BYTES_PER_CELL = 160
PART_LIMITS = {"xl/sharedStrings.xml": 16 * 1024 * 1024, "xl/styles.xml": 4 * 1024 * 1024}
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
    *,
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    units: Sequence[OrgUnit],
    members: list[DataSetElement] | None = None,
) -> bytes:
    """The template's workbook; ``members``: the data set's, when the caller has read them."""
    if members is None:
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
    # Every text cell goes through write_cell/safe_row: names come from the catalogue and the
    # org tree, which people edit, and must never become live formulas (core.spreadsheet).
    title = f"{data_set.name} — {period.name} — {unit.name}"
    write_cell(sheet, row=1, column=1, value=title).font = Font(bold=True, size=13)
    write_cell(
        sheet,
        row=2,
        column=1,
        value=(
            "Nhập số vào các ô trống; không sửa cột mã đơn vị và dòng mã chỉ số (dòng 4). "
            "Số thập phân dùng dấu phẩy. Ô để trống: không có số liệu."
        ),
    )
    headers = ["Mã đơn vị", "Tên đơn vị", *(m.element.short_name for m in members)]
    codes = [KEY_HEADER, NAME_HEADER, *(m.element.code for m in members)]
    grey = PatternFill("solid", fgColor="EEEEEE")
    for col, (header, code) in enumerate(zip(headers, codes, strict=True), start=1):
        cell = write_cell(sheet, row=3, column=col, value=header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        code_cell = write_cell(sheet, row=4, column=col, value=code)
        code_cell.fill = grey
        code_cell.font = Font(color="666666", size=9)
        sheet.column_dimensions[get_column_letter(col)].width = (
            14 if col > 2 else (16 if col == 1 else 36)
        )
    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(safe_row([MARKER, data_set.code, period.code, unit.key]))
    meta.append(safe_row([KEY_HEADER, *(m.element.code for m in members)]))
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
        write_cell(sheet, row=row, column=1, value=reporting.key).protection = Protection(
            locked=True
        )
        write_cell(sheet, row=row, column=2, value=reporting.name)
        versions: list[Any] = [reporting.key]
        for col, member in enumerate(members, start=3):
            value, version = values.get((reporting.pk, member.element_id), (None, None))
            if value is not None:
                number: Any = int(value) if value == value.to_integral_value() else float(value)
                sheet.cell(row=row, column=col, value=number)
            versions.append(version)
        meta.append(safe_row(versions))
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
        if entry.file_size > PART_LIMITS.get(entry.filename, MAX_UNCOMPRESSED):
            raise ImportRefused("Tệp có cấu trúc bất thường (một thành phần quá lớn).")
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


@dataclass(frozen=True)
class Bounds:
    """How far an import reads: the template's own columns and rows, with a little room for a
    note or a blank line the person added. Nothing beyond is ever read (issue 9, item 2: a
    70 KB file with one cell in column XFD on 12,000 rows made openpyxl pad every row to 16,384
    cells, 1.6 GB)."""

    columns: int  # unit key, unit name, one per element, + room
    rows: int  # title, note, header, codes, one per unit the import may write, + room
    template_columns: int
    units: int

    @classmethod
    def of(cls, *, elements: int, units: int) -> Bounds:
        template_columns = 2 + elements
        return cls(
            columns=template_columns + EXTRA_COLUMNS,
            rows=min(FIRST_DATA_ROW - 1 + units + EXTRA_ROWS, MAX_ROWS),
            template_columns=template_columns,
            units=units,
        )


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese thousands: 12.000


def _too_wide(bounds: Bounds, found: int) -> ImportRefused:
    return ImportRefused(
        f"Trang “{DATA_SHEET}” có dữ liệu hoặc định dạng tới cột {get_column_letter(found)}, "
        f"vượt xa các cột của mẫu (A–{get_column_letter(bounds.template_columns)}; đọc tối đa "
        f"tới cột {get_column_letter(bounds.columns)}). Hãy xóa các cột thừa bên phải, hoặc "
        "tải mẫu mới và chép số liệu vào, rồi gửi lại."
    )


def _too_long(bounds: Bounds, found: int | None) -> ImportRefused:
    many = f"có {_count(found)} dòng" if found else "có quá nhiều dòng"
    return ImportRefused(
        f"Trang “{DATA_SHEET}” {many}, nhiều hơn mẫu cho phép (tối đa {_count(bounds.rows)} dòng:"
        f" {_count(bounds.units)} đơn vị bạn được nhập và các dòng tiêu đề). Hãy xóa các dòng "
        "thừa ở cuối, hoặc tải mẫu mới, rồi gửi lại."
    )


def _too_slow(*, rows: int, done: int, budget: float) -> ImportRefused:
    """An import longer than a request may last (``IMPORT_MAX_SECONDS``, well inside the
    server's 120 s and nginx's 130 s: past those the worker is killed and the person sees a bare
    error page) stops cleanly instead: all or nothing, so nothing of it is saved."""
    return ImportRefused(
        f"Tệp có {_count(rows)} dòng đơn vị, quá nhiều để nhập trong một lần: sau "
        f"{budget:.0f} giây mới kiểm tra và ghi được {_count(done)} dòng. Chưa có số liệu nào "
        "được lưu. Hãy tải mẫu cho từng đơn vị cấp dưới (ví dụ từng xã, phường hoặc từng tỉnh) "
        "và nhập từng tệp."
    )


def _sheet_size_ok(book: Any, sheet: Any, bounds: Bounds) -> bool:
    """The sheet's XML is no larger than its bounded grid could need (a file declaring a small
    size while holding millions of cells is refused before the parser walks them)."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if path is None or archive is None:
        return True
    try:
        size = int(archive.getinfo(path).file_size)
    except (KeyError, AttributeError):
        return True
    return size <= SHEET_BASE_BYTES + bounds.rows * bounds.columns * SHEET_BYTES_PER_CELL


def _rows(book: Any, bounds: Bounds) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The data sheet and the hidden sheet, read as streams inside ``bounds``.

    The declared size (the sheet's ``<dimension>``) is checked before a row is read; then rows
    are read only up to the bound, each only up to the bound's last column, so a file whose
    declared size lies still costs no more than a template. A row past the bound that holds
    something refuses the file too (never a silent cut).
    """
    if DATA_SHEET not in book.sheetnames:
        raise ImportRefused(
            f"Không thấy trang “{DATA_SHEET}”: hãy dùng mẫu tải từ namhoc cho biểu và kỳ này."
        )
    sheet = book[DATA_SHEET]
    if (sheet.max_column or 0) > bounds.columns:
        raise _too_wide(bounds, int(sheet.max_column))
    if (sheet.max_row or 0) > bounds.rows:
        raise _too_long(bounds, int(sheet.max_row))
    if not _sheet_size_ok(book, sheet, bounds):
        raise _too_long(bounds, None)
    data: list[tuple[Any, ...]] = []
    rows = sheet.iter_rows(
        min_row=1, max_row=bounds.rows + 1, max_col=bounds.columns, values_only=True
    )
    for count, row in enumerate(rows):
        if count >= bounds.rows:
            if any(cell not in (None, "") for cell in row):
                raise _too_long(bounds, None)
            break
        data.append(tuple(row))
    meta: list[tuple[Any, ...]] = []
    if META_SHEET in book.sheetnames:
        hidden = book[META_SHEET]
        if _sheet_size_ok(book, hidden, bounds):
            meta = [
                tuple(row)
                for row in hidden.iter_rows(
                    min_row=1, max_row=bounds.rows, max_col=bounds.columns, values_only=True
                )
            ]
    return data, meta


def _versions(meta: list[tuple[Any, ...]]) -> dict[str, dict[str, int | None]]:
    """``{unit key: {element code: version in the template}}`` from the hidden sheet."""
    result: dict[str, dict[str, int | None]] = {}
    codes = [cell_text(c) for c in (meta[1][1:] if len(meta) > 1 else ())]
    for row in meta[2:]:
        if row and row[0]:
            result[cell_text(row[0])] = {
                code: (int(v) if isinstance(v, int | float) else None)
                for code, v in zip(codes, row[1:], strict=False)
            }
    return result


def _columns(
    header: tuple[Any, ...], header_row: int, members: set[str], result: ImportResult
) -> dict[int, str]:
    """``{column index: element code}`` from the code row (``members``: the data set's element
    codes); unknown codes become errors."""
    columns: dict[int, str] = {}
    for index, raw_code in enumerate(header[2:], start=2):
        code = cell_text(raw_code)
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
        key = cell_text(row[0])
        label = cell_text(row[1]) if len(row) > 1 else ""
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
    started = monotonic()
    require_role(actor, unit, Role.SPECIALIST)
    check_upload(content, max_bytes=max_bytes)
    known = catalogue()  # the members and rules every row's write checks against: read once
    # Who may be written decides how far the file is read: known before opening it.
    allowed = {
        u.key: u
        for u in reporting_units(unit, data_set).filter(
            pk__in=visible_units(actor, role=Role.SPECIALIST).values("pk")
        )
    }
    members = known.members_of(data_set)
    bounds = Bounds.of(elements=len(members), units=len(allowed))
    book = _load(content)
    try:
        data, meta = _rows(book, bounds)
    finally:
        book.close()
    marker = [cell_text(cell) for cell in (meta[0][:3] if meta else ())]
    ours = bool(marker and marker[0] == MARKER)
    if ours and (marker[1:3] != [data_set.code, period.code]):
        raise ImportRefused(
            f"Tệp là mẫu của biểu {marker[1]} kỳ {marker[2]}, không phải biểu "
            f"{data_set.code} kỳ {period.code}."
        )
    header_index = next(
        (n for n, row in enumerate(data[:10]) if row and cell_text(row[0]) == KEY_HEADER),
        None,
    )
    if header_index is None:
        raise ImportRefused(
            f"Không thấy dòng mã chỉ số (ô đầu là {KEY_HEADER}): hãy dùng mẫu tải từ namhoc."
        )
    result = ImportResult()
    columns = _columns(
        data[header_index], header_index + 1, {m.element.code for m in members}, result
    )
    versions = _versions(meta) if ours else {}
    rows = _data_rows(data, header_index + 1, columns, allowed, result)
    result.rows = len(rows)
    letters = {code: get_column_letter(index + 1) for index, code in columns.items()}
    budget = float(settings.IMPORT_MAX_SECONDS)
    with transaction.atomic():
        for done, (offset, target, values) in enumerate(rows):
            if monotonic() - started > budget:
                raise _too_slow(rows=len(rows), done=done, budget=budget)  # rolls back
            _save_row(
                actor, target, data_set, period, offset, values, versions, letters, result, known
            )
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
    known: CatalogueSnapshot,
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
    seen = versions.get(target.key)
    try:
        with transaction.atomic():
            saved = values_write(
                actor=actor,
                scope=Scope(unit=target, period=period, data_set=data_set),
                values=values,
                versions={c: seen.get(c) for c in values} if seen is not None else None,
                catalogue=known,
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
