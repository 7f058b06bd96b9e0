"""Site furniture: what a scraped page carries around the document, and where the body lies.

Lines are classed by patterns seen on Vietnamese portals: clocks and time stamps, greetings,
visitor counters, "Tin liên quan" and the related lists after it, attachments ("Tài liệu đính
kèm: Tải về"), address/phone/e-mail footers, portal statistics. The body runs from the first
line that is not furniture to the last line of prose before the trailing furniture.
"""

from __future__ import annotations

import bisect
import re

from namhoc.ingest.lines import Line, is_upper_line, split_lines
from namhoc.ingest.model import Span

_I = re.IGNORECASE

CLOCK = re.compile(
    r"^(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật)\b.{0,20}?\d{1,2}/\d{1,2}/\d{4}", _I
)
TIMESTAMP = re.compile(
    r"^\(?\s*(?:(?:cập nhật|ngày đăng|đăng ngày|ngày cập nhật)(?: lúc)?\s*:?\s*)?"
    r"\d{1,2}[/-]\d{1,2}[/-]\d{4}\s*[-,|]?\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM|SA|CH)?)?"
    r"\s*\|?\s*\)?$",
    _I,
)
WELCOME = re.compile(r"^(?:chào mừng|welcome)\b", _I)
COUNTER = re.compile(
    r"^(?:lượt xem|lượt truy cập|lượt đánh giá|số lượt (?:xem|truy cập)|đang truy cập|"
    r"đang online|online|hôm nay|hôm qua|tuần này|tuần trước|tháng này|tháng trước|"
    r"tháng \d{1,2}|năm \d{4}|tất cả|tổng (?:số )?lượt truy cập|tổng truy cập|"
    r"thống kê(?: truy cập)?|truy cập|lượt thích)\s*:?\s*[\d.,]*\s*$",
    _I,
)
RELATED = re.compile(
    r"^(?:tin liên quan|bài tin liên quan|bài viết liên quan|tin bài liên quan|"
    r"văn bản liên quan|các tin khác|tin khác|các bài khác|tin cùng chuyên mục|"
    r"tin cùng chủ đề|xem thêm|các văn bản khác|văn bản cùng lĩnh vực|tin đọc nhiều|"
    r"tin xem nhiều|tin mới(?: nhất)?|tin mới đăng|bài mới)\s*:?$",
    _I,
)
FOOTER = re.compile(
    r"^(?:chính phủ điện tử|liên kết website|liên kết web|bản đồ hành chính|"
    r"thư viện (?:ảnh|nhạc|video)|đánh giá\s*:?$|lượt đánh giá|chi tiết$|tải về$|in bài|"
    r"gửi email|chia sẻ|bình luận|trang chủ\b|tài liệu đính kèm|danh sách file|"
    r"file đính kèm|tệp đính kèm|kết quả giải quyết tthc|đến tháng \d+ đã giải quyết|"
    r"số hồ sơ xử lý|trước & đúng hạn|trước và đúng hạn|trễ hạn|"
    r"cổng thông tin điện tử|trang thông tin điện tử|trưởng ban biên tập|ban biên tập|"
    r"địa chỉ\s*:|điện thoại\s*:?|email\s*:|e-mail\s*:|fax\s*:|bản quyền|copyright|©|"
    r"tác giả\s*:|tin,? ảnh\s*:|nguồn\s*:|\[admin\]$|giấy phép\b|chịu trách nhiệm)",
    _I,
)
INTERIOR = re.compile(
    r"^(?:tài liệu đính kèm|danh sách file|file đính kèm|tệp đính kèm|tải về$|lượt xem)", _I
)
# A legal-document mirror's list of related documents: "- 1 Kết luận 12-KL/TW năm 2021 về …",
# "2. Kế hoạch 345/KH-UBND năm 2022 …". Two such lines in a row are furniture, wherever they are.
RELATED_ITEM = re.compile(
    r"^\s*(?:[-•*+]\s*(?:\d{1,3}[.)]?\s+)?|\d{1,3}[.)]?\s+)"
    r"(?:Kết luận|Kế hoạch|Quyết định|Chỉ thị|Thông tư(?: liên tịch)?|Nghị định|Nghị quyết|"
    r"Công văn|Hướng dẫn|Luật|Thông báo|Công điện|Văn bản hợp nhất|Pháp lệnh|Quy định|"
    r"Chương trình|Đề án|Báo cáo|Thông tri)\s+(?:số\s+)?[\w./&-]*\d[\w./&-]*\s+"
    r"năm\s+(?:19|20)\d\d\b"
)
_RELATED_RUN = 2
# RELATED as a whole line anywhere in a text (the heading of a related-news list).
_RELATED_LINE = re.compile(r"^[ \t]*" + RELATED.pattern[1:-1] + r"[ \t]*$", _I | re.MULTILINE)
PERCENT_ONLY = re.compile(r"^\(?[\d.,]+\s*%?\)?$")
_DOC_HEAD_WORDS = re.compile(
    r"UBND|ỦY BAN|SỞ|PHÒNG|BỘ|CỘNG HÒA|ĐẢNG|TRƯỜNG|HỘI ĐỒNG|CHÍNH PHỦ|TỈNH|HUYỆN|XÃ|"
    r"KẾ HOẠCH|QUYẾT ĐỊNH|CHỈ THỊ|HƯỚNG DẪN|THÔNG BÁO|BÁO CÁO|NGHỊ QUYẾT|CÔNG VĂN|THÔNG TƯ"
)


# The same patterns, joined: one match per line instead of one per pattern.
_FURNITURE = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (CLOCK, TIMESTAMP, WELCOME, COUNTER, RELATED, FOOTER)),
    _I,
)
_INTERIOR_LINE = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (INTERIOR, CLOCK, COUNTER, TIMESTAMP)), _I
)


def is_furniture(line: str) -> bool:
    return _FURNITURE.match(line.strip()) is not None


def _is_prose(text: str) -> bool:
    words = len(text.split(None, 13))  # (at most 14 pieces: enough to compare with 12)
    return words > 12 or (words > 6 and text.rstrip()[-1:] in ".;:")


def _head_label(lines: list[Line], index: int) -> bool:
    """A short all-caps category label at the very top ("GIÁO DỤC-Y TẾ")."""
    text = lines[index].stripped
    if (
        not is_upper_line(text)
        or len(text.split()) > 5
        or _DOC_HEAD_WORDS.search(text)
        or re.match(r"^(?:[IVXLC]+|\d+|[A-Z])[.)]", text)
    ):
        return False
    following = next((ln for ln in lines[index + 1 :] if not ln.blank), None)
    return following is not None and not is_upper_line(following.stripped)


def find_body(  # noqa: PLR0912 - one pass, one branch per kind of line
    text: str, article: str | None = None, *, lines: list[Line] | None = None
) -> tuple[Span, list[Span]]:
    """The body span and the furniture spans (head, interior lines, tail) of ``text``
    (``lines``: ``split_lines(text)``, when the caller has them)."""
    lines = split_lines(text) if lines is None else lines
    if not lines or not text.strip():
        return Span(0, len(text), "body"), []
    mirror = _related_lists(lines)
    first = 0
    seen_content = 0
    while first < len(lines):
        line = lines[first]
        stripped = line.stripped
        if line.blank or (
            seen_content == 0
            and (
                CLOCK.match(stripped)
                or TIMESTAMP.match(stripped)
                or WELCOME.match(stripped)
                or COUNTER.match(stripped)
                or FOOTER.match(stripped)
                or RELATED.match(stripped)
                or first in mirror
                or (first < 3 and _head_label(lines, first))
            )
        ):
            first += 1
            continue
        break
    if first >= len(lines):
        return Span(0, len(text), "body"), []
    # The related-documents list: everything after such a heading (after three lines of
    # content) is furniture.
    tail = len(lines)
    third = _nth_content_line(lines, first, 3)
    if third is not None:
        related = _RELATED_LINE.search(text, lines[third].end)
        if related is not None:
            starts = [ln.start for ln in lines]
            tail = bisect.bisect_right(starts, related.start()) - 1
    # Trailing furniture: after the last prose line, from the first furniture line on.
    last_prose = first
    for line in reversed(lines[first:tail]):
        if not line.blank and _is_prose(line.stripped) and not is_furniture(line.text):
            last_prose = line.index
            break
    for line in lines[last_prose + 1 : tail]:
        if not line.blank and is_furniture(line.text):
            tail = line.index
            break
    last = tail - 1
    while last > first and lines[last].blank:
        last -= 1
    body = Span(lines[first].start, lines[last].end, "body")
    if article:
        body = _clip_to_article(text, body, article)
    furniture: list[Span] = []
    if body.start > 0:
        furniture.append(Span(0, body.start, "head"))
    for line in lines[first : last + 1]:
        if line.start >= body.end:
            break
        if not line.blank and (line.index in mirror or _INTERIOR_LINE.match(line.stripped)):
            furniture.append(Span(line.start, line.end, "line"))
    tail_start = lines[tail].start if tail < len(lines) else len(text)
    if tail_start < len(text) and text[tail_start:].strip():
        furniture.append(Span(tail_start, len(text), "tail"))
    return body, furniture


def _nth_content_line(lines: list[Line], first: int, count: int) -> int | None:
    """The index of the ``count``-th non-blank line from ``first`` on."""
    seen = 0
    for line in lines[first:]:
        if not line.blank:
            seen += 1
            if seen == count:
                return line.index
    return None


def _related_lists(lines: list[Line]) -> set[int]:
    """Indices of the lines of mirror sites' related-document lists (runs of two or more)."""
    found: set[int] = set()
    run: list[int] = []
    for line in lines:
        if line.blank:
            continue
        first = line.text.lstrip()[:1]
        if first and (first.isdigit() or first in "-•*+") and RELATED_ITEM.match(line.text):
            run.append(line.index)
            continue
        if len(run) >= _RELATED_RUN:
            found.update(run)
        run = []
    if len(run) >= _RELATED_RUN:
        found.update(run)
    return found


def _clip_to_article(text: str, body: Span, article: str) -> Span:
    """Use a content extractor's article to trim a body that runs into page furniture."""
    article_lines = [ln.strip() for ln in article.splitlines() if len(ln.strip()) >= 20]
    if not article_lines:
        return body
    last = " ".join(article_lines[-1].split())[-60:]
    position = text.rfind(last, body.start, body.end)
    if position < 0:
        return body
    end = text.find("\n", position)
    end = body.end if end < 0 else min(end, body.end)
    if end - body.start >= 0.5 * (body.end - body.start):
        return Span(body.start, end, "body")
    return body
