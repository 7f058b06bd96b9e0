"""Excel for the table pages of the apps added after issue 13 — inspections, emulation and the
legal registry: ``?xuat=xlsx`` on the page's own address answers the rows the page shows that
person (same selector, so the same scope, filters and order; every row, not the page shown),
with Vietnamese headers, dates as dates, numbers as numbers and formula-like text kept as
text; out of scope answers 404 and no file, exactly like the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from namhoc.core.types import SYSTEM
from namhoc.emulation import services as emulation
from namhoc.emulation.models import EmulationRound, Registration
from namhoc.emulation.tests.helpers import build as build_round
from namhoc.emulation.tests.helpers import submit, to_stage
from namhoc.inspections import services as inspections
from namhoc.inspections.tests.helpers import YEAR, ready_to_conclude
from namhoc.inspections.tests.helpers import build as build_inspection
from namhoc.legal import services as legal
from namhoc.legal.models import LegalDocument
from namhoc.legal.services import registry_load
from namhoc.legal.tests.test_citations import _directive
from namhoc.web.tests.test_exports import header_and_rows, is_number, refused, workbook

pytestmark = pytest.mark.django_db

ClientOf = Callable[[Any], Client]
FORMULA = '=HYPERLINK("http://x.example","bấm")'
SAFE = "'" + FORMULA  # what the workbook holds: text, never a formula


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time())


# --- inspections ------------------------------------------------------------------------------


@pytest.fixture
def inspected(org: Any, people: Any) -> Any:
    """The province's plan of 2025-2026: school A1 inspected (two checklist lines with results,
    findings, a recommendation), then school A2 later, under a formula-like subject."""
    world = build_inspection(org, people)
    ready_to_conclude(world, people)
    world.later = inspections.inspection_create(
        actor=people.province_officer,
        plan_id=world.plan.pk,
        kind="kiem_tra",
        unit=org.school_a2.key,
        subject=FORMULA,
        starts_on="20/04/2026",
        ends_on="21/04/2026",
    )
    return world


def test_the_inspections_index_downloads_the_years_plans_and_inspections(
    inspected: Any, org: Any, people: Any, client_of: ClientOf, monkeypatch: Any
) -> None:
    from namhoc.web import inspections_views

    monkeypatch.setattr(inspections_views, "PER_PAGE", 1)  # the page shows one row of each
    officer = client_of(people.province_officer)
    query = {"nam_hoc": YEAR}
    page = officer.get("/kiem-tra/", query).content.decode()
    assert 'href="/kiem-tra/?nam_hoc=2025-2026&amp;xuat=xlsx"' in page
    sheets = workbook(officer.get("/kiem-tra/", {**query, "trang_kt": "2", "xuat": "xlsx"}))
    assert list(sheets) == ["Kế hoạch", "Cuộc kiểm tra"]
    header, plans = header_and_rows(sheets["Kế hoạch"], "Đơn vị")
    assert header == ("Đơn vị", "Kế hoạch", "Số cuộc kiểm tra")
    assert plans == [("Tỉnh Phú An", "Kiểm tra chuyên đề năm học", 2)]
    header, rows = header_and_rows(sheets["Cuộc kiểm tra"], "Đơn vị được kiểm tra")
    assert header == (
        "Đơn vị được kiểm tra",
        "Hình thức",
        "Nội dung",
        "Đơn vị kiểm tra",
        "Từ ngày",
        "Đến ngày",
        "Trạng thái",
    )
    kind = inspected.inspection.get_kind_display()
    # both rows (the page shows one), latest first, the formula kept as text
    assert rows == [
        (
            org.school_a2.name,
            kind,
            SAFE,
            "Tỉnh Phú An",
            dt.datetime(2026, 4, 20),
            dt.datetime(2026, 4, 21),
            "Chưa kết luận",
        ),
        (
            org.school_a1.name,
            kind,
            "Việc thực hiện nhiệm vụ năm học",
            "Tỉnh Phú An",
            dt.datetime(2026, 3, 10),
            dt.datetime(2026, 3, 12),
            "Chưa kết luận",
        ),
    ]
    # the year filter holds in the file
    other = workbook(officer.get("/kiem-tra/", {"nam_hoc": "2024-2025", "xuat": "xlsx"}))
    assert header_and_rows(other["Kế hoạch"], "Đơn vị")[1] == []
    assert header_and_rows(other["Cuộc kiểm tra"], "Đơn vị được kiểm tra")[1] == []
    # the school sees its own inspection only, and no plan of the province
    school = workbook(
        client_of(people.school_principal).get("/kiem-tra/", {**query, "xuat": "xlsx"})
    )
    assert header_and_rows(school["Kế hoạch"], "Đơn vị")[1] == []
    assert [r[0] for r in header_and_rows(school["Cuộc kiểm tra"], "Đơn vị được kiểm tra")[1]] == [
        org.school_a1.name
    ]
    # the other province's officer: nothing
    outsider = workbook(client_of(people.outsider).get("/kiem-tra/", {**query, "xuat": "xlsx"}))
    assert header_and_rows(outsider["Cuộc kiểm tra"], "Đơn vị được kiểm tra")[1] == []


def test_a_plan_downloads_its_inspections_and_refuses_who_may_not_read_it(
    inspected: Any, org: Any, people: Any, client_of: ClientOf
) -> None:
    url = reverse("inspections:plan", args=[inspected.plan.pk])
    officer = client_of(people.province_officer)
    assert f'href="{url}?xuat=xlsx"' in officer.get(url).content.decode()
    sheet = workbook(officer.get(url, {"xuat": "xlsx"}))["Cuộc kiểm tra"]
    assert sheet[0][0] == "Kiểm tra chuyên đề năm học"
    header, rows = header_and_rows(sheet, "Đơn vị được kiểm tra")
    assert header == (
        "Đơn vị được kiểm tra",
        "Hình thức",
        "Nội dung",
        "Từ ngày",
        "Đến ngày",
        "Trạng thái",
    )
    assert [(r[0], r[2], r[3]) for r in rows] == [
        (org.school_a2.name, SAFE, dt.datetime(2026, 4, 20)),
        (org.school_a1.name, "Việc thực hiện nhiệm vụ năm học", dt.datetime(2026, 3, 10)),
    ]
    # the school reads its inspection, not the province's plan; the other province neither
    for person in (people.school_principal, people.outsider):
        assert client_of(person).get(url).status_code == 404
        refused(client_of(person).get(url, {"xuat": "xlsx"}))


def test_an_inspection_downloads_its_checklist_team_findings_and_recommendations(
    inspected: Any, org: Any, people: Any, client_of: ClientOf
) -> None:
    inspection = inspected.inspection
    url = reverse("inspections:detail", args=[inspection.pk])
    school = client_of(people.school_principal)  # the inspected unit reads it
    assert f'href="{url}?xuat=xlsx"' in school.get(url).content.decode()
    sheets = workbook(school.get(url, {"xuat": "xlsx"}))
    assert list(sheets) == ["Nội dung kiểm tra", "Đoàn kiểm tra", "Nhận xét", "Kiến nghị"]
    checklist = sheets["Nội dung kiểm tra"]
    assert checklist[1][0] == f"Tỉnh Phú An kiểm tra {org.school_a1.name}"
    assert checklist[2][0] == "Thời gian: 10/03/2026 – 12/03/2026 · Chưa kết luận"
    header, rows = header_and_rows(checklist, "STT")
    assert header == ("STT", "Nội dung", "Căn cứ", "Kết quả", "Ghi chú")
    task = inspected.given.task
    assert rows == [
        (1, "Hồ sơ chuyên môn của tổ", None, "Đạt", None),
        (
            2,
            f"{task.label} {task.title}",
            "nhiệm vụ được giao",
            "Chưa đạt",
            "Chưa có kế hoạch chi tiết",
        ),
    ]
    header, team = header_and_rows(sheets["Đoàn kiểm tra"], "Họ và tên")
    assert (header, team) == (("Họ và tên", "Vai trò"), [("Trần Văn Tỉnh", "Trưởng đoàn")])
    findings = header_and_rows(sheets["Nhận xét"], "Nhận xét, kết luận của đoàn")[1]
    assert findings == [
        ("Nhà trường thực hiện cơ bản đầy đủ.",),
        ("Còn thiếu kế hoạch chi tiết.",),
    ]
    header, recommendations = header_and_rows(sheets["Kiến nghị"], "STT")
    assert header == (
        "STT",
        "Kiến nghị",
        "Thời hạn",
        "Theo dõi khắc phục",
        "Tiến độ (%)",
        "Minh chứng",
    )
    assert recommendations == [
        (
            1,
            "Bổ sung kế hoạch chi tiết số 1",
            dt.datetime(2099, 6, 1),
            "Chưa ban hành kết luận",
            None,
            None,
        )
    ]
    # the other province: 404, as the page
    outsider = client_of(people.outsider)
    assert outsider.get(url).status_code == 404
    refused(outsider.get(url, {"xuat": "xlsx"}))


# --- emulation --------------------------------------------------------------------------------


@pytest.fixture
def voting(org: Any, people: Any) -> Any:
    """The commune's round (renamed to a formula-like title) in the vote: the school and its
    principal submitted; the chair agreed on the school's registration."""
    world = build_round(org, people)
    found = world.round
    emulation.round_update(
        actor=people.commune_officer,
        round_id=found.pk,
        version=found.version,
        title=FORMULA,
        quorum_percent=67,
        threshold_percent=50,
    )
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    submit(world.principal, people.school_principal)
    to_stage(world, people, EmulationRound.Status.VOTING)
    emulation.vote_cast(actor=world.members[0], registration_id=world.school.pk, agree="dong_y")
    return world


def _score(registration: Registration) -> float | None:
    registration.refresh_from_db()
    return None if registration.score is None else float(registration.score)


def test_the_rounds_list_downloads_every_round_as_filtered(
    voting: Any, org: Any, people: Any, client_of: ClientOf
) -> None:
    officer = client_of(people.commune_officer)
    page = officer.get("/thi-dua/", {"nam_hoc": YEAR}).content.decode()
    assert 'href="/thi-dua/?nam_hoc=2025-2026&amp;xuat=xlsx"' in page
    sheet = workbook(officer.get("/thi-dua/", {"nam_hoc": YEAR, "xuat": "xlsx"}))["Đợt thi đua"]
    header, rows = header_and_rows(sheet, "Đơn vị")
    assert header == ("Đơn vị", "Đợt", "Giai đoạn", "Số hồ sơ")
    assert rows == [(org.commune_a1.name, SAFE, "Hội đồng xét, bỏ phiếu", 2)]
    other = workbook(officer.get("/thi-dua/", {"nam_hoc": "2024-2025", "xuat": "xlsx"}))
    assert header_and_rows(other["Đợt thi đua"], "Đơn vị")[1] == []
    outsider = client_of(people.outsider).get("/thi-dua/", {"nam_hoc": YEAR, "xuat": "xlsx"})
    assert header_and_rows(workbook(outsider)["Đợt thi đua"], "Đơn vị")[1] == []


def test_a_round_downloads_its_registrations_with_the_tally_only_for_who_may_read_it(
    voting: Any, org: Any, people: Any, client_of: ClientOf
) -> None:
    url = reverse("emulation:round", args=[voting.round.pk])
    chair = client_of(people.commune_officer)
    assert f'href="{url}?xuat=xlsx"' in chair.get(url).content.decode()
    sheet = workbook(chair.get(url, {"xuat": "xlsx"}))["Hồ sơ đăng ký"]
    assert sheet[0][0] == SAFE  # the round's title, as text
    header, rows = header_and_rows(sheet, "Tập thể, cá nhân")
    assert header == (
        "Tập thể, cá nhân",
        "Đơn vị",
        "Danh hiệu",
        "Trạng thái",
        "Điểm namhoc",
        "Phiếu đồng ý",
        "Phiếu không đồng ý",
        "Số thành viên",
        "Kết quả bỏ phiếu",
        "Phiếu của bạn",
        "Kết quả",
    )
    school, principal = _score(voting.school), _score(voting.principal)
    assert [r[:5] for r in rows] == [
        (
            org.school_a1.name,
            org.school_a1.name,
            "Tập thể lao động tiên tiến",
            "Đã nộp tự đánh giá",
            school,
        ),
        (
            "Hoàng Thị Hiệu",
            org.school_a1.name,
            "Lao động tiên tiến",
            "Đã nộp tự đánh giá",
            principal,
        ),
    ]
    assert all(value is None or is_number(value) for value in (rows[0][4], rows[1][4]))
    assert [r[5:] for r in rows] == [
        (1, 0, 3, "Chưa đủ số thành viên bỏ phiếu", "Đã bỏ phiếu", None),
        (0, 0, 3, "Chưa đủ số thành viên bỏ phiếu", "Chưa bỏ phiếu", None),
    ]
    # the school's principal reads both registrations, without the council's tally or a vote
    mine = workbook(client_of(people.school_principal).get(url, {"xuat": "xlsx"}))
    header, rows = header_and_rows(mine["Hồ sơ đăng ký"], "Tập thể, cá nhân")
    assert header == (
        "Tập thể, cá nhân",
        "Đơn vị",
        "Danh hiệu",
        "Trạng thái",
        "Điểm namhoc",
        "Kết quả",
    )
    assert [r[0] for r in rows] == [org.school_a1.name, "Hoàng Thị Hiệu"]
    # the other province: 404, as the page
    outsider = client_of(people.outsider)
    assert outsider.get(url).status_code == 404
    refused(outsider.get(url, {"xuat": "xlsx"}))


# --- the legal registry -----------------------------------------------------------------------


@pytest.fixture
def registry(org: Any, people: Any) -> LegalDocument:
    """The curated list, and one entry whose title reads like a formula."""
    registry_load(actor=SYSTEM)
    return legal.document_create(
        actor=people.superuser,
        number="99/2025/TT-BGDĐT",
        doc_type="circular",
        issuer="Bộ Giáo dục và Đào tạo",
        issued_on="02/01/2025",
        effective_on="",
        title=FORMULA,
        status="in_force",
        replaced_by="",
        amended_by="",
        source_url="https://example.vn/thong-tu-99-2025",
        note="",
    )


def test_the_registry_downloads_every_entry_as_filtered(
    registry: LegalDocument, people: Any, client_of: ClientOf, monkeypatch: Any
) -> None:
    from namhoc.web import legal_views

    monkeypatch.setattr(legal_views, "PER_PAGE", 2)  # the page shows two rows
    client = client_of(people.commune_officer)
    page = client.get("/van-ban-phap-ly/", {"trang": "2"}).content.decode()
    assert 'href="/van-ban-phap-ly/?xuat=xlsx"' in page
    sheet = workbook(client.get("/van-ban-phap-ly/", {"trang": "2", "xuat": "xlsx"}))
    rows_of = sheet["Văn bản pháp lý"]
    header, rows = header_and_rows(rows_of, "Số, ký hiệu")
    assert header == (
        "Số, ký hiệu",
        "Trích yếu",
        "Cơ quan ban hành",
        "Ngày ban hành",
        "Tình trạng",
        "Thay thế bởi",
    )
    every = list(LegalDocument.objects.order_by("-issued_on", "number", "pk"))  # the page's order
    assert len(rows) == len(every) == 16
    assert [r[0] for r in rows] == [d.label for d in every]
    assert rows_of[1][0] == "16 văn bản."
    mine = next(r for r in rows if r[0] == registry.label)
    assert mine[1:] == (
        SAFE,
        "Bộ Giáo dục và Đào tạo",
        dt.datetime(2025, 1, 2),
        "Còn hiệu lực",
        None,
    )
    replaced = LegalDocument.objects.get(number="36/2017/TT-BGDĐT")
    row = next(r for r in rows if r[0] == replaced.label)
    assert (row[4], row[5]) == (replaced.get_status_display(), "09/2024/TT-BGDĐT")
    # the filters hold in the file
    filtered = workbook(
        client.get("/van-ban-phap-ly/", {"tinh_trang": "replaced", "xuat": "xlsx"})
    )["Văn bản pháp lý"]
    labels = [r[0] for r in header_and_rows(filtered, "Số, ký hiệu")[1]]
    expected = LegalDocument.objects.filter(status="replaced").order_by(
        "-issued_on", "number", "pk"
    )
    assert labels == [d.label for d in expected]
    assert replaced.label in labels
    assert filtered[1][0] == f"Đã lọc: tình trạng “Đã bị thay thế” — {len(labels)} văn bản."
    searched = workbook(client.get("/van-ban-phap-ly/", {"q": "99/2025", "xuat": "xlsx"}))
    assert [r[0] for r in header_and_rows(searched["Văn bản pháp lý"], "Số, ký hiệu")[1]] == [
        registry.label
    ]
    # signed out: the sign-in page, as for the page, never a file
    anonymous = Client().get("/van-ban-phap-ly/", {"xuat": "xlsx"})
    assert anonymous.status_code == 302
    assert "Content-Disposition" not in anonymous


def test_the_stale_citations_download_its_units_directives_only(
    org: Any, people: Any, client_of: ClientOf
) -> None:
    registry_load(actor=SYSTEM)
    _directive(org.province_a, "102/KH-SGDĐT", cites=["36/2017/TT-BGD&ĐT"], title=FORMULA)
    _directive(org.province_b, "88/KH-SGDĐT", cites=["36/2017/TT-BGDĐT"])
    url = reverse("legal:stale")
    officer = client_of(people.province_officer)
    assert f'href="{url}?xuat=xlsx"' in officer.get(url).content.decode()
    sheet = workbook(officer.get(url, {"xuat": "xlsx"}))["Còn dẫn văn bản cũ"]
    assert sheet[1][0] == "Tỉnh Phú An — 1 văn bản."
    header, rows = header_and_rows(sheet, "Văn bản")
    assert header == ("Văn bản", "Trích yếu", "Đơn vị ban hành", "Ngày", "Còn dẫn")
    assert len(rows) == 1
    assert rows[0][:3] == ("102/KH-SGDĐT", SAFE, "Tỉnh Phú An")
    assert rows[0][3] == _day(timezone.localdate())  # a date, not text
    assert rows[0][4] == "36/2017/TT-BGD&ĐT — đã bị thay thế bởi 09/2024/TT-BGDĐT"
    # the unit filter holds: a superuser asks for province B
    other = workbook(client_of(people.superuser).get(url, {"don_vi": "p-b", "xuat": "xlsx"}))
    assert [r[0] for r in header_and_rows(other["Còn dẫn văn bản cũ"], "Văn bản")[1]] == [
        "88/KH-SGDĐT"
    ]
    # another province's unit: 404, as the page
    assert officer.get(url, {"don_vi": "p-b"}).status_code == 404
    refused(officer.get(url, {"don_vi": "p-b", "xuat": "xlsx"}))
