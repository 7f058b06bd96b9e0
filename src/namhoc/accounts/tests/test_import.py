"""Creating many people from Excel (issue 11.2): all or nothing, every wrong cell listed with its
address, the workbook read inside the template's own grid."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence

import pytest
from conftest import OrgTree, People
from django.core import mail
from django.test import Client
from openpyxl import Workbook, load_workbook

from namhoc.accounts import services
from namhoc.accounts.models import Membership, Role, User
from namhoc.accounts.services.imports import HEADERS, SHEET
from namhoc.core.models_audit import AuditEvent
from namhoc.orgunits.models import OrgUnit

ClientOf = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def _book(rows: Sequence[Sequence[object]], *, headers: Sequence[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _state() -> tuple[object, ...]:
    return (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())


GOOD = [
    ("Nguyễn Thị Hoa", "Hoa.Nguyen@truong.edu.vn", "Trường Tiểu học An Lạc", "Chuyên viên"),
    ("Trần Văn Bình", "binh@xa.gov.vn", "c-a1", "phê duyệt"),
    ("Lê Thu", "thu@phuong.gov.vn", "phuong hoa binh", "unit_admin"),
]


def _upload(client: Client, content: bytes, url: str = "/nguoi-dung/nhap/") -> object:
    return client.post(url, {"file": io.BytesIO(content)}, format="multipart")


def test_the_template_lists_my_units_and_roles_and_writes_no_formula(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    OrgUnit.objects.filter(pk=org.school_a2.pk).update(name='=HYPERLINK("http://x.vn","Bấm")')
    response = client_of(people.province_admin).get("/nguoi-dung/nhap/mau/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nguoi-dung.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book[SHEET][1]] == list(HEADERS)
    units = {row[1]: row for row in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert set(units) == {"p-a", "c-a1", "c-a2", "s-a1", "s-a2"}  # current units: no district
    assert units["c-a1"] == ("Xã An Lạc", "c-a1", "Xã, phường, đặc khu", "Tỉnh Phú An")
    assert units["s-a2"][0] == '\'=HYPERLINK("http://x.vn","Bấm")'
    cell = next(c for c in book["Đơn vị"]["A"] if c.value and str(c.value).startswith("'="))
    assert cell.data_type == "s"
    roles = [r[0] for r in book["Vai trò"].iter_rows(min_row=2, values_only=True)]
    assert roles == ["Xem", "Chuyên viên", "Phê duyệt", "Quản trị đơn vị"]
    assert client_of(people.province_officer).get("/nguoi-dung/nhap/mau/").status_code == 403


def test_everyone_is_created_with_a_role_and_audited(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    response = _upload(client_of(people.province_admin), _book(GOOD))
    assert response.status_code == 302  # type: ignore[attr-defined]
    created = {
        u.username: (u.full_name, u.email, list(u.memberships.values_list("unit__key", "role")))
        for u in User.objects.filter(username__contains="@")
    }
    assert created == {
        "hoa.nguyen@truong.edu.vn": (
            "Nguyễn Thị Hoa",
            "hoa.nguyen@truong.edu.vn",
            [("s-a1", "specialist")],
        ),
        "binh@xa.gov.vn": ("Trần Văn Bình", "binh@xa.gov.vn", [("c-a1", "approver")]),
        "thu@phuong.gov.vn": ("Lê Thu", "thu@phuong.gov.vn", [("c-a2", "unit_admin")]),
    }
    assert not any(u.has_usable_password() for u in User.objects.filter(username__contains="@"))
    events = AuditEvent.objects.filter(note="nhập từ tệp Excel")
    assert (
        sorted(events.values_list("action", flat=True))
        == ["membership.grant"] * 3 + ["user.create"] * 3
    )
    assert set(events.values_list("actor_label", flat=True)) == {"province_admin"}
    # and each sets a first password by e-mail
    Client().post("/nguoi-dung/quen-mat-khau/", {"email": "binh@xa.gov.vn"})
    assert mail.outbox[0].to == ["binh@xa.gov.vn"]


def test_every_wrong_cell_is_listed_and_nobody_is_created(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    people.viewer.email = "xem@so.vn"
    people.viewer.save()
    rows = [
        GOOD[0],
        ("", "khong-phai-thu", "Xã Sơn Thủy", "Hiệu trưởng"),  # row 3: four wrong cells
        ("Trần Văn Bình", "hoa.nguyen@truong.edu.vn", "c-a1", "Xem"),  # row 4: same e-mail
        (None, None, None, None),  # blank: skipped
        ("Đỗ Văn Xem", "XEM@so.vn", "d-a-old", "Xem"),  # row 6: taken; dissolved unit
        ("A" * 201, "a@b.vn", "c-a1", "Xem"),  # row 7: name too long
    ]
    before = _state()
    client = client_of(people.province_admin)
    page = _upload(client, _book(rows))
    assert page.status_code == 400  # type: ignore[attr-defined]
    listed = [(e.cell, e.message) for e in page.context["error"].errors]  # type: ignore[attr-defined]
    assert listed == [
        ("A3", "Hãy nhập họ và tên."),
        ("B3", "“khong-phai-thu” không phải địa chỉ hợp lệ."),
        ("C3", "Không có đơn vị “Xã Sơn Thủy” trong phạm vi bạn quản trị (xem trang “Đơn vị”)."),
        ("D3", "Vai trò phải là một trong: Xem, Chuyên viên, Phê duyệt, Quản trị đơn vị."),
        ("B4", "Trùng với dòng 2 của tệp này."),
        ("B6", "Đã có tài khoản với địa chỉ xem@so.vn."),
        ("C6", "Không có đơn vị “d-a-old” trong phạm vi bạn quản trị (xem trang “Đơn vị”)."),
        ("A7", "Họ và tên dài tối đa 200 ký tự (đang có 201)."),
    ]
    html = page.content.decode()  # type: ignore[attr-defined]
    assert "Chưa tạo ai: tệp có 8 ô cần sửa." in html
    assert "<strong>C3</strong>" in html
    api = _upload(client, _book(rows), url="/api/users/import")
    assert api.status_code == 400  # type: ignore[attr-defined]
    body = api.json()  # type: ignore[attr-defined]
    assert body["code"] == "import_refused"
    assert [e["cell"] for e in body["errors"]] == [cell for cell, _ in listed]
    assert _state() == before


def test_a_name_two_units_share_asks_for_the_key(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    OrgUnit.objects.filter(pk=org.school_a2.pk).update(
        name="Trường Tiểu học An Lạc", name_folded="truong tieu hoc an lac"
    )
    page = _upload(client_of(people.province_admin), _book([GOOD[0]]))
    [error] = page.context["error"].errors  # type: ignore[attr-defined]
    assert error.cell == "C2"
    assert error.message.startswith("Có 2 đơn vị tên “Trường Tiểu học An Lạc”")
    assert "s-a1 (Xã An Lạc)" in error.message
    assert "s-a2 (Phường Hòa Bình)" in error.message


def test_the_api_creates_the_same_way(people: People, client_of: ClientOf) -> None:
    response = _upload(client_of(people.province_admin), _book(GOOD), url="/api/users/import")
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["created"] == 3
    assert body["users"][1]["memberships"][0]["unit_key"] == "c-a1"
    template = client_of(people.province_admin).get("/api/users/import/template")
    assert template["Content-Type"] == services.XLSX_CONTENT_TYPE


def test_a_school_admin_imports_into_the_school_only(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    Membership.objects.create(
        user=people.school_principal, unit=org.school_a1, role=Role.UNIT_ADMIN
    )
    client = client_of(people.school_principal)
    refused = _upload(client, _book([GOOD[1]]))
    assert [e.cell for e in refused.context["error"].errors] == ["C2"]  # type: ignore[attr-defined]
    done = _upload(client, _book([("Giáo viên Một", "gv1@tieuhoc.vn", "s-a1", "Chuyên viên")]))
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert client_of(people.province_officer).post("/nguoi-dung/nhap/").status_code == 403


# --- a workbook is read inside the template's grid (issue 9, item 2) ---------------------------


def _wide() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    for row in range(2, 40):
        sheet.cell(row=row, column=16384, value="x")  # column XFD
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng."),
        (b"khong phai excel", "Tệp không phải bảng tính Excel (.xlsx)."),
        (b"PK\x03\x04" + b"\0" * 100, "Tệp .xlsx bị hỏng, không đọc được."),
        (b"PK\x03\x04" + b"x" * (3 << 20), "Tệp quá lớn: tối đa 2 MB (1000 người một tệp)."),
    ],
)
def test_what_is_not_a_workbook_is_refused_with_a_message(
    people: People, client_of: ClientOf, content: bytes, message: str
) -> None:
    response = _upload(client_of(people.province_admin), content)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.context["error"].message == message  # type: ignore[attr-defined]


def test_a_cell_far_to_the_right_is_refused_before_rows_are_read(
    people: People, client_of: ClientOf
) -> None:
    response = _upload(client_of(people.province_admin), _wide())
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.context["error"].message.startswith(  # type: ignore[attr-defined]
        "Trang “Người dùng” có dữ liệu hoặc định dạng tới cột XFD; mẫu chỉ có cột A–D."
    )


def test_too_many_people_in_one_file_are_refused(people: People, client_of: ClientOf) -> None:
    rows = [(f"Người {n}", f"nguoi{n}@truong.vn", "s-a1", "Xem") for n in range(1_001)]
    response = _upload(client_of(people.province_admin), _book(rows))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.context["error"].message == (  # type: ignore[attr-defined]
        "Trang “Người dùng” có 1001 dòng; mỗi tệp nhập tối đa 1000 người. "
        "Hãy chia thành nhiều tệp, hoặc xóa các dòng thừa ở cuối, rồi gửi lại."
    )
    assert not User.objects.filter(username__startswith="nguoi").exists()


def test_headers_other_than_the_templates_are_refused(people: People, client_of: ClientOf) -> None:
    response = _upload(client_of(people.province_admin), _book([GOOD[0]], headers=["Tên", "Mail"]))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Dòng 1 của trang “Người dùng” phải là tiêu đề của mẫu" in json.dumps(
        response.context["error"].message,  # type: ignore[attr-defined]
        ensure_ascii=False,
    )
