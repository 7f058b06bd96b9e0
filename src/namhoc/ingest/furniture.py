"""Site furniture: what a scraped page carries around the document, and where the body lies.

Lines are classed by patterns seen on Vietnamese portals: clocks and time stamps, greetings,
visitor counters, "Tin liên quan" and the related lists after it, attachments ("Tài liệu đính
kèm: Tải về"), address/phone/e-mail footers, portal statistics. The body runs from the first
line that is not furniture to the last line of prose before the trailing furniture.
"""

from __future__ import annotations

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
PERCENT_ONLY = re.compile(r"^\(?[\d.,]+\s*%?\)?$")
_DOC_HEAD_WORDS = re.compile(
    r"UBND|ỦY BAN|SỞ|PHÒNG|BỘ|CỘNG HÒA|ĐẢNG|TRƯỜNG|HỘI ĐỒNG|CHÍNH PHỦ|TỈNH|HUYỆN|XÃ|"
    r"KẾ HOẠCH|QUYẾT ĐỊNH|CHỈ THỊ|HƯỚNG DẪN|THÔNG BÁO|BÁO CÁO|NGHỊ QUYẾT|CÔNG VĂN|THÔNG TƯ"
)


def is_furniture(line: str) -> bool:
    text = line.strip()
    return bool(
        CLOCK.match(text)
        or TIMESTAMP.match(text)
        or WELCOME.match(text)
        or COUNTER.match(text)
        or RELATED.match(text)
        or FOOTER.match(text)
    )


def _is_prose(text: str) -> bool:
    words = text.split()
    return len(words) > 12 or (len(words) > 6 and text.rstrip()[-1:] in ".;:")


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


def find_body(text: str, article: str | None = None) -> tuple[Span, list[Span]]:  # noqa: PLR0912 - one pass, one branch per kind of line
    """The body span and the furniture spans (head, interior lines, tail) of ``text``."""
    lines = split_lines(text)
    if not lines or not text.strip():
        return Span(0, len(text), "body"), []
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
                or (first < 3 and _head_label(lines, first))
            )
        ):
            first += 1
            continue
        break
    if first >= len(lines):
        return Span(0, len(text), "body"), []
    # The related-documents list: everything after such a heading is furniture.
    tail = len(lines)
    content_seen = 0
    for line in lines[first:]:
        if line.blank:
            continue
        if RELATED.match(line.stripped) and content_seen >= 3:
            tail = line.index
            break
        content_seen += 1
    # Trailing furniture: after the last prose line, from the first furniture line on.
    last_prose = first
    for line in lines[first:tail]:
        if not line.blank and _is_prose(line.stripped) and not is_furniture(line.text):
            last_prose = line.index
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
        if not line.blank and (
            INTERIOR.match(line.stripped)
            or CLOCK.match(line.stripped)
            or COUNTER.match(line.stripped)
            or TIMESTAMP.match(line.stripped)
        ):
            furniture.append(Span(line.start, line.end, "line"))
    tail_start = lines[tail].start if tail < len(lines) else len(text)
    if tail_start < len(text) and text[tail_start:].strip():
        furniture.append(Span(tail_start, len(text), "tail"))
    return body, furniture


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
