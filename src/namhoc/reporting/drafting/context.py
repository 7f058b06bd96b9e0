"""The placeholders a unit's own template receives (docxtpl / Jinja tags), their documentation
on the templates page, and sample values to check an uploaded template before it is used.

Every value is text already written the Vietnamese way (``1.250``, ``97,5%``, ``30/09/2025``),
or a list of such texts, or a list of small dictionaries of them: a template needs no filters.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from namhoc.core.text import fold
from namhoc.reporting.document import BodyTable, Document, Para
from namhoc.reporting.drafting.common import day, num, pct, reference, value_text
from namhoc.reporting.models import ReportKind

if TYPE_CHECKING:
    from namhoc.reporting.drafting.plan import PlanData
    from namhoc.reporting.drafting.reading import ReportData

__all__ = ["PLACEHOLDERS", "plan_context", "report_context", "sample_context"]

Doc = list[tuple[str, str]]

COMMON: Doc = [
    ("co_quan_chu_quan", "Tên cơ quan chủ quản, chữ in hoa (UBND THÀNH PHỐ HẢI PHÒNG)"),
    ("co_quan_ban_hanh", "Tên cơ quan ban hành, chữ in hoa (SỞ GIÁO DỤC VÀ ĐÀO TẠO)"),
    ("so_ky_hieu", "Số, ký hiệu để trống số (Số:      /BC-SGDĐT)"),
    ("ky_hieu", "Ký hiệu văn bản (BC-SGDĐT)"),
    ("dia_danh", "Địa danh (Hải Phòng)"),
    ("dia_danh_ngay", "Địa danh và ngày tháng để trống ngày, tháng (Hải Phòng, ngày … năm 2026)"),
    ("nam", "Năm ký văn bản (2026)"),
    ("loai_van_ban", "Tên loại văn bản (BÁO CÁO, KẾ HOẠCH)"),
    ("trich_yeu", "Trích yếu nội dung"),
    ("don_vi", "Tên đơn vị (Thành phố Hải Phòng)"),
    ("nam_hoc", "Năm học (2025-2026)"),
    ("mo_dau", "Đoạn mở đầu"),
    (
        "noi_dung",
        "Toàn bộ phần nội dung, từng đoạn: mỗi mục có kieu (heading, subheading, body, item, "
        "placeholder, table), van_ban, và với bảng: tieu_de (các cột), dong (các dòng)",
    ),
    ("ket_thuc", "Câu kết (Trên đây là …/.)"),
    ("ghi_chu", "Danh sách ghi chú nguồn số liệu, theo số thứ tự"),
    ("chuc_vu", "Chức vụ người ký (GIÁM ĐỐC)"),
    ("nguoi_ky", "Họ và tên người ký (có thể trống)"),
    ("ky_ten", "Dòng hướng dẫn ký: (Ký, ghi rõ họ tên, đóng dấu)"),
    ("noi_nhan", "Danh sách nơi nhận"),
    ("ngay_soan", "Ngày namhoc soạn dự thảo (dd/mm/yyyy)"),
]
REPORT: Doc = [
    ("van_ban_chi_dao", "Văn bản chỉ đạo năm học đang áp dụng (số, ngày, cơ quan, trích yếu)"),
    ("tinh_hinh", "Các đoạn của phần I. Tình hình chung"),
    ("tong_so_viec", "Tổng số phân công của các nhiệm vụ"),
    ("ty_le_dung_han", "Tỷ lệ hoàn thành đúng hạn chung (97,5%)"),
    (
        "nhiem_vu",
        "Từng nhiệm vụ: stt, so_hieu, ten, so_phan_cong, chu_tri, phoi_hop, dung_han, "
        "qua_han_da_xong, qua_han_chua_xong, dang_thuc_hien, ty_le_dung_han, chi_tieu (danh "
        "sách), tien_do (danh sách), minh_chung (danh sách tên tệp)",
    ),
    (
        "chi_tieu",
        "Từng chỉ tiêu thống kê: stt, ma, ten, don_vi_tinh, ky, ket_qua, chi_tieu_giao, "
        "muc_dat, nam_truoc",
    ),
    (
        "don_vi_truc_thuoc",
        "Từng đơn vị trực thuộc: stt, ten, tong, dung_han, qua_han_da_xong, "
        "qua_han_chua_xong, dang_thuc_hien, ty_le_dung_han",
    ),
    ("uu_diem", "Các ý của phần Ưu điểm"),
    ("han_che", "Các ý của phần Hạn chế, tồn tại"),
]
PLAN: Doc = [
    ("van_ban_cap_tren", "Văn bản cấp trên mà kế hoạch thực hiện"),
    (
        "nhiem_vu_cap_tren",
        "Từng nhiệm vụ cấp trên áp dụng cho đơn vị: stt, so_hieu, ten, noi_dung, vai_tro, "
        "thoi_han, chi_tieu, nhiem_vu_don_vi (danh sách: ten, chu_tri, phoi_hop, thoi_han, "
        "chi_tieu)",
    ),
]
PLACEHOLDERS: dict[str, Doc] = {
    ReportKind.YEAR_END: COMMON + REPORT,
    ReportKind.SEMESTER: COMMON + REPORT,
    ReportKind.PLAN: COMMON + PLAN,
}


def _block(block: Para | BodyTable) -> dict[str, Any]:
    if isinstance(block, BodyTable):
        return {
            "kieu": "table",
            "van_ban": "",
            "tieu_de": list(block.headers),
            "dong": [list(row) for row in block.rows],
        }
    return {"kieu": block.style, "van_ban": block.text, "tieu_de": [], "dong": []}


def _common(document: Document, unit_name: str, school_year: str, today: str) -> dict[str, Any]:
    header = document.header
    return {
        "co_quan_chu_quan": header.upper_body,
        "co_quan_ban_hanh": header.issuer,
        "so_ky_hieu": header.number_line,
        "ky_hieu": header.symbol,
        "dia_danh": header.place,
        "dia_danh_ngay": header.place_date,
        "nam": str(header.year),
        "loai_van_ban": document.type_name,
        "trich_yeu": document.summary,
        "don_vi": unit_name,
        "nam_hoc": school_year,
        "mo_dau": " ".join(p.text for p in document.opening),
        "noi_dung": [_block(b) for b in document.body],
        "ket_thuc": document.closing.text,
        "ghi_chu": [f"({n}) {text}" for n, text in enumerate(document.notes, start=1)],
        "chuc_vu": document.signature.title,
        "nguoi_ky": document.signature.name,
        "ky_ten": document.signature.placeholder,
        "noi_nhan": list(document.recipients),
        "ngay_soan": today,
        "ten_tep": _slug(f"{document.type_name} {unit_name} {school_year}"),
    }


def _slug(text: str) -> str:
    folded = fold(text)
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded).split())[:80]


def _section(document: Document, heading_prefix: str) -> list[Para]:
    """The paragraphs under the heading starting with ``heading_prefix`` ("I.", "III.")."""
    found: list[Para] = []
    inside = False
    for block in document.body:
        if isinstance(block, Para) and block.style == "heading":
            inside = block.text.startswith(heading_prefix + " ")
            continue
        if inside and isinstance(block, Para):
            found.append(block)
    return found


def _between(paras: list[Para], start: str, stop: str) -> list[str]:
    result: list[str] = []
    inside = False
    for p in paras:
        if p.style == "subheading":
            inside = p.text.startswith(start)
            if p.text.startswith(stop):
                inside = False
            continue
        if inside:
            result.append(p.text.removeprefix("- "))
    return result


def report_context(document: Document, report: ReportData, today: dt.date) -> dict[str, Any]:
    context = _common(document, report.unit.name, report.school_year, day(today))
    tasks = []
    total_due = sum(t.rate.due for t in report.tasks)
    on_time = sum(t.rate.done_on_time for t in report.tasks)
    for n, t in enumerate(report.tasks, start=1):
        tasks.append(
            {
                "stt": str(n),
                "so_hieu": t.task.label,
                "ten": t.task.title,
                "so_phan_cong": num(t.rate.total),
                "chu_tri": num(t.leads),
                "phoi_hop": num(t.supports),
                "dung_han": num(t.rate.done_on_time),
                "qua_han_da_xong": num(t.rate.done_late),
                "qua_han_chua_xong": num(t.rate.overdue),
                "dang_thuc_hien": num(t.rate.in_progress),
                "ty_le_dung_han": pct(t.rate.percent),
                "chi_tieu": [
                    f"{num(g.value)}{g.unit_label if g.unit_label == '%' else ' ' + g.unit_label}"
                    f" — {g.sentence}".strip()
                    for g in t.task.targets
                ],
                "tien_do": [
                    f"{h.unit_name} ({day(h.day)}, {h.percent}%): {h.text}" for h in t.highlights
                ],
                "minh_chung": [e.name for e in t.evidence],
            }
        )
    situation = _section(document, "I.")
    assessment = _section(document, "III.")
    context.update(
        {
            "van_ban_chi_dao": reference(report.directive) if report.directive else "",
            "tinh_hinh": [p.text for p in situation],
            "tong_so_viec": num(sum(t.rate.total for t in report.tasks)),
            "ty_le_dung_han": pct(100 * on_time / total_due if total_due else None),
            "nhiem_vu": tasks,
            "chi_tieu": [
                {
                    "stt": str(n),
                    "ma": r.code,
                    "ten": r.name,
                    "don_vi_tinh": r.unit_label,
                    "ky": r.period.name if r.period else "",
                    "ket_qua": value_text(r, r.value),
                    "chi_tieu_giao": value_text(r, r.target),
                    "muc_dat": pct(r.attained),
                    "nam_truoc": value_text(r, r.last_year),
                }
                for n, r in enumerate((r for r in report.indicators if r.value is not None), 1)
            ],
            "don_vi_truc_thuoc": [
                {
                    "stt": str(n),
                    "ten": c.name,
                    "tong": num(c.rate.total),
                    "dung_han": num(c.rate.done_on_time),
                    "qua_han_da_xong": num(c.rate.done_late),
                    "qua_han_chua_xong": num(c.rate.overdue),
                    "dang_thuc_hien": num(c.rate.in_progress),
                    "ty_le_dung_han": pct(c.rate.percent),
                }
                for n, c in enumerate(report.children, start=1)
            ],
            "uu_diem": _between(assessment, "1.", "2."),
            "han_che": _between(assessment, "2.", "3."),
        }
    )
    return context


def plan_context(document: Document, plan: PlanData) -> dict[str, Any]:
    context = _common(document, plan.unit.name, plan.upper.school_year, day(plan.today))
    rows = []
    for n, t in enumerate((t for t in plan.tasks if t.applies), start=1):
        mine = t.mine
        rows.append(
            {
                "stt": str(n),
                "so_hieu": t.upper.label,
                "ten": t.upper.title,
                "noi_dung": t.upper.text,
                "vai_tro": {"lead": "Chủ trì", "support": "Phối hợp"}.get(mine.role, "")
                if mine
                else "",
                "thoi_han": day(mine.deadline) if mine and mine.deadline else "",
                "chi_tieu": (
                    f"{num(mine.target_value)} {mine.target_unit}".strip()
                    if mine and mine.target_value is not None
                    else ""
                ),
                "nhiem_vu_don_vi": [
                    {
                        "ten": own.task.title,
                        "chu_tri": "; ".join(
                            a.unit_name for a in own.assignments if a.role == "lead"
                        ),
                        "phoi_hop": "; ".join(
                            a.unit_name for a in own.assignments if a.role == "support"
                        ),
                        "thoi_han": "; ".join(
                            sorted({day(a.deadline) for a in own.assignments if a.deadline})
                        ),
                        "chi_tieu": "; ".join(
                            f"{num(a.target_value)} {a.target_unit}".strip()
                            for a in own.assignments
                            if a.target_value is not None
                        ),
                    }
                    for own in t.own
                ],
            }
        )
    context.update({"van_ban_cap_tren": reference(plan.upper), "nhiem_vu_cap_tren": rows})
    return context


# --- sample values: an uploaded template is rendered with these before it is accepted -------


def _sample_common(kind: str) -> dict[str, Any]:
    plan = kind == ReportKind.PLAN
    return {
        "co_quan_chu_quan": "UBND TỈNH MẪU",
        "co_quan_ban_hanh": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "so_ky_hieu": f"Số:      /{'KH' if plan else 'BC'}-SGDĐT",
        "ky_hieu": f"{'KH' if plan else 'BC'}-SGDĐT",
        "dia_danh": "Mẫu",
        "dia_danh_ngay": "Mẫu, ngày      tháng      năm 2026",
        "nam": "2026",
        "loai_van_ban": "KẾ HOẠCH" if plan else "BÁO CÁO",
        "trich_yeu": "Tổng kết năm học 2025-2026",
        "don_vi": "Tỉnh Mẫu",
        "nam_hoc": "2025-2026",
        "mo_dau": "Thực hiện Kế hoạch số 1/KH-SGDĐT, Sở Giáo dục và Đào tạo báo cáo như sau:",
        "noi_dung": [
            {"kieu": "heading", "van_ban": "I. TÌNH HÌNH CHUNG", "tieu_de": [], "dong": []},
            {"kieu": "body", "van_ban": "Đoạn văn mẫu.", "tieu_de": [], "dong": []},
            {
                "kieu": "table",
                "van_ban": "",
                "tieu_de": ["TT", "Chỉ tiêu", "Kết quả"],
                "dong": [["1", "Tỷ lệ mẫu", "97,5%"]],
            },
        ],
        "ket_thuc": "Trên đây là báo cáo./.",
        "ghi_chu": ["(1) Nguồn số liệu mẫu."],
        "chuc_vu": "GIÁM ĐỐC",
        "nguoi_ky": "Nguyễn Văn Mẫu",
        "ky_ten": "(Ký, ghi rõ họ tên, đóng dấu)",
        "noi_nhan": ["Bộ Giáo dục và Đào tạo (để báo cáo)", "Lưu: VT"],
        "ngay_soan": "01/06/2026",
        "ten_tep": "mau",
    }


def sample_context(kind: str) -> dict[str, Any]:
    context = _sample_common(kind)
    if kind == ReportKind.PLAN:
        own = {
            "ten": "Nhiệm vụ của đơn vị",
            "chu_tri": "Xã Mẫu",
            "phoi_hop": "Trường Mẫu",
            "thoi_han": "31/12/2025",
            "chi_tieu": "70 %",
        }
        context.update(
            {
                "van_ban_cap_tren": "Kế hoạch số 1/KH-BGDĐT ngày 22/08/2025 của Bộ GDĐT",
                "nhiem_vu_cap_tren": [
                    {
                        "stt": "1",
                        "so_hieu": "1",
                        "ten": "Nhiệm vụ cấp trên",
                        "noi_dung": "Nội dung mẫu.",
                        "vai_tro": "Chủ trì",
                        "thoi_han": "31/12/2025",
                        "chi_tieu": "70 %",
                        "nhiem_vu_don_vi": [own],
                    }
                ],
            }
        )
        return context
    task = {
        "stt": "1",
        "so_hieu": "1",
        "ten": "Nhiệm vụ mẫu",
        "so_phan_cong": "10",
        "chu_tri": "8",
        "phoi_hop": "2",
        "dung_han": "7",
        "qua_han_da_xong": "1",
        "qua_han_chua_xong": "1",
        "dang_thuc_hien": "1",
        "ty_le_dung_han": "77,8%",
        "chi_tieu": ["70% — Phấn đấu tỷ lệ trường đạt chuẩn quốc gia đạt 70%"],
        "tien_do": ["Xã Mẫu (01/12/2025, 100%): Đã hoàn thành."],
        "minh_chung": ["bao-cao.pdf"],
    }
    context.update(
        {
            "van_ban_chi_dao": "Kế hoạch số 1/KH-SGDĐT ngày 05/09/2025 của Sở GDĐT",
            "tinh_hinh": ["1. Quy mô mạng lưới: mẫu."],
            "tong_so_viec": "10",
            "ty_le_dung_han": "77,8%",
            "nhiem_vu": [task],
            "chi_tieu": [
                {
                    "stt": "1",
                    "ma": "TL_MAU",
                    "ten": "Tỷ lệ mẫu",
                    "don_vi_tinh": "%",
                    "ky": "Cuối năm học 2025-2026",
                    "ket_qua": "97,5%",
                    "chi_tieu_giao": "98,0%",
                    "muc_dat": "99,5%",
                    "nam_truoc": "96,0%",
                }
            ],
            "don_vi_truc_thuoc": [
                {
                    "stt": "1",
                    "ten": "Xã Mẫu",
                    "tong": "10",
                    "dung_han": "7",
                    "qua_han_da_xong": "1",
                    "qua_han_chua_xong": "1",
                    "dang_thuc_hien": "1",
                    "ty_le_dung_han": "77,8%",
                }
            ],
            "uu_diem": ["Ưu điểm mẫu."],
            "han_che": ["Hạn chế mẫu."],
        }
    )
    return context
