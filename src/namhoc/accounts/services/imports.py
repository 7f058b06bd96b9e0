"""Creating many people at once from an Excel workbook (issue 11.2): name, e-mail, unit, role.

All or nothing, like figures (ADR 0005): every wrong cell is listed with its address, and if
there is any, nobody is created. The e-mail address is the user name (people sign in with what
they know); accounts are created without a password — each person sets theirs with "Quên mật
khẩu" (the e-mail) or a link the admin hands over.

The upload is checked before openpyxl sees it (size, a real zip with a workbook's parts, entry
count, sizes and compression ratio), then streamed in read-only mode inside the template's own
grid: the sheet's declared size is checked before a row is read, its XML may not be larger than
that grid could need, rows are read only up to the bound and each only up to the template's
last column (a cell in column XFD must not make every row 16,384 cells wide — issue 9, item 2).
Text written into the template goes through ``core.spreadsheet`` (never a live formula).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from namhoc.accounts.access import admin_refusal, admin_units
from namhoc.accounts.models import Role, User
from namhoc.accounts.services.people import create_with_role
from namhoc.core.errors import DomainError
from namhoc.core.parsing import clean_text, text_cap
from namhoc.core.spreadsheet import cell_text, write_cell
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "MAX_BYTES",
    "MAX_PEOPLE",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "PeopleImportRefused",
    "people_import",
    "people_template",
]

SHEET = "Người dùng"
UNITS_SHEET = "Đơn vị"
HEADERS = ("Họ và tên", "Thư điện tử", "Đơn vị (tên hoặc mã)", "Vai trò")
COLUMNS = len(HEADERS)
READ_COLUMNS = COLUMNS + 2  # room for a note the person added (ignored)
MAX_PEOPLE = 1_000  # one file; a larger unit imports in several files
READ_ROWS = 1 + MAX_PEOPLE + 50  # the header, the people, room for blank lines
MAX_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_RATIO = 200
SHEET_BASE_BYTES = 64 * 1024
SHEET_BYTES_PER_CELL = 400
TEMPLATE_UNITS = 5_000  # units listed on the template's second sheet
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CellError:
    cell: str  # "C7"
    message: str

    def __str__(self) -> str:
        return f"Ô {self.cell}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"cell": self.cell, "message": self.message}


class PeopleImportRefused(DomainError):
    """Nothing was created: the file could not be read, or these cells are wrong."""

    def __init__(self, message: str, errors: list[CellError] | None = None) -> None:
        super().__init__("import_refused", message, field="file")
        self.errors = list(errors or [])

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "errors": [e.as_dict() for e in self.errors]}


# --- the template ----------------------------------------------------------------------------


def _template_units(actor: Actor | None) -> QuerySet[OrgUnit]:
    return (
        admin_units(actor)
        .filter(valid_to__isnull=True)
        .select_related("parent")
        .order_by("depth", "path")
    )


def people_template(*, actor: Actor | None) -> bytes:
    """The workbook to fill: the people sheet with its headers, the units the admin may put
    people in (name, key, level, the unit above) and the roles by name."""
    refusal = admin_refusal(actor)
    if refusal is not None:
        raise refusal
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    for column, header in enumerate(HEADERS, start=1):
        write_cell(sheet, row=1, column=column, value=header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = (30, 32, 40, 18)[column - 1]
    units = book.create_sheet(UNITS_SHEET)
    for column, header in enumerate(("Tên đơn vị", "Mã", "Cấp", "Trực thuộc"), start=1):
        write_cell(units, row=1, column=column, value=header).font = Font(bold=True)
    listed = list(_template_units(actor)[: TEMPLATE_UNITS + 1])
    for row, unit in enumerate(listed[:TEMPLATE_UNITS], start=2):
        values = (unit.name, unit.key, unit.kind_label, unit.parent.name if unit.parent else "")
        for column, value in enumerate(values, start=1):
            write_cell(units, row=row, column=column, value=value)
    if len(listed) > TEMPLATE_UNITS:
        write_cell(
            units,
            row=TEMPLATE_UNITS + 2,
            column=1,
            value=f"… chỉ liệt kê {TEMPLATE_UNITS} đơn vị đầu; đơn vị khác: ghi đúng tên hoặc mã.",
        )
    roles = book.create_sheet("Vai trò")
    write_cell(roles, row=1, column=1, value="Vai trò").font = Font(bold=True)
    for row, role in enumerate(Role, start=2):
        write_cell(roles, row=row, column=1, value=str(role.label))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- reading, bounded --------------------------------------------------------------------------


def _check_zip(content: bytes) -> None:
    """Refuse anything that is not a modest, well-formed xlsx before a parser opens it."""
    if not content:
        raise PeopleImportRefused("Tệp rỗng.")
    if len(content) > MAX_BYTES:
        raise PeopleImportRefused(
            f"Tệp quá lớn: tối đa {MAX_BYTES // (1024 * 1024)} MB ({MAX_PEOPLE} người một tệp)."
        )
    if not content.startswith(b"PK\x03\x04"):
        raise PeopleImportRefused("Tệp không phải bảng tính Excel (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise PeopleImportRefused("Tệp .xlsx bị hỏng, không đọc được.") from None
    names = {entry.filename for entry in entries}
    if len(entries) > MAX_ENTRIES or "xl/workbook.xml" not in names:
        raise PeopleImportRefused("Tệp không phải bảng tính Excel (.xlsx) hoặc có cấu trúc lạ.")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise PeopleImportRefused("Tệp đặt mật khẩu; hãy lưu lại không mật khẩu.")
        total += entry.file_size
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise PeopleImportRefused("Tệp có cấu trúc bất thường (nén quá mức).")
    if total > MAX_UNCOMPRESSED:
        raise PeopleImportRefused("Tệp quá lớn khi giải nén.")


def _too_many(found: int | None) -> PeopleImportRefused:
    many = f"có {found} dòng" if found else "có quá nhiều dòng"
    return PeopleImportRefused(
        f"Trang “{SHEET}” {many}; mỗi tệp nhập tối đa {MAX_PEOPLE} người. "
        "Hãy chia thành nhiều tệp, hoặc xóa các dòng thừa ở cuối, rồi gửi lại."
    )


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    _check_zip(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise PeopleImportRefused("Không đọc được tệp như một bảng tính Excel (.xlsx).") from None
    try:
        if SHEET not in book.sheetnames:
            raise PeopleImportRefused(
                f"Không thấy trang “{SHEET}”: hãy dùng mẫu tải từ namhoc và điền vào đó."
            )
        sheet = book[SHEET]
        if (sheet.max_column or 0) > READ_COLUMNS:
            raise PeopleImportRefused(
                f"Trang “{SHEET}” có dữ liệu hoặc định dạng tới cột "
                f"{get_column_letter(int(sheet.max_column))}; mẫu chỉ có cột A–"
                f"{get_column_letter(COLUMNS)}. Hãy xóa các cột thừa bên phải rồi gửi lại."
            )
        if (sheet.max_row or 0) > READ_ROWS:
            raise _too_many(int(sheet.max_row) - 1)
        path = getattr(sheet, "_worksheet_path", None)
        archive = getattr(book, "_archive", None)
        if path is not None and archive is not None:
            size = archive.getinfo(path).file_size
            if size > SHEET_BASE_BYTES + READ_ROWS * READ_COLUMNS * SHEET_BYTES_PER_CELL:
                raise _too_many(None)
        rows: list[tuple[Any, ...]] = []
        grid = sheet.iter_rows(
            min_row=1, max_row=READ_ROWS + 1, max_col=READ_COLUMNS, values_only=True
        )
        for count, row in enumerate(grid):
            if count >= READ_ROWS:
                if any(cell not in (None, "") for cell in row):
                    raise _too_many(None)
                break
            rows.append(tuple(row))
        return rows
    finally:
        book.close()


# --- checking every cell -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    row: int
    username: str
    full_name: str
    email: str
    unit: OrgUnit
    role: Role


_ROLE_NAMES = {fold(str(role.label)): role for role in Role} | {role.value: role for role in Role}


class _Units:
    """The admin's current units by key and by folded name, loaded once."""

    def __init__(self, actor: Actor | None) -> None:
        self.by_key: dict[str, OrgUnit] = {}
        self.by_name: dict[str, list[OrgUnit]] = {}
        for unit in _template_units(actor).iterator(chunk_size=2000):
            self.by_key[unit.key.casefold()] = unit
            self.by_name.setdefault(fold(unit.name), []).append(unit)

    def find(self, text: str) -> OrgUnit | str:
        """The unit, or why not."""
        if text.casefold() in self.by_key:
            return self.by_key[text.casefold()]
        named = self.by_name.get(fold(text), [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            places = "; ".join(f"{u.key} ({u.parent.name if u.parent else '—'})" for u in named[:5])
            return (
                f"Có {len(named)} đơn vị tên “{text}” trong phạm vi của bạn: hãy ghi mã đơn vị "
                f"(trang “{UNITS_SHEET}” của mẫu): {places}."
            )
        return f"Không có đơn vị “{text}” trong phạm vi bạn quản trị (xem trang “{UNITS_SHEET}”)."


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(value)


def _check_row(  # noqa: PLR0912 - one branch per column's rules
    row_number: int,
    cells: tuple[Any, ...],
    units: _Units,
    seen: dict[str, int],
    errors: list[CellError],
) -> _Person | None:
    name_raw, email_raw, unit_raw, role_raw = (_text(c) for c in (list(cells) + [None] * 4)[:4])
    found_before = len(errors)
    try:
        full_name = clean_text(
            name_raw, label="Họ và tên", max_length=text_cap(User, "full_name"), required=True
        )
    except DomainError as exc:
        errors.append(CellError(f"A{row_number}", exc.message))
    email = email_raw.strip().lower()
    if not email:
        errors.append(CellError(f"B{row_number}", "Hãy nhập địa chỉ thư điện tử."))
    elif len(email) > text_cap(User, "username"):
        errors.append(CellError(f"B{row_number}", "Địa chỉ thư điện tử dài quá 150 ký tự."))
    else:
        try:
            validate_email(email)
            UnicodeUsernameValidator()(email)
        except ValidationError:
            errors.append(CellError(f"B{row_number}", f"“{email}” không phải địa chỉ hợp lệ."))
        else:
            if email in seen:
                errors.append(
                    CellError(f"B{row_number}", f"Trùng với dòng {seen[email]} của tệp này.")
                )
            seen.setdefault(email, row_number)
    unit: OrgUnit | None = None
    if not unit_raw:
        errors.append(CellError(f"C{row_number}", "Hãy ghi tên hoặc mã đơn vị."))
    else:
        place = units.find(unit_raw)
        if isinstance(place, str):
            errors.append(CellError(f"C{row_number}", place))
        else:
            unit = place
    role = _ROLE_NAMES.get(fold(role_raw)) if role_raw else None
    if role is None:
        choices = ", ".join(str(r.label) for r in Role)
        errors.append(CellError(f"D{row_number}", f"Vai trò phải là một trong: {choices}."))
    if len(errors) > found_before or unit is None or role is None:
        return None
    return _Person(row_number, email, full_name, email, unit, role)


def _read_people(actor: Actor | None, content: bytes) -> list[_Person]:
    rows = _rows(content)
    if not rows or tuple(_text(c) for c in rows[0][:COLUMNS]) != HEADERS:
        raise PeopleImportRefused(
            f"Dòng 1 của trang “{SHEET}” phải là tiêu đề của mẫu: " + ", ".join(HEADERS) + "."
        )
    units = _Units(actor)
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    people: list[_Person] = []
    for number, cells in enumerate(rows[1:], start=2):
        if all(_text(c) == "" for c in cells[:COLUMNS]):
            continue
        person = _check_row(number, cells, units, seen, errors)
        if person is not None:
            people.append(person)
    if len(seen) > MAX_PEOPLE:
        raise _too_many(len(seen))
    addresses = list(seen)
    taken = {
        name.casefold()
        for name in User.objects.filter(username__in=addresses).values_list("username", flat=True)
    } | {
        address.casefold()
        for address in User.objects.filter(email__in=addresses).values_list("email", flat=True)
    }
    for address, row in seen.items():
        if address.casefold() in taken:
            errors.append(CellError(f"B{row}", f"Đã có tài khoản với địa chỉ {address}."))
    if errors:
        errors.sort(key=lambda e: (int(e.cell[1:]), e.cell[0]))
        raise PeopleImportRefused(
            f"Chưa tạo ai: tệp có {len(errors)} ô cần sửa. Hãy sửa rồi gửi lại cả tệp.", errors
        )
    if not people:
        raise PeopleImportRefused(f"Trang “{SHEET}” chưa có người nào (từ dòng 2).")
    return people


def people_import(*, actor: Actor | None, content: bytes) -> list[User]:
    """Create everyone the workbook lists, each with one role at one unit of the actor's admin
    subtree — all of them, or (any wrong cell) none; every person audited like one created by
    hand."""
    refusal = admin_refusal(actor)
    if refusal is not None:
        raise refusal
    people = _read_people(actor, content)
    created: list[User] = []
    with transaction.atomic():
        for person in people:
            try:
                with transaction.atomic():  # a savepoint: a name taken a moment ago
                    created.append(
                        create_with_role(
                            actor=actor,
                            user=User(
                                username=person.username,
                                full_name=person.full_name,
                                email=person.email,
                                is_active=True,
                            ),
                            unit=person.unit,
                            role=person.role,
                            note="nhập từ tệp Excel",
                        )
                    )
            except IntegrityError:
                raise PeopleImportRefused(
                    "Chưa tạo ai: một địa chỉ vừa được dùng cho tài khoản khác.",
                    [CellError(f"B{person.row}", f"Đã có tài khoản với địa chỉ {person.email}.")],
                ) from None
    return created
