"""PDF: the text layer, page by page, through PDFium; OCR for scans.

The page count is checked before anything is extracted (a PDF can declare 100,000 pages sharing
one content stream). Each page's text layer is then read, the read's time and character budget
checked between pages.

Scans (:mod:`namhoc.ingest.readers.ocr`): a PDF with (nearly) no text layer is rendered and
recognised page by page, when ``limits.ocr`` is on and Tesseract with its Vietnamese model is
installed (else ``ocr_unavailable``, saying how to install it). The same is done for a text
layer that has lost its Vietnamese diacritics (an old OCR layer: "UY BAN NHAN DAN"), and, in a
PDF that has a text layer, for the pages that have none but carry an image (a scanned annex or
signature page). Recognition stops, with a warning, after ``max_ocr_pages`` pages, or earlier
when the pages still to do would not fit in the read's time. What OCR reads is tidied by
:mod:`namhoc.ingest.ocrtext`.

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
from dataclasses import dataclass, field
from typing import Any

from namhoc.ingest.errors import IngestError
from namhoc.ingest.limits import Budget, ReadLimits, too_much_text
from namhoc.ingest.messages import ReaderWarning, warning
from namhoc.ingest.ocrtext import tidy
from namhoc.ingest.readers import RawText
from namhoc.ingest.readers.legacy import convert, looks_legacy
from namhoc.ingest.readers.ocr import Tools

# Fewer letters than this per page on average, and the PDF is taken to be a scan.
_MIN_LETTERS_PER_PAGE = 10
_LETTER = re.compile(r"[^\W\d_]")
_MAX_ANNOTATION_CHARS = 2000  # per page; more than a stamp, and it is not a stamp
# What a signing system stamps into a blank of the header: a number, a day, a month.
_MAX_BLANK = 60.0  # points between a stamp and the printed text it completes
_STAMP = re.compile(r"\d{1,6}(?:[./-]\d{1,6}){0,2}")
# A text layer that lost its diacritics: Vietnamese words written without them.
_VIETNAMESE_MARKED = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)
_UNMARKED_WORDS = re.compile(
    r"\b(?:cua|va|nam|ngay|thang|theo|thuc|hien|giao|duc|truong|tinh|huyen|nhan|dan|"
    r"hoc|cac|trong|nhung|duoc|viec|ke|hoach)\b",
    re.IGNORECASE,
)
_RESERVE_SECONDS = 5.0  # kept for the analysis after OCR
_IMAGE_SHARE = 0.25  # of the page's area, for an image to make a page "scanned"


@dataclass
class _Box:
    left: float
    bottom: float
    right: float
    top: float


@dataclass
class _Layer:
    texts: list[str] = field(default_factory=list)
    sizes: list[tuple[float, float]] = field(default_factory=list)
    letters: list[int] = field(default_factory=list)
    images: list[bool] = field(default_factory=list)
    stamped: int = 0


def read_pdf(data: bytes, *, budget: Budget | None = None) -> RawText:
    budget = budget or Budget(ReadLimits())
    layer, count = _read_layer(data, budget)
    warnings: list[ReaderWarning] = []
    if looks_legacy("\n".join(layer.texts)):
        layer.texts = [convert(text, "tcvn3") for text in layer.texts]
        warnings.append(warning("legacy_font_converted", "PDF text layer, TCVN3"))
    if layer.stamped:
        warnings.append(warning("pdf_stamped_text", f"{layer.stamped} piece(s) put back"))
    total = sum(layer.letters)
    scan = total < _MIN_LETTERS_PER_PAGE * count
    unmarked = not scan and _lost_diacritics("\n".join(layer.texts))
    if scan or unmarked:
        targets = list(range(count))
    else:
        targets = [
            i for i in range(count) if layer.letters[i] < _MIN_LETTERS_PER_PAGE and layer.images[i]
        ]
    ocr = False
    if targets:
        ocr = _ocr(
            data,
            layer,
            targets=targets,
            budget=budget,
            warnings=warnings,
            scan=scan,
            unmarked=unmarked,
        )
    if scan and sum(len(_LETTER.findall(t)) for t in layer.texts) < _MIN_LETTERS_PER_PAGE:
        raise IngestError(
            "ocr_no_text",
            f"Đã nhận dạng chữ (OCR) bản quét ({count} trang) nhưng không đọc được chữ nào.",
            f"The scan ({count} pages) was recognised (OCR) but no text was found.",
        )
    return RawText(
        text="\n".join(layer.texts), format="pdf", warnings=warnings, pages=count, ocr=ocr
    )


def _read_layer(data: bytes, budget: Budget) -> tuple[_Layer, int]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:  # PDFium reports every kind of damage as its own error
        raise IngestError(
            "bad_pdf",
            f"Không đọc được tệp PDF (tệp hỏng, bị cắt cụt hoặc có mật khẩu): {exc}",
            f"Cannot open the PDF (damaged, truncated or password-protected): {exc}",
        ) from exc
    layer = _Layer()
    chars = 0
    try:
        count = len(document)
        if count == 0:
            raise IngestError("bad_pdf", "Tệp PDF không có trang nào.", "The PDF has no pages.")
        budget.check_pages(count)  # before anything is extracted
        for index in range(count):
            budget.check()
            text, inserted, size, image = _page_text(document, index)
            chars += len(text)
            if chars > 2 * budget.limits.max_chars:  # normalization cannot halve a text
                raise too_much_text(budget.limits.max_chars)
            layer.texts.append(text)
            layer.sizes.append(size)
            layer.letters.append(len(_LETTER.findall(text)))
            layer.images.append(image)
            layer.stamped += inserted
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
    return layer, count


def page_ranges(indices: list[int]) -> str:
    """0-based page indices as 1-based ranges: [0, 1, 2, 4] -> "1-3, 5"."""
    parts: list[str] = []
    for index in sorted(indices):
        if parts and parts[-1].split("-")[-1] == str(index):
            first = parts[-1].split("-")[0]
            parts[-1] = f"{first}-{index + 1}"
        else:
            parts.append(str(index + 1))
    return ", ".join(parts)


def _lost_diacritics(text: str) -> bool:
    """A Vietnamese text layer without its diacritics (an old OCR layer, a lossy converter)."""
    sample = text[:100_000]
    letters = len(_LETTER.findall(sample))
    if letters < 200:
        return False
    marked = len(_VIETNAMESE_MARKED.findall(sample))
    words = len(_UNMARKED_WORDS.findall(sample))
    return marked < 0.02 * letters and words >= max(10, letters // 200)


def _ocr(
    data: bytes,
    layer: _Layer,
    *,
    targets: list[int],
    budget: Budget,
    warnings: list[ReaderWarning],
    scan: bool,
    unmarked: bool,
) -> bool:
    """Recognise the ``targets`` pages into ``layer``; whether any text came from OCR."""
    from namhoc.ingest.readers.ocr import recognise

    tools = _tools(len(layer.texts), targets, budget, warnings, scan=scan, unmarked=unmarked)
    if tools is None:
        return False
    chosen = targets[: budget.limits.max_ocr_pages]
    pages = [(i, *layer.sizes[i]) for i in chosen]
    result = recognise(data, pages, tools=tools, budget=budget, reserve=_RESERVE_SECONDS)
    done = [i for i in chosen if result.texts.get(i) is not None]
    corrections: list[str] = []
    for index in done:
        text, fixed = tidy(result.texts[index] or "")
        layer.texts[index] = text
        corrections.extend(fixed)
    if done:
        count = len(layer.texts)
        where = "all pages" if len(done) == count else f"pages {page_ranges(done)}"
        dpi = "/".join(str(d) for d in sorted(result.dpi))
        detail = f"{where} of {count}; Tesseract {tools.version} (vie), {dpi} dpi"
        warnings.append(warning("ocr_used", detail))
        if unmarked:
            warnings.append(warning("ocr_text_layer_replaced", f"{len(done)} of {count} pages"))
        if len(targets) > len(chosen) or result.skipped:
            why = "time limit" if result.skipped else f"max_ocr_pages={budget.limits.max_ocr_pages}"
            detail = f"{len(done)} of {len(targets)} pages read ({why})"
            warnings.append(warning("ocr_pages_limited", detail))
    if result.failures:
        warnings.append(warning("ocr_page_failed", "; ".join(result.failures)))
    if corrections:
        unique = list(dict.fromkeys(corrections))
        more = f" (+{len(unique) - 12} more)" if len(unique) > 12 else ""
        warnings.append(warning("ocr_corrected", "; ".join(unique[:12]) + more))
    return bool(done)


def _tools(
    count: int,
    targets: list[int],
    budget: Budget,
    warnings: list[ReaderWarning],
    *,
    scan: bool,
    unmarked: bool,
) -> Tools | None:
    """The OCR programs, when OCR is on and they are installed. A scan without them is refused;
    other pages without them are named in a warning."""
    from namhoc.ingest.readers.ocr import find_tools

    if not budget.limits.ocr:
        if scan:
            raise IngestError(
                "no_text_layer",
                f"Tệp PDF ({count} trang) không có lớp chữ (có lẽ là bản quét) và việc nhận dạng "
                "chữ (OCR) đang tắt. Hãy gửi bản Word hoặc PDF xuất từ Word.",
                f"The PDF ({count} pages) has no text layer (probably a scan) and OCR is turned "
                "off. Send the Word file or a PDF exported from Word.",
            )
        if unmarked:
            warnings.append(warning("text_layer_unmarked", "OCR turned off"))
        return None
    try:
        return find_tools()
    except IngestError:
        if scan:
            raise
        if unmarked:
            warnings.append(warning("text_layer_unmarked", "OCR not available"))
        else:
            warnings.append(warning("ocr_unavailable_pages", f"pages {page_ranges(targets)}"))
        return None


def _page_text(document: Any, index: int) -> tuple[str, int, tuple[float, float], bool]:
    """The page's text, how many stamped pieces went in, its size in points, and whether it is
    an image with (almost) no text on it: a scanned page."""
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        size = page.get_size()
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            count = textpage.count_chars()
        finally:
            textpage.close()
        image = count < 4 * _MIN_LETTERS_PER_PAGE and _has_image(page, size)
        has_annotations = pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0
        if not has_annotations or len(text) != count or not text.strip():
            return text, 0, size, image
        if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) != 1:
            return text, 0, size, image
    finally:
        page.close()
    page = document[index]  # reloaded: flattening takes effect on a fresh page object
    try:
        textpage = page.get_textpage()
        try:
            stamped_text, inserted = _with_stamps(textpage, text, count)
            return stamped_text, inserted, size, image
        finally:
            textpage.close()
    finally:
        page.close()


def _has_image(page: Any, size: tuple[float, float]) -> bool:
    """Whether an image covers a good part of the page (a scan, not a logo)."""
    import pypdfium2.raw as pdfium_c

    area = max(size[0] * size[1], 1.0)
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = image.get_bounds()
        if (right - left) * (top - bottom) >= _IMAGE_SHARE * area:
            return True
    return False


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
