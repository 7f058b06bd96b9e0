"""What the reader tells its user about a document: warnings with a stable code.

Every warning has a ``code`` (stable: callers group and count by it), a short Vietnamese sentence
for an education official (``message_vi``: no offsets, no English, the same sentence for every
warning of that code), its English (``message_en``) and a ``detail`` with the specifics of this
occurrence (which number, which section, which pages), for a reviewer who wants them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# code -> (message_vi, message_en). Codes are part of the JSON schema: add, never rename.
CATALOGUE: dict[str, tuple[str, str]] = {
    "encoding_guessed": (
        "Tệp văn bản không ghi rõ bảng mã; chữ được đọc theo bảng mã đoán được, cần soát lại "
        "dấu tiếng Việt.",
        "The text file does not declare its encoding; it was read with a guessed one. "
        "Check the Vietnamese letters.",
    ),
    "legacy_font_converted": (
        "Văn bản dùng phông chữ cũ (TCVN3, VNI); chữ đã được chuyển sang Unicode.",
        "The document uses legacy fonts (TCVN3, VNI); its text was converted to Unicode.",
    ),
    "doc_converted": (
        "Tệp Word 97-2003 (.doc) đã được chuyển sang định dạng mới để đọc.",
        "The Word 97-2003 file (.doc) was converted to the current format to be read.",
    ),
    "pdf_stamped_text": (
        "Số hoặc ngày của văn bản nằm trong ô chữ ký số và đã được ghép lại vào dòng; cần "
        "đối chiếu với bản gốc.",
        "The number or date was stamped in a digital-signature field and has been put back "
        "into its line. Check it against the original.",
    ),
    "ocr_used": (
        "Văn bản là bản quét; chữ được nhận dạng tự động (OCR) nên có thể sai, cần đối chiếu "
        "với bản gốc.",
        "The document is a scan; its text was recognised automatically (OCR) and may contain "
        "errors. Check it against the original.",
    ),
    "ocr_text_layer_replaced": (
        "Lớp chữ có sẵn trong tệp PDF bị mất dấu tiếng Việt; chữ đã được nhận dạng lại (OCR).",
        "The PDF's own text layer has lost its Vietnamese diacritics; the text was recognised "
        "again (OCR).",
    ),
    "ocr_pages_limited": (
        "Bản quét dài; chỉ các trang đầu được nhận dạng chữ, các trang sau chưa được đọc.",
        "The scan is long; only its first pages were recognised, the rest were not read.",
    ),
    "ocr_page_failed": (
        "Có trang của bản quét không nhận dạng được chữ.",
        "Some pages of the scan could not be recognised.",
    ),
    "ocr_corrected": (
        "Một số ký tự trong số hiệu, ngày tháng bị nhận dạng nhầm (như chữ O với số 0) đã được "
        "sửa tự động; cần đối chiếu với bản gốc.",
        "Characters misread in numbers and dates (such as the letter O for the digit 0) were "
        "corrected automatically. Check them against the original.",
    ),
    "text_layer_unmarked": (
        "Lớp chữ có sẵn trong tệp PDF bị mất dấu tiếng Việt nên nhiều thông tin không đọc được; "
        "cần cài phần mềm nhận dạng chữ (OCR) để đọc lại, hoặc gửi bản Word.",
        "The PDF's own text layer has lost its Vietnamese diacritics, so much of it cannot be "
        "read; OCR software is needed to read it again, or send the Word file.",
    ),
    "ocr_unavailable_pages": (
        "Có trang là ảnh quét nhưng máy chủ chưa cài phần mềm nhận dạng chữ; các trang đó chưa "
        "được đọc.",
        "Some pages are scanned images but no OCR software is installed; those pages were not "
        "read.",
    ),
    "number_blank": (
        "Văn bản để trống số (chưa được cấp số).",
        "The document's number is left blank.",
    ),
    "date_incomplete": (
        "Ngày ban hành của văn bản không đầy đủ.",
        "The document's date is incomplete.",
    ),
    "outline_number_repeated": (
        "Có hai mục trùng số thứ tự; các mục vẫn được giữ theo đúng trình tự trong văn bản.",
        "Two items carry the same number; both are kept in the document's order.",
    ),
    "tasks_count_mismatch": (
        "Số nhiệm vụ trọng tâm văn bản nêu khác với số mục được liệt kê; cần kiểm tra lại.",
        "The number of key tasks the document states differs from the number it lists.",
    ),
    "tasks_segmented": (
        "Các nhiệm vụ trọng tâm không được đánh số; các đoạn văn đã được chia theo số nhiệm vụ "
        "văn bản nêu, cần kiểm tra chỗ bắt đầu của từng nhiệm vụ.",
        "The key tasks are not numbered; the paragraphs were split into the number of tasks the "
        "document states. Check where each task begins.",
    ),
    "tasks_not_segmented": (
        "Văn bản nêu số nhiệm vụ trọng tâm nhưng không đánh số và không chia được thành từng "
        "nhiệm vụ.",
        "The document states a number of key tasks but neither numbers them nor could its "
        "paragraphs be split into them.",
    ),
    "tasks_from_sections": (
        "Văn bản không nêu danh sách nhiệm vụ trọng tâm; các nhiệm vụ được lấy từ các mục "
        "đánh số của văn bản.",
        "The document names no list of key tasks; the tasks were taken from its numbered sections.",
    ),
    "tasks_from_article": (
        "Các nhiệm vụ được lấy từ các mục đánh số của Điều 1 (nội dung được ban hành kèm theo "
        "quyết định).",
        "The tasks were taken from the numbered items of Article 1 (what the decision issues "
        "or approves).",
    ),
    "tasks_from_paragraphs": (
        "Các nhiệm vụ không được đánh số; mỗi đoạn văn mở đầu bằng một việc cần làm được lấy "
        "làm một nhiệm vụ.",
        "The tasks are not numbered; each paragraph that opens with an action was taken as a task.",
    ),
}


@dataclass(frozen=True)
class ReaderWarning:
    """Something the reader noticed: a stable ``code``, the same ``message_vi``/``message_en``
    for every warning of that code, and the specifics of this one in ``detail``."""

    code: str
    message_vi: str
    message_en: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message_vi,
            "message_en": self.message_en,
            "detail": self.detail,
        }

    def __str__(self) -> str:
        return f"{self.message_vi} ({self.detail})" if self.detail else self.message_vi


def warning(code: str, detail: str = "") -> ReaderWarning:
    """The warning of ``code`` (one of :data:`CATALOGUE`) with this occurrence's ``detail``."""
    message_vi, message_en = CATALOGUE[code]
    return ReaderWarning(code, message_vi, message_en, detail)
