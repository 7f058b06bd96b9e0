"""Scanned PDFs for the OCR tests: a plan we wrote, typeset, rendered and embedded as an image.

``tests/data/ingest/scan-plan.pdf`` is made by this module (``python -m
namhoc.ingest.tests.scans``): the text below is set in DejaVu Serif with PDFium, rendered by
``pdftoppm`` at 300 dpi in black and white, and the bitmap put alone on a page, the way an
office scanner writes a PDF (no text layer). It is committed so that the tests need neither
the font nor the renderer; regenerate it when the text changes.
"""

from __future__ import annotations

import ctypes
import io
import subprocess
import tempfile
import zlib
from pathlib import Path

from namhoc.ingest.tests.helpers import repo_root

SCAN_PLAN = repo_root() / "tests" / "data" / "ingest" / "scan-plan.pdf"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

# (x, y from the top, size, text) on an A4 page, in points. A plan of a district office we made
# up: header in two columns, title, a legal basis, key tasks, implementation.
PLAN = [
    (60, 60, 11, "UBND HUYỆN AN BÌNH"),
    (300, 60, 11, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    (45, 76, 11, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
    (340, 76, 11, "Độc lập - Tự do - Hạnh phúc"),
    (70, 104, 11, "Số: 37/KH-PGDĐT"),
    (320, 104, 11, "An Bình, ngày 14 tháng 9 năm 2024"),
    (265, 140, 12, "KẾ HOẠCH"),
    (150, 158, 11, "Kiểm tra nội bộ trường học năm học 2024-2025"),
    (80, 190, 11, "Thực hiện Công văn số 1208/SGDĐT-TTr ngày 05/9/2024 của Sở Giáo dục và"),
    (60, 206, 11, "Đào tạo về hướng dẫn công tác kiểm tra năm học 2024-2025, Phòng Giáo dục và"),
    (60, 222, 11, "Đào tạo xây dựng kế hoạch như sau:"),
    (80, 246, 11, "I. NHIỆM VỤ TRỌNG TÂM"),
    (80, 266, 11, "1. Kiểm tra việc thực hiện chương trình giáo dục phổ thông 2018 ở các trường"),
    (60, 282, 11, "tiểu học và trung học cơ sở trên địa bàn huyện."),
    (80, 300, 11, "2. Kiểm tra công tác phổ cập giáo dục, xóa mù chữ tại các xã, thị trấn."),
    (80, 318, 11, "3. Tăng cường kiểm tra việc dạy thêm, học thêm; phấn đấu 100% trường tự kiểm"),
    (60, 334, 11, "tra theo kế hoạch."),
    (80, 358, 11, "II. TỔ CHỨC THỰC HIỆN"),
    (80, 378, 11, "Các trường báo cáo kết quả về Phòng Giáo dục và Đào tạo trước ngày 20/5/2025."),
]


def typeset(lines: list[tuple[float, float, float, str]]) -> bytes:
    """A one-page A4 PDF with ``lines`` set in DejaVu Serif (a text layer)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)
    data = FONT.read_bytes()
    buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    font = pdfium_c.FPDFText_LoadFont(
        document.raw, buffer, len(data), pdfium_c.FPDF_FONT_TRUETYPE, 1
    )
    for x, y, size, text in lines:
        obj = pdfium_c.FPDFPageObj_CreateTextObj(document.raw, font, float(size))
        encoded = (text + "\0").encode("utf-16-le")  # FPDF_WIDESTRING
        wide = (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
        pdfium_c.FPDFText_SetText(obj, wide)
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, float(x), float(842 - y))
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_bilevel(pdf: bytes, dpi: int = 300) -> tuple[int, int, bytes]:
    """(width, height, rows) of the first page in black and white: 1 bit a pixel, 1 = black,
    rows padded to whole bytes (a PBM's raster)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-mono", "-singlefile", str(source), f"{tmp}/page"],
            check=True,
        )
        pbm = (Path(tmp) / "page.pbm").read_bytes()
    magic, width, height, raster = pbm.split(maxsplit=3)
    assert magic == b"P4"
    return int(width), int(height), raster


def image_pdf(width: int, height: int, raster: bytes, dpi: int = 300) -> bytes:
    """A PDF whose only page is the 1-bit image, as a scanner writes it (no text at all)."""
    stream = zlib.compress(raster, 9)
    w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
    content = f"q {w_pt:.2f} 0 0 {h_pt:.2f} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>" % (w_pt, h_pt),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode /Length %d >>\nstream\n"
        % (width, height, len(stream))
        + stream
        + b"\nendstream",
    ]
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


def main() -> None:
    width, height, raster = render_bilevel(typeset(PLAN))
    SCAN_PLAN.parent.mkdir(parents=True, exist_ok=True)
    SCAN_PLAN.write_bytes(image_pdf(width, height, raster))
    print(f"{SCAN_PLAN}: {SCAN_PLAN.stat().st_size} bytes")


if __name__ == "__main__":
    main()
