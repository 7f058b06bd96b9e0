"""Word .docx: paragraphs with automatic numbering rebuilt, tables, legacy-font runs converted.

The archive is checked before anything is unzipped (entry count, declared sizes, compression
ratio) and every part is read with a hard byte limit, since declared sizes can lie. XML is
parsed by lxml with entity resolution, DTD loading and network access off; a part that
declares a DOCTYPE is refused outright (Word never writes one).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from namhoc.ingest.errors import IngestError
from namhoc.ingest.messages import warning
from namhoc.ingest.readers import RawText
from namhoc.ingest.readers.legacy import convert, encoding_for_font

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

MAX_ENTRIES = 2000
MAX_RATIO = 200  # uncompressed / compressed, for entries larger than RATIO_FLOOR
RATIO_FLOOR = 1 << 20
MIN_UNCOMPRESSED_CAP = 100 << 20


def _error(code: str, vi: str, en: str) -> IngestError:
    return IngestError(code, vi, en)


def check_archive(archive: zipfile.ZipFile, *, max_uncompressed: int) -> None:
    """Refuse archives that would expand beyond what a Word file can plausibly hold."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _error(
            "zip_bomb",
            f"Tệp .docx có quá nhiều mục nén ({len(infos)} > {MAX_ENTRIES}).",
            f"The .docx archive has too many entries ({len(infos)} > {MAX_ENTRIES}).",
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _error(
                "zip_bomb",
                f"Tệp .docx có mục {info.filename!r} nén bất thường (tỉ lệ > {MAX_RATIO}:1): "
                "có thể là bom nén, không giải nén.",
                f"The .docx entry {info.filename!r} has an abnormal compression ratio "
                f"(> {MAX_RATIO}:1): a possible zip bomb; not unzipped.",
            )
    if total > max_uncompressed:
        raise _error(
            "zip_bomb",
            f"Tệp .docx khi giải nén sẽ quá lớn ({total} byte > {max_uncompressed}).",
            f"The .docx would expand too far ({total} bytes > {max_uncompressed}).",
        )


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    cap = min(info.file_size, limit)
    with archive.open(info) as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise _error(
            "zip_bomb",
            f"Mục {name!r} trong tệp .docx lớn hơn kích thước khai báo.",
            f"The .docx entry {name!r} is larger than it declares.",
        )
    return data


def _parse_xml(data: bytes, name: str) -> Any:
    from lxml import etree

    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data:
        raise _error(
            "unsafe_xml",
            f"Mục {name!r} trong tệp .docx khai báo DOCTYPE/ENTITY: từ chối đọc (không mở rộng "
            "thực thể XML).",
            f"The .docx entry {name!r} declares a DOCTYPE/ENTITY: refused (no XML entity "
            "expansion).",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _error(
            "bad_docx",
            f"Mục {name!r} trong tệp .docx không phải XML hợp lệ: {exc}",
            f"The .docx entry {name!r} is not well-formed XML: {exc}",
        ) from exc


# --- styles: fonts and style-linked numbering -------------------------------------------------


@dataclass
class _Style:
    based_on: str | None = None
    font: str | None = None
    num_id: str | None = None
    ilvl: int | None = None


@dataclass
class _Styles:
    styles: dict[str, _Style] = field(default_factory=dict)
    default_paragraph: str | None = None
    default_font: str | None = None

    def _chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def font(self, run_style: str | None, para_style: str | None) -> str | None:
        for style in self._chain(run_style):
            if style.font:
                return style.font
        for style in self._chain(para_style or self.default_paragraph):
            if style.font:
                return style.font
        return self.default_font

    def numbering(self, para_style: str | None) -> tuple[str | None, int | None]:
        for style in self._chain(para_style):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None


def _font_of(rpr: Any) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        return None
    for attr in ("hAnsi", "ascii", "cs"):
        value = fonts.get(W + attr)
        if value:
            return str(value)
    return None


def _val(element: Any, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(W + tag)
    if child is None:
        return None
    value = child.get(W + "val")
    return None if value is None else str(value)


def _parse_styles(root: Any) -> _Styles:
    result = _Styles()
    if root is None:
        return result
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    result.default_font = _font_of(defaults)
    for element in root.iter(W + "style"):
        style_id = element.get(W + "styleId")
        if not style_id:
            continue
        ppr = element.find(W + "pPr")
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        ilvl = _val(num_pr, "ilvl")
        style = _Style(
            based_on=_val(element, "basedOn"),
            font=_font_of(element.find(W + "rPr")),
            num_id=_val(num_pr, "numId"),
            ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
        )
        result.styles[str(style_id)] = style
        if element.get(W + "type") == "paragraph" and element.get(W + "default") in ("1", "true"):
            result.default_paragraph = str(style_id)
    return result


# --- numbering ------------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False


@dataclass
class _Num:
    abstract: str
    overrides: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


def _parse_level(element: Any) -> _Level:
    start = _val(element, "start")
    legal = element.find(W + "isLgl")
    return _Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_val(element, "numFmt") or "decimal",
        text=_val(element, "lvlText") or "",
        legal=legal is not None and legal.get(W + "val") not in ("0", "false"),
    )


def _int(value: str | None, default: int = 0) -> int:
    return int(value) if value and value.isdigit() else default


class Numbering:
    """Rebuilds the labels Word draws for automatically numbered paragraphs."""

    def __init__(self, root: Any) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for element in root.iter(W + "abstractNum"):
            levels = {
                _int(lvl.get(W + "ilvl")): _parse_level(lvl) for lvl in element.iter(W + "lvl")
            }
            self.abstract[str(element.get(W + "abstractNumId"))] = levels
        for element in root.iter(W + "num"):
            num = _Num(abstract=_val(element, "abstractNumId") or "")
            for override in element.iter(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"))
                start = _val(override, "startOverride")
                if start is not None and start.isdigit():
                    num.overrides[ilvl] = int(start)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    num.levels[ilvl] = _parse_level(lvl)
            self.nums[str(element.get(W + "numId"))] = num

    def _level(self, num: _Num, ilvl: int) -> _Level:
        return num.levels.get(ilvl) or self.abstract.get(num.abstract, {}).get(ilvl) or _Level()

    def label(self, num_id: str, ilvl: int) -> str:
        num = self.nums.get(num_id)
        if num is None or num_id == "0":
            return ""
        ilvl = max(0, min(ilvl, 8))
        key = f"num:{num_id}" if num.overrides else f"abs:{num.abstract}"
        counters = self.counters.setdefault(key, {})
        level = self._level(num, ilvl)
        start = num.overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return "+" if level.text.strip() == "+" else "-"
        if level.fmt == "none":
            return level.text if "%" not in level.text else ""
        label = level.text
        for index in range(ilvl, -1, -1):
            placeholder = f"%{index + 1}"
            if placeholder not in label:
                continue
            other = self._level(num, index)
            value = counters.get(index, num.overrides.get(index, other.start))
            fmt = "decimal" if level.legal and index < ilvl else other.fmt
            label = label.replace(placeholder, _format_number(value, fmt))
        return label


_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def _roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


def _letters(value: int) -> str:
    # Word: a..z, then aa..zz, ...
    value = max(value, 1)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _format_number(value: int, fmt: str) -> str:
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    return str(value)


# --- the document ---


class _Reader:
    def __init__(self, styles: _Styles, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.legacy_runs = 0

    def paragraph(self, p: Any) -> str:  # noqa: PLR0912 - one branch per run element
        ppr = p.find(W + "pPr")
        para_style = _val(ppr, "pStyle")
        pieces: list[str] = []
        for run in p.iter(W + "r"):
            rpr = run.find(W + "rPr")
            font = _font_of(rpr) or self.styles.font(_val(rpr, "rStyle"), para_style)
            encoding = encoding_for_font(font)
            chunk: list[str] = []
            for child in run:
                tag = child.tag
                if tag == W + "t":
                    chunk.append(child.text or "")
                elif tag == W + "tab":
                    chunk.append("\t")
                elif tag in (W + "br", W + "cr"):
                    chunk.append("\n")
                elif tag == W + "softHyphen":
                    # In TCVN3 the soft-hyphen slot (0xAD) is the letter ư.
                    if encoding == "tcvn3":
                        chunk.append("\xad")
                elif tag == W + "noBreakHyphen":
                    chunk.append("-")
            text = "".join(chunk)
            if encoding and text:
                self.legacy_runs += 1
                text = convert(text, encoding)
            pieces.append(text)
        text = "".join(pieces)
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        num_id = _val(num_pr, "numId")
        ilvl_value = _val(num_pr, "ilvl")
        if num_id is None:
            style_num, style_ilvl = self.styles.numbering(para_style)
            num_id = style_num
            if ilvl_value is None and style_ilvl is not None:
                ilvl_value = str(style_ilvl)
        if num_id and num_id != "0" and text.strip():
            label = self.numbering.label(num_id, _int(ilvl_value))
            if label:
                text = f"{label} {text.lstrip()}"
        return text

    def table(self, tbl: Any, *, header_like: bool) -> list[str]:
        lines: list[str] = []
        for row in tbl.iter(W + "tr"):
            if row.getparent() is not tbl and _nearest_table(row) is not tbl:
                continue
            cells: list[list[str]] = []
            for cell in row.iter(W + "tc"):
                if _nearest_table(cell) is not tbl:
                    continue
                cells.append(self.blocks(cell, top=False))
            if header_like:
                for cell_lines in cells:
                    lines.extend(line for line in cell_lines if line.strip())
            else:
                joined = [
                    " ".join(x.strip() for x in cell_lines if x.strip()) for cell_lines in cells
                ]
                if any(joined):
                    lines.append(" | ".join(joined))
        return lines

    def blocks(self, container: Any, *, top: bool) -> list[str]:
        lines: list[str] = []
        index = 0
        stack = list(container)
        stack.reverse()
        while stack:
            element = stack.pop()
            tag = element.tag
            if tag == W + "p":
                lines.append(self.paragraph(element))
                index += 1
            elif tag == W + "tbl":
                lines.extend(self.table(element, header_like=top and index < 3))
                index += 1
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
                children = list(element)
                children.reverse()
                stack.extend(children)
        return lines


def _nearest_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def read_docx_bytes(data: bytes, *, max_bytes: int) -> tuple[str, int]:
    """Return the text of a .docx and the number of legacy-font runs converted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _error(
            "bad_docx",
            f"Tệp .docx hỏng hoặc bị cắt cụt (không mở được gói zip): {exc}",
            f"The .docx is damaged or truncated (the zip package does not open): {exc}",
        ) from exc
    with archive:
        limit = max(10 * max_bytes, MIN_UNCOMPRESSED_CAP)
        check_archive(archive, max_uncompressed=limit)
        try:
            document = _read_part(archive, "word/document.xml", limit)
            if document is None:
                raise _error(
                    "bad_docx",
                    "Tệp zip không phải tài liệu Word (thiếu word/document.xml).",
                    "The zip file is not a Word document (word/document.xml is missing).",
                )
            styles_data = _read_part(archive, "word/styles.xml", limit)
            numbering_data = _read_part(archive, "word/numbering.xml", limit)
        except IngestError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            # zlib errors, CRC mismatches, encrypted entries, truncated members
            raise _error(
                "bad_docx",
                f"Không giải nén được tệp .docx (hỏng, bị cắt cụt hoặc mã hóa): {exc}",
                f"Cannot unzip the .docx (damaged, truncated or encrypted): {exc}",
            ) from exc
    root = _parse_xml(document, "word/document.xml")
    styles = _parse_styles(_parse_xml(styles_data, "word/styles.xml") if styles_data else None)
    numbering = Numbering(
        _parse_xml(numbering_data, "word/numbering.xml") if numbering_data else None
    )
    for fallback in list(root.iter(MC_FALLBACK)):
        parent = fallback.getparent()
        if parent is not None:
            parent.remove(fallback)
    body = root.find(W + "body")
    if body is None:
        raise _error(
            "bad_docx",
            "Tài liệu Word không có phần thân (w:body).",
            "The Word document has no body (w:body).",
        )
    reader = _Reader(styles, numbering)
    lines = reader.blocks(body, top=True)
    return "\n".join(lines), reader.legacy_runs


def read_docx(data: bytes, *, max_bytes: int) -> RawText:
    text, legacy_runs = read_docx_bytes(data, max_bytes=max_bytes)
    warnings = []
    if legacy_runs:
        warnings.append(warning("legacy_font_converted", f"{legacy_runs} runs in TCVN3/VNI fonts"))
    return RawText(text=text, format="docx", warnings=warnings)
