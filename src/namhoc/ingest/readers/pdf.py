"""PDF: the text layer, page by page, through PDFium. No OCR."""

from __future__ import annotations

import re

from namhoc.ingest.errors import IngestError
from namhoc.ingest.readers import RawText
from namhoc.ingest.readers.legacy import convert_if_legacy

# Fewer letters than this per page on average, and the PDF is taken to be a scan.
_MIN_LETTERS_PER_PAGE = 10
_LETTER = re.compile(r"[^\W\d_]")


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
    try:
        count = len(document)
        for index in range(count):
            page = document[index]
            textpage = page.get_textpage()
            try:
                pages.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
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
    letters = len(_LETTER.findall(text))
    if letters < _MIN_LETTERS_PER_PAGE * count:
        raise IngestError(
            "no_text_layer",
            f"Tệp PDF ({count} trang) không có lớp chữ (có lẽ là bản quét); namhoc không nhận "
            "dạng chữ (OCR). Hãy gửi bản Word hoặc PDF xuất từ Word.",
            f"The PDF ({count} pages) has no text layer (probably a scan); namhoc does no OCR. "
            "Send the Word file or a PDF exported from Word.",
        )
    text, warnings = convert_if_legacy(text)
    return RawText(text=text, format="pdf", warnings=warnings)
