"""Builders for the files the tests read: .docx, .pdf and .html made here, and the shared folder."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise RuntimeError("no pyproject.toml above the tests")


def shared_dir() -> Path:
    return repo_root().parent / "shared"


def make_docx(body: str, *, numbering: str | None = None, styles: str | None = None) -> bytes:
    """A minimal .docx whose document body is ``body`` (WordprocessingML elements)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}'
            "</w:body></w:document>",
        )
        if numbering is not None:
            archive.writestr(
                "word/numbering.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W_NS}">{numbering}'
                "</w:numbering>",
            )
        if styles is not None:
            archive.writestr(
                "word/styles.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W_NS}">{styles}'
                "</w:styles>",
            )
    return buffer.getvalue()


def para(text: str, *, num_id: int | None = None, ilvl: int = 0, font: str | None = None) -> str:
    ppr = ""
    if num_id is not None:
        ppr = (
            f'<w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
        )
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def make_pdf(
    pages: list[list[str]], stamps: list[tuple[int, float, int, str]] | None = None
) -> bytes:
    """A small PDF whose pages hold the given ASCII lines (an empty list: a page with no text).

    ``stamps``: (page, x, line, text) drawn in a signature field's appearance (a widget
    annotation), not in the page's content, the way signing systems stamp numbers and dates.
    Lines are 14 points apart from y = 780; Helvetica 11.
    """
    objects: list[bytes] = []
    page_ids = []
    font_id = 3
    objects.append(b"")  # 1: catalog
    objects.append(b"")  # 2: pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")  # 3
    for page_index, lines in enumerate(pages):
        annots = []
        for stamp_page, x, line_no, stamp in stamps or []:
            if stamp_page != page_index:
                continue
            width, y = 8.0 * len(stamp) + 4, 780 - 14 * line_no
            draw = f"BT /F1 11 Tf 2 3 Td ({stamp}) Tj ET".encode("latin-1")
            objects.append(
                b"<< /Type /XObject /Subtype /Form /BBox [0 0 %.1f 14] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Length %d >>\nstream\n"
                % (width, font_id, len(draw))
                + draw
                + b"\nendstream"
            )
            appearance = len(objects)
            objects.append(
                b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (signature%d) /F 4 "
                b"/Rect [%.1f %.1f %.1f %.1f] /AP << /N %d 0 R >> >>"
                % (len(annots) + 1, x, y - 3, x + width, y + 11, appearance)
            )
            annots.append(len(objects))
        if lines:
            ops = ["BT /F1 11 Tf 14 TL 50 780 Td"]
            for line in lines:
                escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"({escaped}) Tj T*")
            ops.append("ET")
        else:
            ops = ["0.5 g 50 50 500 700 re f"]  # a drawing, as a scanned image would be
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        annot_refs = b" ".join(b"%d 0 R" % i for i in annots)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Annots [%s] >>"
            % (content_id, font_id, annot_refs)
        )
        page_ids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
