# ruff: noqa: E501  (tables of exact expected values read better one per line)
"""Readers on files the tests make: docx (numbering, TCVN3, tables), pdf, html, text encodings."""

from __future__ import annotations

import codecs
import io
import shutil
import zipfile

import pytest

from namhoc.ingest import IngestError, ReadLimits, read_document
from namhoc.ingest.tests.helpers import W_NS, make_docx, make_pdf, para, shared_dir

NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4)"/></w:lvl>
  <w:lvl w:ilvl="4"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/>
  <w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
"""


def test_docx_automatic_numbering_is_rebuilt_into_the_outline() -> None:
    # Given a Word file whose list numbers come from numbering.xml, not from the text
    body = "".join(
        [
            para("NHIỆM VỤ CHUNG", num_id=1, ilvl=0),
            para("Nâng cao chất lượng", num_id=1, ilvl=1),
            para("Giáo dục mầm non", num_id=1, ilvl=2),
            para("Giáo dục tiểu học", num_id=1, ilvl=2),
            para("Trẻ 5 tuổi", num_id=1, ilvl=3),
            para("Trẻ 4 tuổi", num_id=1, ilvl=3),
            para("huy động trẻ", num_id=1, ilvl=4),
            para("Phát triển đội ngũ", num_id=1, ilvl=1),
            para("NHIỆM VỤ CỤ THỂ", num_id=1, ilvl=0),
            para("Bắt đầu lại từ năm", num_id=2, ilvl=1),
        ]
    )
    # When it is read
    result = read_document(make_docx(body, numbering=NUMBERING), filename="plan.docx")
    # Then the labels Word would draw are in the text and the outline
    assert result.text.splitlines() == [
        "I. NHIỆM VỤ CHUNG",
        "1. Nâng cao chất lượng",
        "1.1. Giáo dục mầm non",
        "1.2. Giáo dục tiểu học",
        "a) Trẻ 5 tuổi",
        "b) Trẻ 4 tuổi",
        "- huy động trẻ",
        "2. Phát triển đội ngũ",
        "II. NHIỆM VỤ CỤ THỂ",
        "5. Bắt đầu lại từ năm",
    ]
    (first, second) = result.outline
    assert (first.label, first.title, second.label) == ("I.", "NHIỆM VỤ CHUNG", "II.")
    assert [(n.label, [c.label for c in n.children]) for n in first.children] == [
        ("1.", ["1.1.", "1.2."]),
        ("2.", []),
    ]
    assert [c.label for c in first.children[0].children[1].children] == ["a)", "b)"]
    assert result.source.format == "docx"


def test_docx_tcvn3_runs_and_tables_are_read() -> None:
    # Given a header table and a run typed in the legacy .VnTime font (TCVN3 code points)
    table = (
        "<w:tbl><w:tr>"
        f"<w:tc>{para('UBND TỈNH BẮC GIANG')}{para('SỞ GIÁO DỤC VÀ ĐÀO TẠO')}{para('Số: 12/KH-SGDĐT')}</w:tc>"
        f"<w:tc>{para('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')}{para('Bắc Giang, ngày 05 tháng 9 năm 2024')}</w:tc>"
        "</w:tr></w:tbl>"
    )
    legacy = para(
        "C¨n cø Th«ng t\xad sè 17/2018/TT-BGD§T cña Bé Gi¸o dôc vµ §µo t¹o", font=".VnTime"
    )
    data_table = (
        "<w:tbl><w:tr>" + "".join(f"<w:tc>{para(x)}</w:tc>" for x in ("STT", "Chỉ tiêu", "Kết quả"))
        + "</w:tr><w:tr>" + "".join(f"<w:tc>{para(x)}</w:tc>" for x in ("1", "Tỷ lệ trường chuẩn", "66,37%"))
        + "</w:tr></w:tbl>"
    )  # fmt: skip
    body = (
        table
        + para("KẾ HOẠCH")
        + para("Thực hiện nhiệm vụ năm học 2024-2025")
        + legacy
        + data_table
    )
    # When it is read
    result = read_document(make_docx(body), filename="kh.docx")
    # Then the legacy run is Unicode, the header is parsed, table rows are lines
    assert "Căn cứ Thông tư số 17/2018/TT-BGDĐT của Bộ Giáo dục và Đào tạo" in result.text
    assert "Tỷ lệ trường chuẩn | 66,37%" in result.text
    doc = result.document
    assert (doc.issuer, doc.issuer_parent, doc.number, doc.doc_type, doc.date, doc.place) == (
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "UBND TỈNH BẮC GIANG",
        "12/KH-SGDĐT",
        "Kế hoạch",
        "2024-09-05",
        "Bắc Giang",
    )
    assert (doc.title, doc.school_year) == ("Thực hiện nhiệm vụ năm học 2024-2025", "2024-2025")
    assert [c.canonical for c in result.citations] == ["17/2018/TT-BGDĐT"]
    assert [(t.raw, t.value) for t in result.targets] == [("66,37%", 66.37)]
    assert [w.code for w in result.warnings] == ["legacy_font_converted"]


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_zip({"word/document.xml": b"<a>" + b" " * (50 << 20) + b"</a>"}), "zip_bomb"),
        (_zip({f"f{i}.xml": b"x" for i in range(2500)}, zipfile.ZIP_STORED), "zip_bomb"),
        (make_docx(para("Kế hoạch năm học 2024-2025"))[:300], "bad_docx"),
        (_zip({"word/other.xml": b"<a/>"}), "bad_docx"),
        (
            _zip(
                {
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">'
                    b'<!ENTITY b "&a;&a;&a;">]><w:document xmlns:w="' + W_NS.encode() + b'">'
                    b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
                }
            ),
            "unsafe_xml",
        ),
        (_zip({"word/document.xml": b"<w:document><unclosed>"}), "bad_docx"),
    ],
    ids=["ratio-bomb", "entry-count", "truncated", "not-word", "entity-expansion", "bad-xml"],
)
def test_hostile_docx_gets_a_clear_error(data: bytes, code: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(data, filename="x.docx")
    assert caught.value.code == code
    assert caught.value.message_vi
    assert caught.value.message_en


def test_pdf_text_layer_is_read() -> None:
    lines = ["Can cu Chi thi 1112/CT-BGDDT ngay 19/8/2022 cua Bo truong", "1. Muc tieu chung"]
    pdf = make_pdf([lines, ["Thong tu 32/2018/TT-BGDDT ngay 26/12/2018", "2. Nhiem vu cu the"]])
    result = read_document(pdf, filename="a.pdf")
    assert result.source.format == "pdf"
    assert [(c.number, c.canonical, c.date) for c in result.citations] == [
        ("1112/CT-BGDDT", "1112/CT-BGDĐT", "2022-08-19"),
        ("32/2018/TT-BGDDT", "32/2018/TT-BGDĐT", "2018-12-26"),
    ]
    assert [n.label for n in result.outline] == ["1.", "2."]


def test_pdf_without_text_layer_is_refused_clearly_when_ocr_is_off() -> None:
    # (with OCR on, a scan is recognised: see test_ocr.py)
    with pytest.raises(IngestError) as caught:
        read_document(make_pdf([[], []]), filename="scan.pdf", limits=ReadLimits(ocr=False))
    assert caught.value.code == "no_text_layer"
    assert "OCR" in caught.value.message_en


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage", make_pdf([["x" * 80]])[:200]])
def test_broken_pdf_is_refused_clearly(data: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(data, filename="broken.pdf")
    assert caught.value.code in {"bad_pdf", "no_text_layer"}


HTML = """<!doctype html><html><head><title>Cổng thông tin</title><script>var x = "12/2020/TT-BGDĐT";</script></head>
<body><nav><ul><li>Trang chủ</li><li>Tin tức</li></ul></nav>
<div class="clock">Thứ 5 Ngày 14/5/2020, 10:13:21 AM</div>
<article><h1>Sở GDĐT triển khai nhiệm vụ năm học 2024-2025</h1>
<p>Thực hiện Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022 của Bộ trưởng Bộ GDĐT, Sở giao các phòng chủ trì,
phối hợp với các trường rà soát kế hoạch. Phấn đấu 100% trường hoàn thành kế hoạch năm học 2024-2025.</p>
<p>Các trường xây dựng kế hoạch giáo dục theo Thông tư số 32/2018/TT-BGDĐT và báo cáo kết quả về Sở.</p>
</article>
<div>Tin liên quan</div>
<ul><li>Quyết định 2457/QĐ-BGDĐT về kế hoạch năm học 2023-2024 của Bộ Giáo dục và Đào tạo ban hành</li></ul>
<footer>Địa chỉ: Số 1, đường ABC. Lượt xem: 1.234</footer></body></html>"""


def test_html_article_and_furniture() -> None:
    result = read_document(HTML.encode("utf-8"), filename="tin.html")
    body = result.text[result.body.start : result.body.end]
    assert result.source.format == "html"
    assert "Thứ 5 Ngày" not in body
    assert "Tin liên quan" not in body
    assert [c.canonical for c in result.citations] == ["1112/CT-BGDĐT", "32/2018/TT-BGDĐT"]
    assert [c.canonical for c in result.furniture_citations] == ["2457/QĐ-BGDĐT"]
    assert result.document.school_year == "2024-2025"
    assert [(t.raw, t.kind) for t in result.targets] == [("100%", "target")]


SAMPLE = "Kế hoạch năm học 2024-2025.\nThực hiện Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022.\n"


def _cp1258(text: str) -> bytes:
    """Windows-1258 writes a toned letter as its base letter and a combining tone mark."""
    import unicodedata

    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),
        _cp1258(SAMPLE),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "cp1258"],
)
def test_text_encodings_are_detected(data: bytes) -> None:
    result = read_document(data, filename="a.txt")
    assert result.text == SAMPLE
    assert result.document.school_year == "2024-2025"
    assert [c.canonical for c in result.citations] == ["1112/CT-BGDĐT"]


def test_size_cap_is_enforced_before_reading(tmp_path: object) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(b"x" * 2048, filename="a.txt", max_bytes=1024)
    assert caught.value.code == "too_large"


REALDOCS = shared_dir() / "realdocs"
needs_realdocs = pytest.mark.skipif(
    not REALDOCS.is_dir(), reason=f"no real documents at {REALDOCS}"
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: .doc is not read",
)


@needs_realdocs
def test_real_scanned_pdf_has_no_text_layer() -> None:
    # (with OCR on, it is recognised: see test_ocr.py)
    with pytest.raises(IngestError) as caught:
        read_document(REALDOCS / "kh-khao-thi-2020-2021.pdf", limits=ReadLimits(ocr=False))
    assert caught.value.code == "no_text_layer"


@needs_realdocs
@pytest.mark.parametrize(
    ("name", "symbol", "number", "date", "citations"),
    [
        ("kh-phap-che-2020-2021.pdf", "KH-PGD&ĐT", "21/KH-PGD&ĐT", "2020-10-12", ["1147/SGDĐT-TTr", "55/2011/NĐ-CP", "29-NQ/TW", "55/TTLT-BNV-VPCP"]),
        ("kh-tu-danh-gia-2020-2021.pdf", "KH-PGD&ĐT", "20/KH-PGD&ĐT", "2020-10-07", ["1115/SGD&ĐT-KTKĐCLGD", "1436/SGD&ĐT-KTKĐCLGD", "15/KH-UBND", "42/CV-PGD&ĐT", "29-NQ/TW"]),
        ("cv-bao-cao-csdl-2020-2021.pdf", "PGDĐT", "453/PGDĐT", "2020-10-12", ["1154/SGDĐT-VP", "24/2018/TT-BGDĐT", "26/2019/TT-BGDĐT", "24/2018/TT-BGDĐT"]),
        ("kh-tuyen-sinh-2020-2021.pdf", "KH-PGD&ĐT", "12/KH-PGD&ĐT", "2020-07-09", ["03/VBHN-BGDĐT", "782/QĐ-UBND", "616/SGDĐT-KTKĐCLGD", "123/KH-UBND"]),
    ],
)  # fmt: skip
def test_real_pdfs(name: str, symbol: str, number: str, date: str, citations: list[str]) -> None:
    result = read_document(REALDOCS / name)
    # The number and the day are stamped into signature fields by the signing system, not
    # printed in the page's text layer; they are put back at their place in the line.
    assert (result.document.symbol, result.document.number, result.document.date) == (
        symbol,
        number,
        date,
    )
    assert not {"number_blank", "date_incomplete"} & {w.code for w in result.warnings}
    assert [c.canonical for c in result.citations] == citations
    assert result.document.school_year == "2020-2021"


@needs_realdocs
def test_real_docx() -> None:
    result = read_document(REALDOCS / "tai-lieu-teams.docx")
    assert result.source.format == "docx"
    assert result.citations == []


@needs_realdocs
@needs_soffice
def test_real_doc_is_converted_with_libreoffice() -> None:
    result = read_document(REALDOCS / "thong-tu-30.doc")
    doc = result.document
    assert (result.source.format, doc.number, doc.doc_type, doc.date) == (
        "doc",
        "30/2014/TT-BGDĐT",
        "Thông tư",
        "2014-08-28",
    )
    assert "30/2014/TT-BGDĐT" not in [c.canonical for c in result.citations]
    assert [c.canonical for c in result.citations][:3] == [
        "36/2012/NĐ-CP",
        "32/2008/NĐ-CP",
        "75/2006/NĐ-CP",
    ]


def test_doc_without_libreoffice_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(IngestError) as caught:
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, filename="old.doc")
    assert caught.value.code == "doc_needs_libreoffice"
    assert ".docx" in caught.value.message_en


def test_number_split_from_its_symbol_across_lines_is_joined() -> None:
    # Given a PDF-like header where "Số: 21" and "/KH-PGD&ĐT" are on different lines
    text = (
        "UBND HUYỆN HIỆP HÒA\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 21\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n/KH-PGD&ĐT\nHiệp Hòa, ngày 12 tháng 10 năm 2020\nKẾ HOẠCH\n"
        "Thực hiện nhiệm vụ pháp chế năm học 2020-2021\nThực hiện Công văn số 1147/SGDĐT-TTr.\n"
    )
    result = read_document(text.encode("utf-8"), filename="kh.txt")
    doc = result.document
    assert (doc.number, doc.symbol, doc.doc_type, doc.date, doc.issuer) == (
        "21/KH-PGD&ĐT",
        "KH-PGD&ĐT",
        "Kế hoạch",
        "2020-10-12",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
    )
    assert [c.canonical for c in result.citations] == ["1147/SGDĐT-TTr"]
