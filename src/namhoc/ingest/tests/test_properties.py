"""No input crashes the reader: whatever comes in, a result or an IngestError comes out."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namhoc.ingest import IngestError, IngestResult, read_document
from namhoc.ingest.citations import find_citations
from namhoc.ingest.normalize import normalize_text
from namhoc.ingest.tests.helpers import make_docx, para

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIECES = [
    "Số: ", "/", "-", "/KH-", "UBND", "TT-BGDĐT", "2018", "17, 18, ", "ngày ", "tháng ", "năm ",
    "19/8/2022", "1.", "I.", "a)", "- ", "+ ", "\n", "\n\n", "\u00a0", "Kính gửi:", "V/v ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "chủ trì", "phối hợp với ", "giao ", "Sở GDĐT ", "%",
    "100", "năm học 2022-2023", "chủ đề năm học “", "”", "Bảy nhiệm vụ trọng tâm:", "Tin liên quan",
    "Lượt xem: 1", "Thứ 5 Ngày 14/5/2020", "ĐT", "&", " ", "0", "9", "hoá", "uỷ",
]  # fmt: skip
adversarial = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=120).map(
    "".join
)


def _read(data: bytes, filename: str) -> IngestResult | None:
    try:
        result = read_document(data, filename=filename, max_bytes=1 << 20)
    except IngestError as error:
        message = (error.code, error.message_vi, error.message_en)
        if not all(message):
            raise AssertionError(f"an IngestError without a clear message: {message}") from error
        return None
    _check_spans(result)
    return result


def _check_spans(result: IngestResult) -> None:
    length = len(result.text)
    assert 0 <= result.body.start <= result.body.end <= length
    for citation in result.citations:
        assert 0 <= citation.start < citation.end <= length
        assert result.text[citation.start : citation.end] == citation.raw
    for task in result.tasks:
        assert 0 <= task.start <= task.end <= length
    result.to_json()


@FAST
@given(adversarial)
def test_any_text_is_read_or_refused_clearly(text: str) -> None:
    _read(text.encode("utf-8"), "a.txt")


@FAST
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.html", "x"]))
def test_any_bytes_are_read_or_refused_clearly(data: bytes, filename: str) -> None:
    _read(data, filename)


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["word/document.xml", "word/numbering.xml", "word/styles.xml", "x.bin"]),
        st.one_of(st.binary(max_size=500), adversarial.map(lambda t: t.encode("utf-8"))),
        max_size=4,
    )
)
def test_any_zip_is_read_or_refused_clearly(entries: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    _read(buffer.getvalue(), "a.docx")


@FAST
@given(adversarial, st.integers(min_value=0, max_value=2000))
def test_truncated_docx_is_read_or_refused_clearly(text: str, cut: int) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    data = make_docx(para(escaped) + para("Kế hoạch năm học 2024-2025"))
    _read(data[: max(1, len(data) - cut)], "a.docx")


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["1", "/", "-", " ", "\n", "A", "Đ", "2018", "TT", "Chủ tịch ", "ngày "]),
    st.integers(min_value=1000, max_value=20000),
)
def test_long_runs_of_digits_and_slashes_stay_linear(piece: str, count: int) -> None:
    text = normalize_text(piece * count)
    find_citations(text)
    _read(("Số: " + piece * count).encode("utf-8"), "a.txt")


def test_one_huge_line_is_read() -> None:
    line = "Thực hiện Thông tư số 17/2018/TT-BGDĐT, 100% trường đạt chuẩn; " * 5000
    result = _read(line.encode("utf-8"), "a.txt")
    assert result is not None
    assert len(result.citations) == 5000
    assert len(result.targets) == 5000
