"""What the public page of a unit holds, section by section, and the rule each section follows.

The rule is Thông tư 09/2024/TT-BGDĐT (03/06/2024) "Quy định về công khai trong hoạt động của các
cơ sở giáo dục thuộc hệ thống giáo dục quốc dân", which took the place of the 2017 rule
(Thông tư 36/2017/TT-BGDĐT). What was checked, and where (ADR 0012):

- its number, date and title: Sở GDĐT TP.HCM, Công văn 5711/SGDĐT-KTKĐ (11/09/2024), which guides
  the 2024-2025 disclosure "căn cứ Thông tư số 09/2024/TT-BGDĐT ngày 03 tháng 6 năm 2024";
- Article 4, general information (name, addresses, type and managing body, mission, history,
  legal representative, organisation): lawnet.vn;
- Article 6 (pre-schools: land, rooms, equipment) and Article 8 (upper secondary schools: staff by
  position and qualification, the share meeting the standards, training; land, rooms,
  equipment, textbooks; self-assessment and accreditation): lawnet.vn;
- the finance items (the previous fiscal year's revenue and spending by source and kind, fees
  and charges, exemptions and scholarships, fund balances): lawnet.vn;
- timing (Article 15: before 30 June every year): luatminhkhue.vn.

Not checked: the article numbers of the items on enrolment and on educational results for every
level, and the date the circular took effect. The page says so rather than cite what was not read.

namhoc publishes only what it holds as approved figures (``indicators``: a data set approved for
a period at the unit or above it); the items it does not collect (addresses, people, finance) are
named as not held, never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CIRCULAR",
    "CIRCULAR_SOURCE",
    "GROUPS",
    "SECTIONS",
    "Section",
    "section_of_element",
]

CIRCULAR = "Thông tư 09/2024/TT-BGDĐT"
CIRCULAR_SOURCE = (
    "https://thuvienphapluat.vn/cong-van/Giao-duc/"
    "Cong-van-5711-SGDDT-KTKD-2024-cong-khai-hoat-dong-co-so-giao-duc-Ho-Chi-Minh-623957.aspx"
)
_LAWNET_GENERAL = (
    "https://lawnet.vn/thong-tin-phap-luat/en/chinh-sach-moi/"
    "public-disclosure-of-general-contents-about-educational-institutions-in-the-national-"
    "education-system-in-vietnam-140458.html"
)
_LAWNET_CONDITIONS = (
    "https://lawnet.vn/giao-duc/en/what-information-on-conditions-ensuring-the-quality-of-"
    "educational-activities-shall-be-publicly-disc-8083.html"
)
_LAWNET_FINANCE = (
    "https://lawnet.vn/thong-tin-phap-luat/en/thong-bao-van-ban-moi/public-disclosure-of-"
    "financial-revenues-and-expenditures-for-educational-institutions-within-the-national-"
    "education-system-in-vietnam-140451.html"
)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    basis: str  # what the rule asks, in one sentence, with the article when it was read
    source: str  # the public page that says so
    not_held: str = ""  # items of the rule namhoc does not collect, said as such


GENERAL = Section(
    code="thong-tin-chung",
    title="Thông tin chung",
    basis=(
        f"Điều 4 {CIRCULAR}: tên, địa chỉ, loại hình và cơ quan quản lý trực tiếp, sứ mạng, "
        "quá trình hình thành, người đại diện, cơ cấu tổ chức."
    ),
    source=_LAWNET_GENERAL,
    not_held=(
        "namhoc không lưu địa chỉ, điện thoại, thư điện tử, sứ mạng, quá trình hình thành, "
        "người đại diện và cơ cấu tổ chức; trang này không công bố tên hay thông tin liên hệ "
        "của cá nhân."
    ),
)
ENROLMENT = Section(
    code="tuyen-sinh",
    title="Tuyển sinh và quy mô",
    basis=(
        f"{CIRCULAR}: công khai kế hoạch và kết quả hoạt động giáo dục (số điều của từng cấp "
        "học chưa được đối chiếu)."
    ),
    source=CIRCULAR_SOURCE,
)
QUALITY = Section(
    code="ket-qua",
    title="Kết quả chất lượng giáo dục",
    basis=(
        f"{CIRCULAR}: công khai kết quả hoạt động giáo dục và kết quả kiểm định, đánh giá chất "
        "lượng (Điều 8 với trường trung học phổ thông; điều tương ứng của các cấp khác chưa được "
        "đối chiếu)."
    ),
    source=_LAWNET_CONDITIONS,
)
STAFF = Section(
    code="doi-ngu",
    title="Đội ngũ",
    basis=(
        f"Điều 8 {CIRCULAR} (trường trung học phổ thông): số giáo viên, cán bộ quản lý, nhân "
        "viên theo vị trí việc làm và trình độ; số và tỷ lệ đạt chuẩn; các cấp học khác có điều "
        "tương ứng chưa được đối chiếu."
    ),
    source=_LAWNET_CONDITIONS,
    not_held="namhoc không công bố danh sách hay tên của giáo viên, cán bộ, nhân viên.",
)
FACILITIES = Section(
    code="co-so-vat-chat",
    title="Cơ sở vật chất",
    basis=(
        f"Điều 6 (mầm non) và Điều 8 (trung học phổ thông) {CIRCULAR}: diện tích đất, số "
        "phòng theo khối, thiết bị, so với yêu cầu tối thiểu."
    ),
    source=_LAWNET_CONDITIONS,
    not_held="namhoc chưa thu thập diện tích đất, thiết bị và sách giáo khoa.",
)
FINANCE = Section(
    code="tai-chinh",
    title="Tài chính",
    basis=(
        f"{CIRCULAR}: tình hình tài chính năm trước (thu theo nguồn, chi theo nội dung), các "
        "khoản thu và học phí, chính sách miễn, giảm và học bổng, số dư các quỹ."
    ),
    source=_LAWNET_FINANCE,
    not_held="namhoc chưa thu thập số liệu thu, chi tài chính của đơn vị.",
)
OTHER = Section(
    code="khac",
    title="Số liệu khác đã phê duyệt",
    basis="Số liệu đã phê duyệt của đơn vị chưa xếp vào mục nào ở trên.",
    source=CIRCULAR_SOURCE,
)

SECTIONS: tuple[Section, ...] = (GENERAL, ENROLMENT, QUALITY, STAFF, FACILITIES, FINANCE, OTHER)

# Which figures go where: the end of an element's code (namhoc's catalogue, ADR 0005) ...
_BY_SUFFIX: tuple[tuple[str, Section], ...] = (
    ("_GV_CHUAN", STAFF),
    ("_GV", STAFF),
    ("_PHONG_KC", FACILITIES),
    ("_PHONG", FACILITIES),
    ("_CHUAN_QG", FACILITIES),
    ("_HTCT", QUALITY),
    ("_TOT_NGHIEP", QUALITY),
    ("_BO_HOC", QUALITY),
    ("_LOP", ENROLMENT),
    ("_HS", ENROLMENT),
    ("_HS_NU", ENROLMENT),
    ("_HS_DTTS", ENROLMENT),
    ("_HS_KT", ENROLMENT),
    ("_HS_L9", ENROLMENT),
    ("_HS_2BUOI", ENROLMENT),
    ("_HS_DUNG_TUOI", ENROLMENT),
    ("_TRE_5T", ENROLMENT),
    ("_BAN_TRU", ENROLMENT),
)
# ... and an indicator's group.
GROUPS: dict[str, Section] = {
    "Trường, lớp, quy mô": ENROLMENT,
    "Huy động, phổ cập": ENROLMENT,
    "Chất lượng, hiệu quả": QUALITY,
    "Đội ngũ": STAFF,
    "Cơ sở vật chất, chuẩn quốc gia": FACILITIES,
}


def section_of_element(code: str) -> Section:
    if code.startswith("DS_"):  # the commune's school-age population
        return ENROLMENT
    for suffix, section in _BY_SUFFIX:
        if code.endswith(suffix):
            return section
    return OTHER
