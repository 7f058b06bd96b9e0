"""What the reader noticed about a document, said to an education official (issue 11).

The reader stores its warnings with the extraction: as dicts ``{"code", "message",
"message_en", "detail"}`` since the reader speaks codes, as plain English strings in extractions
made before. :func:`reader_notes` turns either into short Vietnamese sentences, one per code,
with how many times it occurred and the specifics of each occurrence in Vietnamese (folded on the
page). Nothing English reaches the page: an old string is recognised by its wording and given
its code's sentence; a detail whose wording is not known is left out rather than shown raw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from namhoc.ingest.messages import CATALOGUE

__all__ = ["ReaderNote", "reader_notes"]

OTHER = "other"
_OTHER_MESSAGE = "Có một lưu ý khác khi đọc văn bản; hãy đối chiếu với bản gốc."


@dataclass
class ReaderNote:
    code: str
    message: str  # one Vietnamese sentence, the same for every warning of the code
    count: int = 0
    details: list[str] = field(default_factory=list)  # Vietnamese, one per occurrence known


Detail = Callable[[re.Match[str]], str]

# code -> (pattern of the reader's detail, its Vietnamese). The reader's details are written for
# developers; these say the same to people. One not matched is not shown.
_DETAILS: dict[str, list[tuple[re.Pattern[str], Detail]]] = {
    "tasks_from_sections": [
        (re.compile(r"^(\d+) items of (“.*”)$"), lambda m: f"{m[1]} mục của phần {m[2]}")
    ],
    "tasks_from_article": [
        (re.compile(r"^(\d+) items of (“.*”)$"), lambda m: f"{m[1]} mục của {m[2]}")
    ],
    "tasks_count_mismatch": [
        (
            re.compile(r"^declared (\d+), listed (\d+)$"),
            lambda m: f"văn bản nêu {m[1]} nhiệm vụ, danh sách có {m[2]} mục",
        )
    ],
    "tasks_not_segmented": [
        (
            re.compile(r"^declared (\d+); (\d+) paragraphs follow$"),
            lambda m: f"văn bản nêu {m[1]} nhiệm vụ; tiếp theo có {m[2]} đoạn",
        ),
        (
            re.compile(r"^declared (\d+); no split fits$"),
            lambda m: f"văn bản nêu {m[1]} nhiệm vụ; không chia được các đoạn",
        ),
    ],
    "tasks_from_paragraphs": [(re.compile(r"^(\d+) paragraphs$"), lambda m: f"{m[1]} đoạn")],
    "legacy_font_converted": [
        (re.compile(r"^(\d+) runs in TCVN3/VNI fonts$"), lambda m: f"{m[1]} đoạn chữ đã chuyển"),
        (re.compile(r"^PDF text layer, TCVN3$"), lambda m: "lớp chữ của tệp PDF (TCVN3)"),
    ],
    "doc_converted": [(re.compile(r"^LibreOffice$"), lambda m: "chuyển bằng LibreOffice")],
    "encoding_guessed": [(re.compile(r"^([\w.-]{1,40})$"), lambda m: f"bảng mã đoán được: {m[1]}")],
    "pdf_stamped_text": [
        (re.compile(r"^(\d+) piece\(s\) put back$"), lambda m: f"{m[1]} chỗ đã ghép lại")
    ],
    "ocr_unavailable_pages": [(re.compile(r"^pages ([\d, –-]+)$"), lambda m: f"các trang {m[1]}")],
    "ocr_used": [
        (
            re.compile(r"^all pages of (\d+);"),
            lambda m: f"nhận dạng cả {m[1]} trang",
        ),
        (
            re.compile(r"^pages ([\d, –-]+) of (\d+);"),
            lambda m: f"nhận dạng các trang {m[1]} trên {m[2]} trang",
        ),
    ],
    "ocr_text_layer_replaced": [
        (re.compile(r"^(\d+) of (\d+) pages$"), lambda m: f"{m[1]}/{m[2]} trang")
    ],
    "ocr_pages_limited": [
        (
            re.compile(r"^(\d+) of (\d+) pages read"),
            lambda m: f"đã nhận dạng {m[1]}/{m[2]} trang",
        )
    ],
    "outline_number_repeated": [
        (
            re.compile(r"^'(.{1,20})' repeated at offset \d+$"),
            lambda m: f"mục số “{m[1]}” lặp lại",
        )
    ],
    # quoted from the document itself (Vietnamese): shown as they are
    "number_blank": [(re.compile(r"^(.{1,200})$"), lambda m: f"dòng “{m[1]}”")],
    "date_incomplete": [(re.compile(r"^(.{1,200})$"), lambda m: f"“{m[1]}”")],
}

# Plain strings written by the reader before it had codes: their code, by their wording.
_OLD: list[tuple[re.Pattern[str], str, Detail | None]] = [
    (
        re.compile(r"^document number left blank: '(.*)'$"),
        "number_blank",
        lambda m: f"dòng “{m[1]}”",
    ),
    (re.compile(r"^document date incomplete: '(.*)'$"), "date_incomplete", lambda m: f"“{m[1]}”"),
    (
        re.compile(r"^outline: number '(.{1,20})' repeated"),
        "outline_number_repeated",
        lambda m: f"mục số “{m[1]}” lặp lại",
    ),
    (
        re.compile(r"^encoding: (\d+) runs in TCVN3/VNI fonts"),
        "legacy_font_converted",
        lambda m: f"{m[1]} đoạn chữ đã chuyển",
    ),
    (re.compile(r"^encoding:"), "encoding_guessed", None),
    (
        re.compile(r"^pdf: (\d+) piece\(s\) of text stamped"),
        "pdf_stamped_text",
        lambda m: f"{m[1]} chỗ đã ghép lại",
    ),
    (
        re.compile(r"^tasks: the document declares (\d+) key tasks; its list has (\d+)"),
        "tasks_count_mismatch",
        lambda m: f"văn bản nêu {m[1]} nhiệm vụ, danh sách có {m[2]} mục",
    ),
    (re.compile(r"^tasks: .*(not segmented|cannot split)"), "tasks_not_segmented", None),
    (re.compile(r"^tasks: .*without numbering them"), "tasks_segmented", None),
    (re.compile(r"nhiệm vụ được lấy từ các mục đánh số"), "tasks_from_sections", None),
]


def _message(code: str) -> str:
    known = CATALOGUE.get(code)
    return known[0] if known else _OTHER_MESSAGE


def _detail(code: str, raw: object) -> str:
    text = " ".join(str(raw or "").split())
    if not text:
        return ""
    for pattern, say in _DETAILS.get(code, []):
        match = pattern.search(text)
        if match:
            return say(match)
    return ""


def _one(warning: Any) -> tuple[str, str]:
    """(code, Vietnamese detail) of one stored warning, new or old."""
    if isinstance(warning, dict):
        code = str(warning.get("code") or OTHER)
        if code not in CATALOGUE:
            code = OTHER
        return code, _detail(code, warning.get("detail"))
    text = " ".join(str(warning or "").split())
    for pattern, code, say in _OLD:
        match = pattern.search(text)
        if match:
            return code, say(match) if say else ""
    return OTHER, ""


def reader_notes(warnings: Iterable[Any] | None) -> list[ReaderNote]:
    """The reader's warnings as notes for people: one per code, in the order first met, with a
    count and the Vietnamese details of the occurrences (each at most once)."""
    notes: dict[str, ReaderNote] = {}
    for warning in warnings or []:
        code, detail = _one(warning)
        note = notes.setdefault(code, ReaderNote(code=code, message=_message(code)))
        note.count += 1
        if detail and detail not in note.details and len(note.details) < 50:
            note.details.append(detail)
    return list(notes.values())
