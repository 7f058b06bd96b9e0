"""The built-in layout: a drafted document drawn as .docx the way Decree 30/2020/NĐ-CP
(Appendix I) lays out an administrative document.

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, body 14,
  header blocks 13–14; paragraphs justified, first line indented 1,27 cm, 6 pt between them,
  line spacing 1,15; page numbers centred in the top margin from page 2.
- Issuer block (the body above in capitals, the issuing body in bold capitals, a short rule
  under it, "Số:      /BC-…") beside the national motto block ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
  NAM" bold, "Độc lập - Tự do - Hạnh phúc" bold and underlined, place and date in italics) in a
  borderless two-column table.
- Document type name in bold capitals, the summary line in bold, a short rule; the body; the
  signature block (title, "(Ký, ghi rõ họ tên, đóng dấu)", name) beside "Nơi nhận:" (bold
  italic 12, items 11) in a borderless table.
- Every source note is a real Word footnote (12 pt) on the page of the number it explains.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from namhoc.reporting.document import BodyTable, Document, Para

__all__ = ["FONT", "MARGINS_MM", "render_builtin"]

FONT = "Times New Roman"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 13
FOOTNOTE_PT = 12
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165


def _fonts(element: object, size: float | None = None) -> None:
    """Times New Roman for every script of a run (or a style's run properties)."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = rpr.find(qn(tag))
            if node is None:
                node = OxmlElement(tag)
                rpr.append(node)
            node.set(qn("w:val"), str(int(size * 2)))


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> object:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    _fonts(run._r, size)
    return run


def _format(
    paragraph: Paragraph,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    before: float = 6,
    after: float = 0,
    spacing: float = 1.15,
) -> Paragraph:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(1.27) if indent else Cm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = spacing
    return paragraph


def _rule(paragraph: Paragraph, width_mm: float, column_mm: float) -> None:
    """A short horizontal rule (a top border) of ``width_mm``, centred in ``column_mm``."""
    side = max(0.0, (column_mm - width_mm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)


def _no_borders(table: DocxTable) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), "nil")
        borders.append(node)
    tbl_pr.append(borders)


def _widths(table: DocxTable, widths_mm: tuple[float, ...]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))


def _cell_paragraph(cell: _Cell, first: bool) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    return _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0, spacing=1.0)


# --- page setup ------------------------------------------------------------------------------


def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element, BODY_PT)
    # Page numbers from page 2, centred in the top margin.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    _format(header, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)
    run = _run(header, "", size=HEADER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind is not None:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._r.append(node)  # type: ignore[attr-defined]


# --- header blocks ---------------------------------------------------------------------------


def _header_blocks(document: DocxDocument, doc: Document) -> None:
    left_mm, right_mm = 72.0, TEXT_WIDTH_MM - 72.0
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, (left_mm, right_mm))
    left, right = table.rows[0].cells
    header = doc.header
    first = True
    if header.upper_body:
        _run(_cell_paragraph(left, first), header.upper_body, size=HEADER_PT)
        first = False
    _run(_cell_paragraph(left, first), header.issuer, size=HEADER_PT, bold=True)
    _rule(left.add_paragraph(), 22, left_mm)
    number = _cell_paragraph(left, False)
    number.paragraph_format.space_before = Pt(6)
    _run(number, header.number_line, size=HEADER_PT)

    _run(
        _cell_paragraph(right, True),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        size=HEADER_PT,
        bold=True,
    )
    _run(
        _cell_paragraph(right, False),
        "Độc lập - Tự do - Hạnh phúc",
        size=BODY_PT,
        bold=True,
        underline=True,
    )
    date = _cell_paragraph(right, False)
    date.paragraph_format.space_before = Pt(12)
    _run(date, header.place_date, size=BODY_PT, italic=True)


def _title(document: DocxDocument, doc: Document) -> None:
    name = _format(
        document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=18
    )
    _run(name, doc.type_name, bold=True)
    summary = _format(
        document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0
    )
    _run(summary, doc.summary, bold=True)
    _rule(document.add_paragraph(), 45, TEXT_WIDTH_MM)


# --- footnotes -------------------------------------------------------------------------------

_FOOTNOTES = (
    f"<w:footnotes {nsdecls('w')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


class _Footnotes:
    """The document's footnotes part, created on first use. Word numbers footnotes in order and
    gives each reference its own note: a note already given once reads "Xem chú thích n."."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.element: object | None = None
        self.count = 0
        self.first: dict[str, int] = {}

    def _part(self) -> object:
        if self.element is None:
            element = parse_xml(_FOOTNOTES)
            part = XmlPart(
                PackURI("/word/footnotes.xml"),
                CONTENT_TYPE.WML_FOOTNOTES,
                element,
                self.document.part.package,
            )
            self.document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
            self.element = element
        return self.element

    def add(self, paragraph: Paragraph, text: str) -> None:
        self.count += 1
        number = self.count
        if text in self.first:
            text = f"Xem chú thích {self.first[text]}."
        else:
            self.first[text] = number
        root = self._part()
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr><w:jc w:val="both"/>'
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            "</w:p></w:footnote>"
        )
        note_paragraph = Paragraph(note.find(qn("w:p")), None)  # type: ignore[arg-type]
        for run in note_paragraph.runs:
            _fonts(run._r, FOOTNOTE_PT)
        _run(note_paragraph, f" {text}", size=FOOTNOTE_PT)
        root.append(note)  # type: ignore[attr-defined]
        reference = _run(paragraph, "")
        rpr = reference._r.get_or_add_rPr()  # type: ignore[attr-defined]
        align = OxmlElement("w:vertAlign")
        align.set(qn("w:val"), "superscript")
        rpr.append(align)
        node = OxmlElement("w:footnoteReference")
        node.set(qn("w:id"), str(number))
        reference._r.append(node)  # type: ignore[attr-defined]


# --- body ------------------------------------------------------------------------------------


def _paragraph(
    document: DocxDocument, block: Para, notes: list[str], footnotes: _Footnotes
) -> None:
    paragraph = _format(document.add_paragraph())
    heading = block.style in ("heading", "subheading")
    for run in block.runs:
        added = _run(
            paragraph,
            run.text,
            bold=run.bold or heading,
            italic=run.italic or block.style == "placeholder",
        )
        if block.style == "placeholder":
            added.font.highlight_color = WD_COLOR_INDEX.YELLOW  # type: ignore[attr-defined]
        if run.note is not None and 0 < run.note <= len(notes):
            footnotes.add(paragraph, notes[run.note - 1])


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    node = OxmlElement("w:tblHeader")
    node.set(qn("w:val"), "true")
    tr_pr.append(node)


def _table(document: DocxDocument, block: BodyTable) -> None:
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, block.widths_mm)
    _repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        _run(_cell_paragraph(cell, True), text, size=TABLE_PT, bold=True)
    for row, values in zip(table.rows[1:], block.rows, strict=True):
        for cell, text, numeric in zip(row.cells, values, block.numeric, strict=True):
            paragraph = _cell_paragraph(cell, True)
            paragraph.paragraph_format.alignment = (
                WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            )
            _run(paragraph, text, size=TABLE_PT)
    # a paragraph after the table keeps the next one from touching it
    _format(document.add_paragraph(), before=0, spacing=1.0)


# --- signature -------------------------------------------------------------------------------


def _signature(document: DocxDocument, doc: Document) -> None:
    left_mm, right_mm = 80.0, TEXT_WIDTH_MM - 80.0
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (left_mm, right_mm))
    left, right = table.rows[0].cells
    head = _cell_paragraph(left, True)
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    head.paragraph_format.space_before = Pt(12)
    _run(head, "Nơi nhận:", size=12, bold=True, italic=True)
    for n, item in enumerate(doc.recipients, start=1):
        line = _cell_paragraph(left, False)
        line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _run(line, f"- {item}{'.' if n == len(doc.recipients) else ';'}", size=11)

    title = _cell_paragraph(right, True)
    title.paragraph_format.space_before = Pt(12)
    _run(title, doc.signature.title, size=BODY_PT, bold=True)
    _run(_cell_paragraph(right, False), doc.signature.placeholder, size=BODY_PT, italic=True)
    for _ in range(3):
        _cell_paragraph(right, False)
    name = _cell_paragraph(right, False)
    _run(name, doc.signature.name or "……………………………", size=BODY_PT, bold=True)


def render_builtin(doc: Document) -> bytes:
    """``doc`` in the built-in Decree 30 layout, as .docx bytes."""
    document = new_document()
    _page(document)
    # python-docx starts with one empty paragraph: drop it, the header table comes first.
    body = document.element.body
    for paragraph in list(body.findall(qn("w:p"))):
        body.remove(paragraph)
    _header_blocks(document, doc)
    _title(document, doc)
    footnotes = _Footnotes(document)
    for para in doc.opening:
        _paragraph(document, para, doc.notes, footnotes)
    for block in doc.body:
        if isinstance(block, BodyTable):
            _table(document, block)
        else:
            _paragraph(document, block, doc.notes, footnotes)
    _paragraph(document, doc.closing, doc.notes, footnotes)
    _signature(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
