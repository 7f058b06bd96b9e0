"""How much a read may take (ReadLimits), its progress, and the warnings' shape."""

from __future__ import annotations

import io
import json
import time

import pytest

from namhoc.ingest import IngestError, ReaderWarning, ReadLimits, read_document
from namhoc.ingest.messages import CATALOGUE, warning
from namhoc.ingest.tests.helpers import make_pdf

PLAN = (
    "KẾ HOẠCH\nThực hiện nhiệm vụ năm học 2024-2025\n"
    "Căn cứ Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022.\n1. Nhiệm vụ một\n1. Nhiệm vụ hai\n"
).encode()


def pages_sharing_one_stream(count: int) -> bytes:
    """A PDF of ``count`` pages that all draw the same content stream (small file, huge PDF)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets: list[int] = []

    def obj(body: bytes) -> None:
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    obj(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count)
    obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    stream = b"BT /F1 11 Tf 50 780 Td (Ke hoach nam hoc 2024-2025 so 12/KH-UBND) Tj ET"
    obj(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
    page += b"/Resources << /Font << /F1 3 0 R >> >> >>"
    for _ in range(count):
        obj(page)
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(offsets) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_a_pdf_of_100000_pages_is_refused_before_anything_is_extracted() -> None:
    # Given a 15 MB PDF whose 100,000 pages share one content stream
    data = pages_sharing_one_stream(100_000)
    calls: list[tuple[str, int, int]] = []
    # When it is read
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        read_document(data, filename="big.pdf", progress=lambda *a: calls.append(a))
    # Then it is refused at once, saying the limit, without reading any page's text
    assert caught.value.code == "too_many_pages"
    assert "100.000 trang" in caught.value.message_vi
    assert "500 trang" in caught.value.message_vi
    assert "100,000 pages" in caught.value.message_en
    assert "500" in caught.value.message_en
    assert calls == [("read", 0, 1)]
    assert time.monotonic() - started < 30  # a loose bound: extracting would take minutes


def test_page_limit_is_the_callers() -> None:
    data = pages_sharing_one_stream(3)
    assert read_document(data, filename="a.pdf", limits=ReadLimits(max_pages=3)).source.pages == 3
    with pytest.raises(IngestError) as caught:
        read_document(data, filename="a.pdf", limits=ReadLimits(max_pages=2))
    assert caught.value.code == "too_many_pages"


def test_too_much_text_is_refused_with_the_limit_stated() -> None:
    text = ("Kế hoạch năm học 2024-2025. " * 200).encode()
    with pytest.raises(IngestError) as caught:
        read_document(text, filename="a.txt", limits=ReadLimits(max_chars=1000))
    assert caught.value.code == "too_much_text"
    assert "1.000 ký tự" in caught.value.message_vi
    assert "1,000 characters" in caught.value.message_en


def test_too_much_text_in_a_pdf_stops_the_extraction() -> None:
    data = pages_sharing_one_stream(40)  # 40 pages of 45 characters
    with pytest.raises(IngestError) as caught:
        read_document(data, filename="a.pdf", limits=ReadLimits(max_chars=500))
    assert caught.value.code == "too_much_text"


def test_a_read_over_its_time_is_refused() -> None:
    with pytest.raises(IngestError) as caught:
        read_document(PLAN, filename="a.txt", limits=ReadLimits(max_seconds=1e-9))
    assert caught.value.code == "too_slow"
    assert "giây" in caught.value.message_vi
    assert "seconds" in caught.value.message_en


def test_max_bytes_still_overrides_the_limits() -> None:
    with pytest.raises(IngestError) as caught:
        read_document(PLAN, filename="a.txt", limits=ReadLimits(max_bytes=10**6), max_bytes=10)
    assert caught.value.code == "too_large"
    assert read_document(PLAN, filename="a.txt", max_bytes=len(PLAN)).citations


@pytest.mark.parametrize(
    "bad", [{"max_pages": 0}, {"max_chars": -1}, {"max_seconds": 0}, {"max_bytes": True}]
)
def test_limits_must_be_positive(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="positive"):
        ReadLimits(**bad)  # type: ignore[arg-type]


def test_progress_is_reported_by_stage_and_a_failing_callback_does_not_break_the_read() -> None:
    calls: list[tuple[str, int, int]] = []
    read_document(PLAN, filename="a.txt", progress=lambda *a: calls.append(a))
    assert calls == [("read", 0, 1), ("read", 1, 1)] + [("analyse", i, 6) for i in range(1, 7)]

    def broken(stage: str, done: int, total: int) -> None:
        raise RuntimeError("the page that shows progress went away")

    result = read_document(PLAN, filename="a.txt", progress=broken)
    assert [c.canonical for c in result.citations] == ["1112/CT-BGDĐT"]


def test_pdf_pages_and_ocr_are_in_the_source() -> None:
    result = read_document(make_pdf([["Ke hoach nam hoc 2024-2025"] * 3, ["1. Noi dung"]]))
    assert (result.source.pages, result.source.ocr) == (2, False)
    assert result.to_dict()["source"]["pages"] == 2
    assert result.to_dict()["source"]["ocr"] is False
    text = read_document(PLAN, filename="a.txt").to_dict()["source"]
    assert (text["pages"], text["ocr"]) == (None, False)


def test_warnings_are_objects_with_a_code_a_vietnamese_sentence_and_details() -> None:
    # Given a list whose number "1." is repeated
    result = read_document(PLAN, filename="a.txt")
    (repeated,) = result.warnings
    # Then the warning has a stable code, one sentence per code, and the specifics apart
    assert isinstance(repeated, ReaderWarning)
    assert repeated.code == "outline_number_repeated"
    assert repeated.message_vi == CATALOGUE["outline_number_repeated"][0]
    assert repeated.detail.startswith("'1.' repeated at offset ")
    data = json.loads(result.to_json())
    assert data["schema"] == "namhoc.ingest/2"
    assert data["warnings"] == [
        {
            "code": "outline_number_repeated",
            "message": "Có hai mục trùng số thứ tự; các mục vẫn được giữ theo đúng trình tự "
            "trong văn bản.",
            "message_en": "Two items carry the same number; both are kept in the document's order.",
            "detail": repeated.detail,
        }
    ]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_warning_speaks_plain_vietnamese(code: str) -> None:
    vi, en = CATALOGUE[code]
    # A sentence for an education official: Vietnamese, no offsets, no code names.
    assert vi.endswith(".")
    assert en.endswith(".")
    assert "_" not in vi
    assert "offset" not in vi.lower()
    assert any(ch in vi for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    assert warning(code, "x").to_dict() == {
        "code": code,
        "message": vi,
        "message_en": en,
        "detail": "x",
    }
