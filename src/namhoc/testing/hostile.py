"""Hostile files, built in memory for the tests and ``bench/hostile.py`` (issue 9).

- :func:`wide_workbook`: a small .xlsx whose rows each hold one cell in the last column (XFD),
  so that a reader padding rows to the declared width builds 16,384 cells a row.
- :func:`many_pages_pdf`: a small PDF whose page tree holds N pages sharing one content stream.
"""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="So lieu" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def wide_workbook(rows: int = 12_000, *, dimension: str | None = "declared") -> bytes:
    """An .xlsx with one number in column XFD on each of ``rows`` rows (about 70 KB for 12,000).

    ``dimension``: ``"declared"`` writes the true ``A1:XFDn``; ``"lying"`` claims ``A1:A1``;
    ``None`` writes none (as some generators do).
    """
    body = io.StringIO()
    body.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    if dimension == "declared":
        body.write(f'<dimension ref="A1:XFD{rows}"/>')
    elif dimension == "lying":
        body.write('<dimension ref="A1:A1"/>')
    body.write("<sheetData>")
    for row in range(1, rows + 1):
        body.write(f'<row r="{row}"><c r="XFD{row}"><v>{row}</v></c></row>')
    body.write("</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", body.getvalue())
    return out.getvalue()


def many_pages_pdf(pages: int = 100_000, *, text: str = "Trang") -> bytes:
    """A PDF whose page tree holds ``pages`` pages that all share one content stream (each page
    object is under 80 bytes, so 100,000 pages make ~8 MB). The text is ASCII (Helvetica)."""
    content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    first_page = len(objects) + 1
    kids = " ".join(f"{first_page + n} 0 R" for n in range(pages))
    # MediaBox and Resources are inherited from the page tree: each page is ~45 bytes.
    objects[1] = (
        f"<< /Type /Pages /Count {pages} /MediaBox [0 0 612 792] "
        f"/Resources << /Font << /F1 3 0 R >> >> /Kids [{kids}] >>"
    ).encode("ascii")
    page = b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"
    objects.extend(page for _ in range(pages))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
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
