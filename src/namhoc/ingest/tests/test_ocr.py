# ruff: noqa: E501  (documents and tables of exact expected values read better one per line)
"""Scanned PDFs: OCR with Tesseract (vie) page by page, and what is done with what it reads.

Tests that run the real programs are marked ``slow`` and skip, with the reason, when Tesseract,
its Vietnamese data or poppler's pdftoppm are missing, except under ``NAMHOC_REQUIRE_OCR=1``
(CI), where they fail. Most of them recognise one page only (``max_ocr_pages``).
"""

from __future__ import annotations

import io
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from namhoc.ingest import IngestError, IngestResult, ReadLimits, read_document
from namhoc.ingest.limits import Budget
from namhoc.ingest.ocrtext import fix_code, reflow, tidy
from namhoc.ingest.readers.ocr import INSTALL, Tools, find_tools, recognise
from namhoc.ingest.tests.helpers import make_pdf, shared_dir
from namhoc.ingest.tests.scans import SCAN_PLAN

REALDOCS = shared_dir() / "realdocs"


@pytest.fixture(scope="module")
def ocr() -> Tools:
    """The OCR programs; without them the test is skipped (failed under NAMHOC_REQUIRE_OCR=1)."""
    try:
        return find_tools()
    except IngestError as exc:
        if os.environ.get("NAMHOC_REQUIRE_OCR") == "1":
            pytest.fail(f"NAMHOC_REQUIRE_OCR=1 but OCR is not available: {exc.message_en}")
        pytest.skip(f"OCR is not available: {exc.message_en}")


def pdf_of(*parts: bytes) -> bytes:
    """The pages of the given PDFs, one after the other, in one PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for part in parts:
        document.import_pages(pdfium.PdfDocument(part))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- without the programs ---------------------------------------------------------------------


def test_a_scan_with_ocr_turned_off_is_refused_clearly() -> None:
    with pytest.raises(IngestError) as caught:
        read_document(make_pdf([[], []]), filename="scan.pdf", limits=ReadLimits(ocr=False))
    assert caught.value.code == "no_text_layer"
    assert "OCR" in caught.value.message_en
    assert "OCR" in caught.value.message_vi


def test_a_scan_without_tesseract_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name: None if name == "tesseract" else real_which(name)
    )
    with pytest.raises(IngestError) as caught:
        read_document(SCAN_PLAN)
    assert caught.value.code == "ocr_unavailable"
    assert INSTALL == "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"
    assert INSTALL in caught.value.message_vi
    assert INSTALL in caught.value.message_en
    assert "tesseract" in caught.value.message_en


def test_scanned_pages_of_a_typed_pdf_are_named_when_ocr_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a typed page and a scanned page, and no Tesseract on the machine
    typed = make_pdf([["Phu luc", "Danh sach truong tham gia kiem tra noi bo nam hoc 2024-2025"]])
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name: None if name == "tesseract" else real_which(name)
    )
    result = read_document(pdf_of(typed, SCAN_PLAN.read_bytes()))
    # Then the typed page is read and the scanned one named in a warning
    assert result.text.startswith("Phu luc")
    assert [(w.code, w.detail) for w in result.warnings] == [("ocr_unavailable_pages", "pages 2")]
    assert result.source.ocr is False


def _program(folder: Path, name: str, script: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_scan_without_the_vietnamese_model_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a tesseract that knows English only (a program standing in for the real one)
    _program(tmp_path, "tesseract", 'echo "List of available languages (2):"; echo eng; echo osd\n')
    _program(tmp_path, "pdftoppm", "exit 0\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(IngestError) as caught:
        read_document(SCAN_PLAN)
    assert caught.value.code == "ocr_unavailable"
    assert "tesseract-ocr-vie" in caught.value.message_vi
    assert "tesseract-ocr-vie" in caught.value.message_en


def _fake_tools(folder: Path, tesseract: str) -> Tools:
    # pdftoppm ... -singlefile SOURCE TARGET writes TARGET.pgm
    render = _program(folder, "pdftoppm", 'for last; do :; done; echo P5 > "$last.pgm"\n')
    return Tools(render, _program(folder, "tesseract", tesseract), "5.3")


def _ticking(step: float) -> Callable[[], float]:
    """A clock that moves ``step`` seconds every time it is read."""
    now = [0.0]

    def clock() -> float:
        now[0] += step
        return now[0]

    return clock


def test_recognition_stops_before_pages_that_would_not_fit_in_the_time_left(tmp_path: Path) -> None:
    # Given pages that take 10 s each (by a clock that ticks) and 60 s for the whole read
    tools = _fake_tools(tmp_path, 'echo "Trang đã nhận dạng"\n')
    calls: list[tuple[str, int, int]] = []
    budget = Budget(
        ReadLimits(max_seconds=60), progress=lambda *a: calls.append(a), clock=_ticking(2.5)
    )
    pages = [(i, 595.0, 842.0) for i in range(5)]
    # When they are recognised
    result = recognise(b"%PDF-1.4", pages, tools=tools, budget=budget, reserve=5)
    # Then the pages that would not end 5 s before the limit are left out, and said so
    assert [i for i, text in result.texts.items() if text] == [0, 1, 2]
    assert result.skipped == [3, 4]
    assert calls == [("ocr", 0, 5), ("ocr", 1, 5), ("ocr", 2, 5), ("ocr", 3, 5)]


def test_a_page_that_fails_is_recorded_and_the_others_are_read(tmp_path: Path) -> None:
    tools = _fake_tools(
        tmp_path, 'case "$1" in *page.pgm) [ -f "$1.bad" ] && exit 3; echo "Trang";; esac\n'
    )
    budget = Budget(ReadLimits())
    result = recognise(b"%PDF-1.4", [(0, 595.0, 842.0)], tools=tools, budget=budget)
    assert result.texts == {0: "Trang\n"}
    tools = _fake_tools(tmp_path, 'echo "cannot read image" >&2; exit 3\n')
    result = recognise(b"%PDF-1.4", [(0, 595.0, 842.0)], tools=tools, budget=budget)
    assert result.texts == {0: None}
    assert result.failures == ["page 1: tesseract exited with 3: cannot read image"]


def test_a_page_still_running_when_the_time_is_up_is_refused(tmp_path: Path) -> None:
    tools = _fake_tools(tmp_path, "sleep 10\n")
    with pytest.raises(IngestError) as caught:
        recognise(
            b"%PDF-1.4",
            [(0, 595.0, 842.0)],
            tools=tools,
            budget=Budget(ReadLimits(max_seconds=0.5)),
        )
    assert caught.value.code == "too_slow"


# --- what OCR reads, tidied -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Thực hiện Quyết định số 15l1/QĐ-UBND ngày 3O/7/2020",
            "Thực hiện Quyết định số 1511/QĐ-UBND ngày 30/7/2020",
        ),
        ("Hiệp Hòa, ngày 20 tháng!0 năm 2020", "Hiệp Hòa, ngày 20 tháng 10 năm 2020"),
        ("Thực hiện Công văn sô 1 115/SGDĐT-KTKĐCLGD", "Thực hiện Công văn số 1115/SGDĐT-KTKĐCLGD"),
        ("toàn diện GD&ĐÐT.", "toàn diện GD&ĐT."),
        ("Số: 45/KH-UBNĐ", "Số: 45/KH-UBND"),
        ("Quyết định số 12/0Đ-UBND", "Quyết định số 12/QĐ-UBND"),
        ("năm 2020! Đạt 100%.", "năm 2020! Đạt 100%."),  # a "!" that ends a sentence stays
        ("COVID-19, lớp 10A1, Online", "COVID-19, lớp 10A1, Online"),
    ],
)
def test_numbers_dates_and_codes_misread_by_ocr_are_corrected(raw: str, expected: str) -> None:
    assert tidy(raw)[0] == expected


def test_a_code_is_changed_only_into_the_one_known_code_it_could_be() -> None:
    assert fix_code("UBNĐ") == "UBND"
    assert fix_code("KTKDCLGD") is None  # a unit's own code: not in the tables, left alone
    assert fix_code("PGDĐT") is None  # already known


def test_section_numbers_misread_are_put_right_by_their_neighbours() -> None:
    raw = "Phần L. Các nhiệm vụ\n1. Một việc.\n2, Hai việc.\n3. Ba việc.\nHI. Công tác báo cáo\nIL TỔ CHỨC THỰC HIỆN\n"
    text, corrections = tidy(raw)
    assert text.splitlines() == [
        "Phần I. Các nhiệm vụ",
        "1. Một việc.",
        "2. Hai việc.",
        "3. Ba việc.",
        "III. Công tác báo cáo",
        "II. TỔ CHỨC THỰC HIỆN",
    ]
    assert corrections == ["L. -> I.", "HI. -> III.", "IL -> II.", "2, -> 2."]


def test_wrapped_lines_of_a_paragraph_are_joined_and_the_header_kept_apart() -> None:
    page = (
        "UBND HUYỆN AN BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 37/KH-PGDĐT An Bình, ngày 14 tháng 9 năm 2024\n"
        "KẾ HOẠCH\n\n"
        "1. Kiểm tra việc thực hiện chương trình giáo dục phổ thông ở các trường\n"
        "tiểu học và trung học cơ sở trên địa bàn huyện; kiểm tra hồ sơ chuyên\n"
        "môn của giáo viên theo kế hoạch đã ban hành của Phòng Giáo dục và Đào\n"
        "tạo.\n"
        "2. Kiểm tra công tác phổ cập giáo dục.\n"
    )
    assert reflow(page).splitlines() == [
        "UBND HUYỆN AN BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 37/KH-PGDĐT An Bình, ngày 14 tháng 9 năm 2024",
        "KẾ HOẠCH",
        "",
        "1. Kiểm tra việc thực hiện chương trình giáo dục phổ thông ở các trường tiểu học và "
        "trung học cơ sở trên địa bàn huyện; kiểm tra hồ sơ chuyên môn của giáo viên theo kế "
        "hoạch đã ban hành của Phòng Giáo dục và Đào tạo.",
        "2. Kiểm tra công tác phổ cập giáo dục.",
    ]


# --- with the programs ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_scanned_plan_is_read_page_by_page_with_progress(ocr: Tools) -> None:
    # Given a plan we wrote, printed and scanned twice: no text layer, two pages; and a limit
    # of one page of OCR (the tests keep OCR short)
    scan = SCAN_PLAN.read_bytes()
    calls: list[tuple[str, int, int]] = []
    # When it is read
    result = read_document(
        pdf_of(scan, scan),
        limits=ReadLimits(max_ocr_pages=1),
        progress=lambda *a: calls.append(a),
    )
    # Then the text comes from OCR, page by page, up to the limit, and says so
    assert calls[:4] == [("read", 0, 1), ("ocr", 0, 1), ("ocr", 1, 1), ("read", 1, 1)]
    assert (result.source.format, result.source.pages, result.source.ocr) == ("pdf", 2, True)
    assert result.to_dict()["source"]["ocr"] is True
    assert [w.code for w in result.warnings][:2] == ["ocr_used", "ocr_pages_limited"]
    assert result.warnings[0].detail.startswith("pages 1 of 2; Tesseract ")
    assert result.warnings[1].detail == "1 of 2 pages read (max_ocr_pages=1)"
    # And the header, the key tasks and the references are read as from any other document
    doc = result.document
    assert (doc.issuer, doc.issuer_parent, doc.number, doc.date, doc.place) == (
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "UBND HUYỆN AN BÌNH",
        "37/KH-PGDĐT",
        "2024-09-14",
        "An Bình",
    )
    assert (doc.doc_type, doc.title, doc.school_year) == (
        "Kế hoạch",
        "Kiểm tra nội bộ trường học năm học 2024-2025",
        "2024-2025",
    )
    assert [(t.label, t.title) for t in result.tasks] == [
        (
            "1",
            "Kiểm tra việc thực hiện chương trình giáo dục phổ thông 2018 ở các trường tiểu học và trung học cơ sở trên địa bàn huyện",
        ),
        ("2", "Kiểm tra công tác phổ cập giáo dục, xóa mù chữ tại các xã, thị trấn"),
        (
            "3",
            "Tăng cường kiểm tra việc dạy thêm, học thêm; phấn đấu 100% trường tự kiểm tra theo kế hoạch",
        ),
    ]
    assert [c.canonical for c in result.citations] == ["1208/SGDĐT-TTr"]
    assert [t.raw for t in result.targets] == ["100%"]


@pytest.mark.slow
def test_a_scanned_page_inside_a_typed_pdf_is_recognised_alone(ocr: Tools) -> None:
    # Given a typed page (a text layer) followed by a scanned page
    typed = make_pdf([["Phu luc", "Danh sach truong tham gia kiem tra noi bo nam hoc 2024-2025"]])
    result = read_document(pdf_of(typed, SCAN_PLAN.read_bytes()))
    # Then only the scanned page went through OCR, and its text follows the typed page's
    (used,) = [w for w in result.warnings if w.code == "ocr_used"]
    assert used.detail.startswith("pages 2 of 2;")
    assert result.text.startswith("Phu luc\n")
    assert "Số: 37/KH-PGDĐT" in result.text


@pytest.mark.slow
def test_a_scan_with_nothing_written_on_it_says_so(ocr: Tools) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(make_pdf([[]]), filename="blank.pdf")
    assert caught.value.code == "ocr_no_text"


# --- the real scan --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_scan(ocr: Tools) -> IngestResult:
    if not REALDOCS.is_dir():
        pytest.skip(f"no real documents at {REALDOCS}")
    return read_document(REALDOCS / "kh-khao-thi-2020-2021.pdf", limits=ReadLimits(max_ocr_pages=1))


@pytest.mark.slow
def test_the_real_scan_gives_its_number_date_and_issuer(real_scan: IngestResult) -> None:
    # Given a district office's plan, printed, stamped with its number and date, and scanned
    doc = real_scan.document
    # Then its own particulars come out (the stamped "22", "20", "10" included)
    assert (doc.number, doc.symbol, doc.date, doc.place) == (
        "22/KH-PGDĐT",
        "KH-PGDĐT",
        "2020-10-20",
        "Hiệp Hòa",
    )
    assert (doc.issuer, doc.issuer_parent, doc.doc_type) == (
        "PHÒNG GIÁO DỤC & ĐÀO TẠO",
        "UBND HUYỆN HIỆP HÒA",
        "Kế hoạch",
    )
    assert (doc.title, doc.school_year) == ("Khảo thí năm học 2020-2021", "2020-2021")
    # And the references of its first page, misread digits corrected
    assert [c.canonical for c in real_scan.citations][:3] == [
        "1511/QĐ-UBND",
        "1115/SGDĐT-KTKĐCLGD",
        "29-NQ/TW",
    ]
    codes = [w.code for w in real_scan.warnings]
    assert codes[:2] == ["ocr_used", "ocr_pages_limited"]
    assert "ocr_corrected" in codes


@pytest.mark.slow
def test_the_real_scan_gives_its_key_tasks(real_scan: IngestResult) -> None:
    assert [(t.label, t.title) for t in real_scan.tasks] == [
        (
            "1",
            "Tiếp tục thực hiện có hiệu quả Nghị quyết số 29-NQ/TW Hội nghị Trung ương VIII khóa XI về đổi mới căn bản, toàn diện GD&ĐT",
        ),
        (
            "2",
            "Xây dựng, hoàn thiện hệ thống văn bản chỉ đạo, hướng dẫn về công tác thi và đánh giá",
        ),
        (
            "3",
            "Tiếp tục đổi mới theo hướng nâng cao chất lượng, hiệu quả các đợt khảo sát, kiểm tra, thi trong năm học 2020-2021; tuyến sinh năm học 2021-2022 bảo đảm an toàn, nghiêm túc, công bằng, đúng quy chế",
        ),
        ("4", "Thực hiện tốt công tác quản lý văn bằng, chứng chỉ theo quy định"),
    ]


@pytest.mark.slow
def test_a_text_layer_without_diacritics_is_recognised_again(ocr: Tools) -> None:
    # Given a PDF whose own OCR layer lost the diacritics ("UY BAN NHAN DAN", "S6://6-0 /KH- UBND")
    if not REALDOCS.is_dir():
        pytest.skip(f"no real documents at {REALDOCS}")
    result = read_document(
        REALDOCS / "kh150-ubnd-tin-hoc-2017-2020.pdf", limits=ReadLimits(max_ocr_pages=1)
    )
    # Then its first page is recognised again and the header read
    codes = [w.code for w in result.warnings]
    assert codes[:3] == ["ocr_used", "ocr_text_layer_replaced", "ocr_pages_limited"]
    doc = result.document
    # ("ỦY BAN NHÂN DÂN" over "HUYỆN HIỆP HÒA" is one name; "KẺ HOẠCH" is read "KẾ HOẠCH")
    assert (doc.issuer, doc.doc_type, doc.place) == (
        "ỦY BAN NHÂN DÂN HUYỆN HIỆP HÒA",
        "Kế hoạch",
        "Hiệp Hòa",
    )
    assert doc.title is not None
    assert doc.title.startswith("Thực hiện Đề án")
    # The number was written by hand and is not read: none is invented
    assert doc.number is None
