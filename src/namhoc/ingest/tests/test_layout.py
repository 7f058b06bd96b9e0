# ruff: noqa: E501  (tables of exact expected values read better one per line)
"""Where a formal document's own text lies: after its header block, outside its closing block."""

from __future__ import annotations

import re
import shutil
from functools import cache

import pytest

from namhoc.ingest import IngestResult, ReadLimits, read_document
from namhoc.ingest.model import OutlineNode
from namhoc.ingest.readers.pdf import read_pdf
from namhoc.ingest.tests.helpers import make_pdf, shared_dir

PLAN = """UBND HUYỆN AN BÌNH
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
Số: 15/KH-PGDĐT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
An Bình, ngày 05 tháng 9 năm 2024
KẾ HOẠCH
Thực hiện nhiệm vụ năm học 2024-2025
Căn cứ Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022 của Bộ trưởng Bộ GDĐT;
Phòng GDĐT xây dựng kế hoạch như sau:
I. NHIỆM VỤ TRỌNG TÂM
1. Rà soát mạng lưới trường lớp, huy động 100% trẻ 5 tuổi ra lớp.
2. Giao Tổ chuyên môn chủ trì, phối hợp với các trường bồi dưỡng giáo viên.
II. TỔ CHỨC THỰC HIỆN
Các trường báo cáo về Phòng trước ngày 20/5/2025./.
Nơi nhận:
- Sở GDĐT (b/c);
- Các trường (th/h);
- Lưu: VT.
KT. TRƯỞNG PHÒNG
PHÓ TRƯỞNG PHÒNG
(Đã ký)
Nguyễn Văn An
PHỤ LỤC
DANH MỤC TRƯỜNG ĐẠT CHUẨN
1. Trường Mầm non An Bình
2. Trường Tiểu học An Bình
"""


def _titles(nodes: list[OutlineNode]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.append(f"{node.label} {node.title}".strip())
        out.extend(_titles(node.children))
    return out


def test_outline_lies_between_the_header_block_and_the_closing_block() -> None:
    # Given a plan with its header block, body, signature block and an annex
    result = read_document(PLAN.encode("utf-8"), filename="kh.txt")
    text = result.text
    # Then the header ends after the title; "Căn cứ ..." starts the body
    assert result.header is not None
    assert text[result.header.start : result.header.end].endswith("năm học 2024-2025")
    # And the closing block runs from "Nơi nhận:" to the signer's name
    assert result.closing is not None
    closing = text[result.closing.start : result.closing.end]
    assert closing.startswith("Nơi nhận:")
    assert closing.endswith("Nguyễn Văn An")
    # And the outline has the body's sections and the annex, nothing from either block
    assert _titles(result.outline) == [
        "I. NHIỆM VỤ TRỌNG TÂM",
        "1. Rà soát mạng lưới trường lớp, huy động 100% trẻ 5 tuổi ra lớp.",
        "2. Giao Tổ chuyên môn chủ trì, phối hợp với các trường bồi dưỡng giáo viên.",
        "II. TỔ CHỨC THỰC HIỆN",
        "PHỤ LỤC",
        "DANH MỤC TRƯỜNG ĐẠT CHUẨN",
        "1. Trường Mầm non An Bình",
        "2. Trường Tiểu học An Bình",
    ]
    assert [t.label for t in result.tasks] == ["1", "2"]
    doc = result.document
    assert (doc.number, doc.title, doc.signer) == (
        "15/KH-PGDĐT",
        "Thực hiện nhiệm vụ năm học 2024-2025",
        doc.signer,
    )
    assert doc.signer is not None
    assert (doc.signer.title, doc.signer.name) == (
        "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG",
        "Nguyễn Văn An",
    )
    assert [(t.raw, t.kind) for t in result.targets] == [("100%", "target")]
    assert [(a.lead, a.support) for a in result.assignments] == [
        (["Tổ chuyên môn"], ["các trường"])
    ]
    assert result.to_dict()["closing"] == {
        "start": result.closing.start,
        "end": result.closing.end,
    }


def test_a_decision_keeps_its_authority_line_and_enacting_word_out_of_the_outline() -> None:
    text = (
        "TRƯỜNG THCS AN BÌNH\nSố: 07/QĐ-THCS\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nAn Bình, ngày 02 tháng 10 năm 2024\nQUYẾT ĐỊNH\n"
        "V/v thành lập tổ kiểm tra nội bộ\nHIỆU TRƯỞNG TRƯỜNG THCS AN BÌNH\n"
        "Căn cứ Thông tư số 32/2020/TT-BGDĐT ngày 15/9/2020 của Bộ trưởng Bộ GDĐT;\n"
        "QUYẾT ĐỊNH:\nĐiều 1. Thành lập tổ kiểm tra nội bộ.\nĐiều 2. Quyết định có hiệu lực từ ngày ký.\n"
        "Nơi nhận: - Như Điều 2; - Lưu VT. | HIỆU TRƯỞNG (Đã ký) Trần Thị Bình\n"
    )
    result = read_document(text.encode("utf-8"), filename="qd.txt")
    assert _titles(result.outline) == [
        "Điều 1 Thành lập tổ kiểm tra nội bộ.",
        "Điều 2 Quyết định có hiệu lực từ ngày ký.",
    ]
    signer = result.document.signer
    assert signer is not None
    assert (signer.title, signer.name) == ("HIỆU TRƯỞNG", "Trần Thị Bình")
    assert [c.canonical for c in result.citations] == ["32/2020/TT-BGDĐT"]


def test_chapters_hold_articles_and_take_the_title_on_the_next_line() -> None:
    text = (
        "Điều 1. Ban hành kèm theo Thông tư này Quy định.\nĐiều 2. Hiệu lực.\n"
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\n1. Văn bản này quy định.\n"
        "Chương II\nTỔ CHỨC THỰC HIỆN\nĐiều 2. Trách nhiệm\n"
    )
    result = read_document(text.encode("utf-8"), filename="tt.txt")
    assert [(n.label, n.title, [c.label for c in n.children]) for n in result.outline] == [
        ("Điều 1", "Ban hành kèm theo Thông tư này Quy định.", []),
        ("Điều 2", "Hiệu lực.", []),
        ("Chương I", "QUY ĐỊNH CHUNG", ["Điều 1"]),
        ("Chương II", "TỔ CHỨC THỰC HIỆN", ["Điều 2"]),
    ]


def test_shares_of_exam_marks_are_not_targets() -> None:
    text = (
        "1. Nội dung lớp 12 (khoảng 80 %)\n2. Cấu trúc đề thi\n"
        "Phần II. Tự luận (30% tổng số điểm), khoảng 5% - 10 % kiến thức lớp 11.\n"
        "Phấn đấu 95% học sinh đạt yêu cầu.\n"
    )
    result = read_document(text.encode("utf-8"), filename="hd.txt")
    assert [t.raw for t in result.targets] == ["95%"]


def test_a_purpose_word_is_not_part_of_the_lead_unit() -> None:
    text = (
        "Nếu có vướng mắc, các Bộ, ngành, địa phương phản ánh về Bộ Giáo dục và Đào tạo để chủ trì, "
        "phối hợp với Bộ Tài chính nghiên cứu, giải quyết.\n"
    )
    result = read_document(text.encode("utf-8"), filename="a.txt")
    assert [(a.lead, a.support) for a in result.assignments] == [
        (["Bộ Giáo dục và Đào tạo"], ["Bộ Tài chính"])
    ]


def test_pdf_numbers_stamped_in_signature_fields_are_put_back() -> None:
    # Given a PDF whose number and day are drawn in signature-field widgets over the blanks,
    # and a signing time drawn far from any line of text
    lines = ["So:          /KH-PGD", "Hiep Hoa, ngay        thang 10 nam 2020", "Noi dung"]
    pdf = make_pdf([lines], stamps=[(0, 72, 0, "21"), (0, 135, 1, "12"), (0, 400, 2, "2020")])
    # When its text is read
    raw = read_pdf(pdf)
    # Then the stamps are in their lines; the stray one is left out; a warning says so
    assert raw.text.replace("\r\n", "\n") == (
        "So: 21/KH-PGD\nHiep Hoa, ngay 12 thang 10 nam 2020\nNoi dung"
    )
    assert [(w.code, w.detail) for w in raw.warnings] == [
        ("pdf_stamped_text", "2 piece(s) put back")
    ]


def test_pdf_without_stamps_is_read_as_before() -> None:
    raw = read_pdf(make_pdf([["So:    /KH-PGD", "Noi dung"]]))
    assert raw.text.replace("\r\n", "\n") == "So: /KH-PGD\nNoi dung"
    assert raw.warnings == []


REALDOCS = shared_dir() / "realdocs"
needs_realdocs = pytest.mark.skipif(
    not REALDOCS.is_dir(), reason=f"no real documents at {REALDOCS}"
)
HAS_SOFFICE = shutil.which("soffice") is not None


@cache
def real(name: str) -> IngestResult:
    return read_document(REALDOCS / name)


FIRST_SECTIONS = {
    "kh-phap-che-2020-2021.pdf": ["I. NHIỆM VỤ CHUNG", "II. NHIỆM VỤ CỤ THỂ", "III. TỔ CHỨC THỰC HIỆN", "DANH SÁCH CÁN BỘ PHỤ TRÁCH CÔNG TÁC PHÁP CHẾ CỦA NHÀ"],
    "kh-tuyen-sinh-2020-2021.pdf": ["I. Mục đích, yêu cầu", "II. Nội dung", "III. TỔ CHỨC THỰC HIỆN", "ĐƠN XIN DỰ TUYỂN VÀO LỚP.........."],
    "kh-tu-danh-gia-2020-2021.pdf": ["I. Nhiệm vụ trọng tâm.", "I. Nhiệm vụ cụ thể", "II. Công tác đánh giá ngoài"],
    "cv-bao-cao-csdl-2020-2021.pdf": ["1. Căn cứ và hướng dẫn thực hiện báo cáo", "2. Yêu cầu và tiến độ thực hiện báo cáo", "3. Khắc phục một số tồn tại"],
    "cv348-dieu-chinh-day-hoc-2019-2020.pdf": ["1. Hướng dẫn điều chỉnh nội dung dạy học ban hành kèm theo Công văn này", "2. Đối với các môn học tự chọn Tiếng Anh, Tin học các trường chủ động", "3. Nhà trường không tổ chức dạy học và kiểm tra, đánh giá vào các bài hoặc"],
    "hd-on-thi-hsg-2020-2021.pdf": ["1. Nội dung thi học sinh giỏi văn hóa cấp tỉnh năm học 2020 - 2021", "2. Đề thi bám sát chuẩn kiến thức kĩ năng môn học, chú trọng các câu", "3. Các đơn vị chỉ đạo các tổ/nhóm chuyên môn nghiên cứu, thảo luận", "NỘI DUNG ÔN TẬP VÀ CẤU TRÚC ĐỀ THI"],
    "hd06-cdn-2017.doc": ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG VÀ HÌNH THỨC", "III. TỔ CHỨC THỰC HIỆN"],
    "thong-tu-30.doc": ["Điều 1", "Điều 2", "Điều 3", "Chương I QUY ĐỊNH CHUNG"],
    "ttlt-42-2013.doc": ["Điều 1 Phạm vi điều chỉnh và đối tượng áp dụng", "Điều 2 Ưu tiên nhập học và tuyển sinh"],
}  # fmt: skip
FORMAL = [*sorted(FIRST_SECTIONS), "qd-cong-nhan-kq-2015-2016.doc"]


def _needs(name: str) -> list[pytest.MarkDecorator]:
    marks = [needs_realdocs]
    if name.endswith(".doc"):
        marks.append(pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed"))
    return marks


@pytest.mark.parametrize("name", [pytest.param(n, marks=_needs(n)) for n in sorted(FIRST_SECTIONS)])
def test_real_outline_starts_with_the_body_sections(name: str) -> None:
    roots = [f"{n.label} {n.title}".strip() for n in real(name).outline]
    expected = FIRST_SECTIONS[name]
    if name == "thong-tu-30.doc":
        roots = [r.split(". ")[0] if r.startswith("Điều") else r for r in roots]
        roots = [r[: len("Điều 1")] if r.startswith("Điều") else r for r in roots]
    assert roots[: len(expected)] == expected


_HEADER_OR_CLOSING = re.compile(
    r"CỘNG HÒA XÃ HỘI|Độc lập - Tự do|^Số\s*:|^(?:UBND|ỦY BAN NHÂN DÂN) (?:HUYỆN|TỈNH)|"
    r"^(?:PHÒNG|SỞ|BỘ) GIÁO DỤC|^(?:KẾ HOẠCH|QUYẾT ĐỊNH|THÔNG TƯ(?: LIÊN TỊCH)?|HƯỚNG DẪN)$|"
    r"^(?:KT|TM|TL)\.|^(?:PHÓ )?(?:TRƯỞNG PHÒNG|GIÁM ĐỐC|HIỆU TRƯỞNG|THỨ TRƯỞNG)$|"
    r"^Nơi nhận|^Lưu\s*:?\s*VT|^Như trên|^Phạm Văn Hà$|^Bạch Đăng Khoa$"
)


@pytest.mark.parametrize("name", [pytest.param(n, marks=_needs(n)) for n in FORMAL])
def test_real_header_and_closing_lines_are_never_sections_or_tasks(name: str) -> None:
    result = real(name)
    assert result.header is not None
    assert result.closing is not None
    assert result.document.signer is not None
    nodes: list[OutlineNode] = []
    stack = list(result.outline)
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.children)
    offenders = [n.title for n in nodes if _HEADER_OR_CLOSING.search(n.title)]
    assert offenders == []
    for node in nodes:
        assert node.start >= result.header.end
        assert not result.closing.start <= node.start < result.closing.end
    for task in result.tasks:
        assert result.header.end <= task.start
        assert task.end <= result.closing.start


@needs_realdocs
@pytest.mark.parametrize(
    ("name", "number", "date", "signer"),
    [
        ("cv348-dieu-chinh-day-hoc-2019-2020.pdf", "348/SGDĐT-GDTH", "2020-04-08", ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Bạch Đăng Khoa")),
        ("hd-on-thi-hsg-2020-2021.pdf", "1209/SGDĐT-GDTrH&GDTX", "2020-10-14", ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Bạch Đăng Khoa")),
        ("kh-tuyen-sinh-2020-2021.pdf", "12/KH-PGD&ĐT", "2020-07-09", ("TRƯỞNG PHÒNG", "Phạm Văn Hà")),
    ],
)  # fmt: skip
def test_real_stamped_numbers_dates_and_signers(
    name: str, number: str, date: str, signer: tuple[str, str]
) -> None:
    doc = real(name).document
    assert doc.signer is not None
    assert (doc.number, doc.date, (doc.signer.title, doc.signer.name)) == (number, date, signer)


@needs_realdocs
def test_real_ocr_layer_without_stamps_keeps_its_warnings() -> None:
    # An OCR'd scan (no diacritics) whose signature box is off the text lines: nothing put back
    result = read_document(
        REALDOCS / "kh150-ubnd-tin-hoc-2017-2020.pdf", limits=ReadLimits(ocr=False)
    )
    assert not any(w.code == "pdf_stamped_text" for w in result.warnings)
    assert result.document.number is None
    # and the reader says the layer lost its diacritics (with OCR on, it is read again)
    assert [w.detail for w in result.warnings if w.code == "text_layer_unmarked"] == [
        "OCR turned off"
    ]
