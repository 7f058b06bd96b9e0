"""PDF: the text layer, page by page, through PDFium. No OCR.

Electronic signing systems (the "ký số" of Vietnamese offices) stamp the document's number and
the day of its date into signature fields: widget annotations drawn over the blank in
"Số:    /KH-..." and "ngày    tháng ...". That text is not in the page's own text layer, so a
page with annotations is also flattened (in memory only) and every annotation character that
sits on a line of page text and is a number ("21", "12", "07") is put back into that line at
its place; other annotation text (the signer's name and the signing time in the signature box,
pieces lying off the lines of text) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from namhoc.ingest.errors import IngestError
from namhoc.ingest.readers import RawText
from namhoc.ingest.readers.legacy import convert_if_legacy

# Fewer letters than this per page on average, and the PDF is taken to be a scan.
_MIN_LETTERS_PER_PAGE = 10
_LETTER = re.compile(r"[^\W\d_]")
_MAX_ANNOTATION_CHARS = 2000  # per page; more than a stamp, and it is not a stamp
# What a signing system stamps into a blank of the header: a number, a day, a month.
_MAX_BLANK = 60.0  # points between a stamp and the printed text it completes
_STAMP = re.compile(r"\d{1,6}(?:[./-]\d{1,6}){0,2}")


@dataclass
class _Box:
    left: float
    bottom: float
    right: float
    top: float


def read_pdf(data: bytes) -> RawText:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:  # PDFium reports every kind of damage as its own error
        raise IngestError(
            "bad_pdf",
            f"Không đọc được tệp PDF (tệp hỏng, bị cắt cụt hoặc có mật khẩu): {exc}",
            f"Cannot open the PDF (damaged, truncated or password-protected): {exc}",
        ) from exc
    pages: list[str] = []
    letters = 0
    stamped = 0
    try:
        count = len(document)
        for index in range(count):
            text, inserted = _page_text(document, index)
            letters += len(_LETTER.findall(text))
            stamped += inserted
            pages.append(text)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(
            "bad_pdf",
            f"Lỗi khi đọc lớp chữ của PDF: {exc}",
            f"Failed while reading the PDF's text layer: {exc}",
        ) from exc
    finally:
        document.close()
    if count == 0:
        raise IngestError("bad_pdf", "Tệp PDF không có trang nào.", "The PDF has no pages.")
    text = "\n".join(pages)
    if letters < _MIN_LETTERS_PER_PAGE * count:
        raise IngestError(
            "no_text_layer",
            f"Tệp PDF ({count} trang) không có lớp chữ (có lẽ là bản quét); namhoc không nhận "
            "dạng chữ (OCR). Hãy gửi bản Word hoặc PDF xuất từ Word.",
            f"The PDF ({count} pages) has no text layer (probably a scan); namhoc does no OCR. "
            "Send the Word file or a PDF exported from Word.",
        )
    text, warnings = convert_if_legacy(text)
    if stamped:
        warnings.append(
            f"pdf: {stamped} piece(s) of text stamped in signature fields (number, date) "
            "put back into their lines"
        )
    return RawText(text=text, format="pdf", warnings=warnings)


def _page_text(document: Any, index: int) -> tuple[str, int]:
    """The page's text (letters counted on it alone) and how many stamped pieces went in."""
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            count = textpage.count_chars()
        finally:
            textpage.close()
        has_annotations = pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0
        if not has_annotations or len(text) != count or not text.strip():
            return text, 0
        if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) != 1:
            return text, 0
    finally:
        page.close()
    page = document[index]  # reloaded: flattening takes effect on a fresh page object
    try:
        textpage = page.get_textpage()
        try:
            return _with_stamps(textpage, text, count)
        finally:
            textpage.close()
    finally:
        page.close()


def _with_stamps(textpage: Any, text: str, count: int) -> tuple[str, int]:
    total = textpage.count_chars()
    if total <= count or total - count > _MAX_ANNOTATION_CHARS:
        return text, 0
    if textpage.get_text_range(0, count) != text:
        return text, 0  # flattening reordered the page: keep what we had
    boxes = [_Box(*textpage.get_charbox(i)) for i in range(count)]
    runs = _runs(textpage, count, total)
    insertions: list[tuple[int, float, str]] = []
    for run_text, box in runs:
        if not _STAMP.fullmatch(run_text):
            continue
        at = _place(text, boxes, box)
        if at is not None:
            insertions.append((at, box.left, run_text))
    if not insertions:
        return text, 0
    insertions.sort()
    parts: list[str] = []
    pos = 0
    for at, _x, stamp in insertions:
        parts.append(text[pos:at])
        before = "".join(parts)[-1:]
        after = text[at : at + 1]
        lead = " " if before and not before.isspace() and before not in "(/" else ""
        trail = " " if after and after.isalnum() else ""
        parts.append(lead + stamp + trail)
        pos = at
    parts.append(text[pos:])
    return "".join(parts), len(insertions)


def _runs(textpage: Any, start: int, end: int) -> list[tuple[str, _Box]]:
    """Runs of annotation characters: split at white space, line ends and wide gaps."""
    runs: list[tuple[str, _Box]] = []
    chars: list[str] = []
    box: _Box | None = None
    for i in range(start, end):
        char = textpage.get_text_range(i, 1)
        if not char or char.isspace():
            if chars and box is not None:
                runs.append(("".join(chars), box))
            chars, box = [], None
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        height = max(top - bottom, 1.0)
        if box is not None and (
            left - box.right > 0.6 * height or abs(bottom - box.bottom) > 0.5 * height
        ):
            runs.append(("".join(chars), box))
            chars, box = [], None
        if box is None:
            box = _Box(left, bottom, right, top)
        else:
            box = _Box(box.left, min(box.bottom, bottom), right, max(box.top, top))
        chars.append(char)
    if chars and box is not None:
        runs.append(("".join(chars), box))
    return runs


def _place(text: str, boxes: list[_Box], run: _Box) -> int | None:
    """Where in ``text`` a run goes: after the nearest character to its left on its line.

    None when no printed character shares its line, or when one lies under it (a stamp fills
    a blank; text drawn over print is something else).
    """
    left_at, left_edge = -1, float("-inf")
    right_at, right_edge = -1, float("inf")
    for i, box in enumerate(boxes):
        char = text[i]
        overlap = min(box.top, run.top) - max(box.bottom, run.bottom)
        if char.isspace() or overlap < 0.5 * min(box.top - box.bottom, run.top - run.bottom):
            continue
        if box.left < run.right - 1 and box.right > run.left + 1:
            return None  # printed text under the run: not a blank filled in by a stamp
        if box.right <= run.left + 1 and box.right > left_edge:
            left_at, left_edge = i, box.right
        elif box.left >= run.right - 1 and box.left < right_edge:
            right_at, right_edge = i, box.left
    if left_at >= 0 and run.left - left_edge > _MAX_BLANK:
        left_at = -1
    if right_at >= 0 and right_edge - run.right > _MAX_BLANK:
        right_at = -1
    if left_at >= 0:
        at = left_at + 1
        while at < len(text) and text[at] in " \t" and boxes[at].left < run.left:
            at += 1
        if right_at >= 0 and at > right_at:
            at = right_at
        return at
    if right_at >= 0:
        return right_at
    return None
