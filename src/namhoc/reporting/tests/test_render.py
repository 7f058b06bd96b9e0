"""The built-in layout, checked on the produced files (python-docx, openpyxl), not assumed:
Decree 30/2020/NĐ-CP page, fonts, header blocks, signature, footnoted sources; and what the
words say, exactly, for the helpers' world (Phú An on 20/05/2026)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import docx
import openpyxl
import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from namhoc.reporting.builtin import FONT
from namhoc.reporting.tests.helpers import docx_text

# The documents are drafted once per module (conftest ``drafted``); the mark makes pytest-django
# create the test database for that.
pytestmark = pytest.mark.django_db


def _open(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def _table_paragraphs(table: Table) -> Iterator[Paragraph]:
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _table_paragraphs(inner)


def _paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    yield from document.paragraphs
    for table in document.tables:
        yield from _table_paragraphs(table)


def _size(run: Run, document: DocxDocument) -> float:
    size = run.font.size or document.styles["Normal"].font.size
    assert size is not None
    return size.pt


def _recipients(document: DocxDocument) -> set[object]:
    """The run elements of the "Nơi nhận" block (the signature table's left cell)."""
    left = document.tables[-1].rows[0].cells[0]
    return {run._r for p in left.paragraphs for run in p.runs}


@pytest.mark.parametrize("name", ["year_end", "semester", "plan"])
def test_page_is_a4_with_decree_margins(drafted: dict[str, bytes], name: str) -> None:
    section = _open(drafted[name]).sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    # Word keeps sizes in twentieths of a point: within a tenth of a millimetre.
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for margin, low, high in (
        (section.top_margin, 20, 25),
        (section.bottom_margin, 20, 25),
        (section.left_margin, 30, 35),
        (section.right_margin, 15, 20),
    ):
        assert margin is not None
        assert Mm(low) - Mm(0.1) <= margin <= Mm(high) + Mm(0.1)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml


@pytest.mark.parametrize("name", ["year_end", "semester", "plan"])
def test_every_text_is_times_new_roman_13_to_14_and_recipients_12_and_11(
    drafted: dict[str, bytes], name: str
) -> None:
    document = _open(drafted[name])
    recipients = _recipients(document)
    checked = 0
    for paragraph in _paragraphs(document):
        for run in paragraph.runs:
            if not run.text.strip():
                continue
            checked += 1
            fonts = run._r.rPr.find(qn("w:rFonts"))
            assert run.font.name == FONT, run.text
            assert fonts.get(qn("w:eastAsia")) == FONT, run.text
            size = _size(run, document)
            if run._r in recipients:
                expected = 12 if run.text == "Nơi nhận:" else 11
                assert size == expected, run.text
            else:
                assert 13 <= size <= 14, (run.text, size)
    assert checked > 40


def test_issuer_and_national_motto_side_by_side_in_a_borderless_table(
    drafted: dict[str, bytes],
) -> None:
    document = _open(drafted["year_end"])
    header = document.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.get(qn("w:val")) for child in borders} == {"nil"}
    left, right = header.rows[0].cells
    left_runs = [r for p in left.paragraphs for r in p.runs if r.text]
    assert [(r.text, bool(r.bold)) for r in left_runs] == [
        ("UBND TỈNH PHÚ AN", False),
        ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", True),
        ("Số:      /BC-SGDĐT", False),
    ]
    right_runs = [r for p in right.paragraphs for r in p.runs if r.text]
    assert [(r.text, bool(r.bold), bool(r.underline), bool(r.italic)) for r in right_runs] == [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, False),
        ("Độc lập - Tự do - Hạnh phúc", True, True, False),
        ("Phú An, ngày      tháng      năm 2026", False, False, True),
    ]


def test_document_type_summary_and_signature(drafted: dict[str, bytes]) -> None:
    document = _open(drafted["year_end"])
    body = [p for p in document.paragraphs if p.text.strip()]
    assert body[0].text == "BÁO CÁO"
    assert body[0].runs[0].bold
    assert body[0].alignment == 1  # centred
    assert body[1].text == (
        "Tổng kết năm học 2025-2026 và phương hướng, nhiệm vụ năm học 2026-2027"
    )
    left, right = document.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:",
        "- Bộ Giáo dục và Đào tạo (để báo cáo);",
        "- UBND tỉnh Phú An (để báo cáo);",
        "- Giám đốc, các Phó Giám đốc Sở;",
        "- Lưu: VT, VP.",
    ]
    head = left.paragraphs[0].runs[0]
    assert head.bold
    assert head.italic
    signed = [p.text for p in right.paragraphs if p.text]
    assert signed == ["GIÁM ĐỐC", "(Ký, ghi rõ họ tên, đóng dấu)", "……………………………"]


@pytest.mark.parametrize("name", ["year_end", "semester", "plan"])
def test_no_template_tag_or_empty_placeholder_is_left(drafted: dict[str, bytes], name: str) -> None:
    text = docx_text(drafted[name])
    for leftover in ("{{", "}}", "{%", "%}", "[]", "None", "nan"):
        assert leftover not in text, leftover
    assert not re.search(r"\[Đơn vị bổ sung: \]", text)


def test_every_source_note_is_a_footnote(drafted: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(drafted["year_end"])) as archive:
        body = archive.read("word/document.xml").decode()
        notes = archive.read("word/footnotes.xml").decode()
    references = re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body)
    defined = re.findall(r'<w:footnote w:id="(\d+)"', notes)
    assert references == defined == [str(n) for n in range(1, len(references) + 1)]
    assert len(references) >= 4
    text = docx_text(drafted["year_end"])
    assert (
        "Danh mục đơn vị của namhoc: các đơn vị đang hoạt động ngày 20/05/2026; trong đó 5 đơn "
        "vị là dữ liệu mô phỏng (không phải đơn vị thật). Phụ lục, Biểu 1." in text
    )
    assert (
        "Số liệu kỳ «Đầu năm học 2025-2026 (số liệu đến 30/9/2025)», tính đến ngày 30/09/2025; "
        "Báo cáo đầu năm — tiểu học: 1/1 đơn vị báo cáo đủ số liệu, đã được Tỉnh Phú An phê duyệt"
        in text
    )
    assert "Báo cáo đầu năm — trung học cơ sở: 1/1 đơn vị báo cáo đủ số liệu, chưa phê duyệt" in (
        text
    )
    assert "Xem chú thích 2." in text  # the same period note, given once


def test_the_year_end_report_says_what_the_data_says(drafted: dict[str, bytes]) -> None:
    text = docx_text(drafted["year_end"])
    expected = [
        "Thực hiện Kế hoạch số 1520/KH-SGDĐT ngày 05/09/2025 của Sở Giáo dục và Đào tạo về "
        "thực hiện nhiệm vụ năm học 2025-2026 của ngành Giáo dục tỉnh Phú An, Sở Giáo dục và "
        "Đào tạo báo cáo tổng kết năm học 2025-2026 như sau:",
        "1. Quy mô mạng lưới: Tỉnh Phú An có 2 xã, phường, đặc khu; 2 cơ sở giáo dục "
        "(1 tiểu học, 1 trung học cơ sở).",
        "2. Học sinh: tổng số 1.000 trẻ em, học sinh trong 28 nhóm, lớp; trong đó tiểu học 400 "
        "học sinh (12 lớp); trung học cơ sở 600 học sinh (16 lớp).",
        "3. Đội ngũ: 52 giáo viên (tiểu học 18; trung học cơ sở 34); 46 giáo viên đạt chuẩn "
        "trình độ đào tạo theo Luật Giáo dục 2019 (88,5%).",
        "Tổng số 4 phân công cho các đơn vị: 1 hoàn thành đúng hạn; 1 hoàn thành quá hạn; 1 quá "
        "hạn chưa hoàn thành; 1 đang thực hiện trong hạn; tỷ lệ hoàn thành đúng hạn 33,3%.",
        "Kết quả: 2 phân công (1 chủ trì, 1 phối hợp): 1 hoàn thành đúng hạn; 1 quá hạn chưa "
        "hoàn thành; tỷ lệ hoàn thành đúng hạn 50,0% (Phụ lục, Biểu 3, dòng 1).",
        "Chỉ tiêu: 66,37% (Phấn đấu tỷ lệ trường đạt chuẩn quốc gia đạt 66,37%); kết quả: 50,0% "
        "(tỷ lệ trường đạt chuẩn quốc gia (các cấp học)) — chưa đạt.",
        "- Xã An Lạc (20/05/2026, 100%): “Đã rà soát xong mạng lưới trường, lớp của xã; sáp "
        "nhập 2 điểm trường lẻ.”",
        "Minh chứng (1 tệp): bien-ban-ra-soat.pdf (danh sách đầy đủ: Phụ lục, Biểu 6).",
        "- Còn 1 việc quá hạn chưa hoàn thành tại 1 đơn vị: Phường Hòa Bình (1) (Phụ lục, Biểu 5).",
        "- 1 việc hoàn thành quá hạn tại 1 đơn vị: Xã An Lạc (1) (Phụ lục, Biểu 5).",
        "- 1 đơn vị trực thuộc chưa ban hành văn bản chỉ đạo năm học 2025-2026 trên namhoc: "
        "Phường Hòa Bình (Phụ lục, Biểu 7).",
        "- 1 chỉ tiêu đạt chỉ tiêu giao: tỷ lệ học sinh tiểu học học 2 buổi/ngày 95,0% "
        "(giao 90%) (Phụ lục, Biểu 2).",
        "[Đơn vị bổ sung: nêu phương hướng, nhiệm vụ trọng tâm và giải pháp năm học 2026-2027.]",
        "Trên đây là báo cáo tổng kết năm học 2025-2026 của Sở Giáo dục và Đào tạo./.",
    ]
    for sentence in expected:
        assert sentence in text, sentence


def test_a_figure_nobody_reported_is_not_written_as_zero(drafted: dict[str, bytes]) -> None:
    """The graduation rate's numerator is an end-of-year figure: at the start of the year the
    rate is unknown, not 0% (issue 11, item 1)."""
    text = docx_text(drafted["year_end"])
    assert "Tỷ lệ học sinh tốt nghiệp THCS" not in text
    sheet = openpyxl.load_workbook(io.BytesIO(drafted["year_end.xlsx"]))["Bieu 2 - Chi tieu"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=6, values_only=True) if row[1]}
    assert rows["THCS_TL_TOT_NGHIEP"][4:7] == ("chưa có số liệu", None, None)
    assert rows["TH_TL_2BUOI"][4] == "Đầu năm học 2025-2026 (số liệu đến 30/9/2025)"
    assert rows["TH_TL_2BUOI"][6:] == (95, 380, 400, 1, 90, "đơn vị", 100, 78.9,
                                       "Đầu năm học 2024-2025 (số liệu đến 30/9/2024)")  # fmt: skip


def test_the_annex_holds_every_row_the_body_points_at(drafted: dict[str, bytes]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(drafted["year_end.xlsx"]))
    assert book.sheetnames == [
        "Bieu 1 - Quy mo",
        "Bieu 2 - Chi tieu",
        "Bieu 3 - Nhiem vu",
        "Bieu 4 - Don vi",
        "Bieu 5 - Qua han",
        "Bieu 6 - Minh chung",
        "Bieu 7 - Chua ban hanh",
    ]
    tasks = list(book["Bieu 3 - Nhiem vu"].iter_rows(min_row=7, values_only=True))
    assert tasks[0] == (
        1, "1", "Rà soát, sắp xếp trường, lớp theo địa giới hành chính các xã, phường mới",
        1, 1, 2, 1, 0, 1, 0, 50,
    )  # fmt: skip
    assert tasks[-1][2:] == ("Cộng", 3, 1, 4, 1, 1, 1, 1, 33.3)
    late = [row[1:] for row in book["Bieu 5 - Qua han"].iter_rows(min_row=6, values_only=True)]
    assert [(r[0], r[7]) for r in late] == [  # Vietnamese order: "Phường" before "Xã"
        ("Phường Hòa Bình", "Quá hạn chưa hoàn thành"),
        ("Xã An Lạc", "Hoàn thành quá hạn"),
    ]
    silent = list(book["Bieu 7 - Chua ban hanh"].iter_rows(min_row=5, values_only=True))
    assert silent == [(1, "c-a2", "Phường Hòa Bình", "Xã, phường, đặc khu")]


def test_the_plan_carries_the_upper_tasks_and_the_units_own(drafted: dict[str, bytes]) -> None:
    document = _open(drafted["plan"])
    left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert left == ["UBND XÃ AN LẠC", "PHÒNG VĂN HÓA - XÃ HỘI", "Số:      /KH-VHXH"]
    text = docx_text(drafted["plan"])
    for sentence in (
        "KẾ HOẠCH",
        "Thực hiện nhiệm vụ năm học 2025-2026",
        "Căn cứ Kế hoạch số 1520/KH-SGDĐT ngày 05/09/2025 của Sở Giáo dục và Đào tạo về thực "
        "hiện nhiệm vụ năm học 2025-2026 của ngành Giáo dục tỉnh Phú An;",
        "Căn cứ tình hình thực tế, Phòng Văn hóa - Xã hội xã An Lạc xây dựng Kế hoạch thực hiện "
        "nhiệm vụ năm học 2025-2026 như sau:",
        "Xã An Lạc chủ trì thực hiện; thời hạn 30/05/2026.",
        "- Huy động trẻ 5 tuổi ra lớp mầm non; chủ trì: Trường Tiểu học An Lạc; thời hạn: "
        "19/06/2026; chỉ tiêu: 95 %.",
        "- Sở GDĐT Phú An (để báo cáo);",
    ):
        assert sentence in text, sentence
