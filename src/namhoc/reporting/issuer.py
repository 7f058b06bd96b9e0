"""Who issues a unit's document and how its header reads (Decree 30/2020/NĐ-CP, Appendix I).

- The issuing body and the body above it: a province's education office is "SỞ GIÁO DỤC VÀ ĐÀO
  TẠO" under "UBND TỈNH …/THÀNH PHỐ …"; after the 2025 reform a commune's is the "PHÒNG VĂN HÓA -
  XÃ HỘI" under "UBND XÃ …"; a school issues in its own name under the commune's UBND (or, for
  upper-secondary and continuing-education centres, under the province's Sở GDĐT).
- The symbol after the blank number: the document kind (BC: báo cáo, KH: kế hoạch) and the
  issuer's abbreviation (SGDĐT, VHXH, THAL for "Trường Tiểu học An Lạc"…).
- The place name: the administrative unit where the issuer sits, without its type.
- The signer's title and the usual recipients ("Nơi nhận"), to correct before signing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from namhoc.orgunits.models import OrgUnit

__all__ = ["Issuer", "issuer_of", "short_name"]

_TYPES = ("Thành phố", "Tỉnh", "Đặc khu", "Phường", "Xã", "Thị trấn", "Huyện", "Quận", "Thị xã")
_SCHOOL_WORDS = {
    OrgUnit.SchoolLevel.PRESCHOOL: ("MN", ("Trường Mầm non", "Trường mầm non", "Trường MN")),
    OrgUnit.SchoolLevel.PRIMARY: ("TH", ("Trường Tiểu học", "Trường tiểu học", "Trường TH")),
    OrgUnit.SchoolLevel.LOWER_SECONDARY: (
        "THCS",
        ("Trường Trung học cơ sở", "Trường THCS"),
    ),
    OrgUnit.SchoolLevel.UPPER_SECONDARY: (
        "THPT",
        ("Trường Trung học phổ thông", "Trường THPT"),
    ),
    OrgUnit.SchoolLevel.MULTI_LEVEL: ("TrLC", ("Trường Liên cấp", "Trường liên cấp")),
    OrgUnit.SchoolLevel.CONTINUING: (
        "TTGDTX",
        ("Trung tâm Giáo dục thường xuyên", "Trung tâm GDTX", "Trung tâm"),
    ),
}
_UNDER_PROVINCE = (OrgUnit.SchoolLevel.UPPER_SECONDARY, OrgUnit.SchoolLevel.CONTINUING)


def short_name(unit: OrgUnit) -> str:
    """ "Thành phố Hải Phòng" → "Hải Phòng"; "Xã An Lạc" → "An Lạc"."""
    name = unit.name.strip()
    for prefix in ((unit.unit_type,) if unit.unit_type else ()) + _TYPES:
        if prefix and name.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name


def _upper(text: str) -> str:
    return text.upper()


def _people_committee(unit: OrgUnit) -> str:
    """ "UBND tỉnh Phú An", "UBND thành phố Hải Phòng", "UBND xã An Lạc" (running text)."""
    kind = (unit.unit_type or "").strip()
    if kind and unit.name.startswith(kind + " "):
        return f"UBND {kind.lower()} {short_name(unit)}"
    return f"UBND {unit.name}"


def _initials(words: str) -> str:
    letters = [w[0] for w in re.findall(r"\w+", words) if w and w[0].isalpha()]
    return "".join(letters).upper()


def _school_symbol(unit: OrgUnit) -> str:
    prefix, openings = _SCHOOL_WORDS.get(unit.school_level, ("Tr", ("Trường",)))  # type: ignore[call-overload]
    rest = unit.name
    for opening in openings:
        if rest.startswith(opening + " "):
            rest = rest[len(opening) + 1 :]
            break
    return prefix + _initials(rest)


@dataclass(frozen=True)
class Issuer:
    upper_body: str
    name: str  # the issuing body, in capitals
    short: str  # the body in running text: "Sở Giáo dục và Đào tạo", "Trường Tiểu học An Lạc"
    symbol: str  # "SGDĐT"
    place: str
    signer_title: str
    report_recipients: tuple[str, ...]
    plan_recipients: tuple[str, ...]


def _province_of(chain: list[OrgUnit]) -> OrgUnit | None:
    return next((u for u in reversed(chain) if u.kind == OrgUnit.Kind.PROVINCE), None)


def _commune_of(chain: list[OrgUnit]) -> OrgUnit | None:
    return next(
        (u for u in reversed(chain) if u.kind in (OrgUnit.Kind.COMMUNE, OrgUnit.Kind.DISTRICT)),
        None,
    )


def issuer_of(unit: OrgUnit, above: list[OrgUnit]) -> Issuer:
    """The header of ``unit``'s documents; ``above`` lists its ancestors, the root first."""
    kind = unit.kind
    if kind == OrgUnit.Kind.MINISTRY:
        return Issuer(
            upper_body="",
            name=_upper(unit.name),
            short=unit.name,
            symbol="BGDĐT",
            place="Hà Nội",
            signer_title="BỘ TRƯỞNG",
            report_recipients=(
                "Thủ tướng Chính phủ (để báo cáo)",
                "Các Phó Thủ tướng Chính phủ (để báo cáo)",
                "Sở GDĐT các tỉnh, thành phố",
                "Lưu: VT, VP",
            ),
            plan_recipients=(
                "Thủ tướng Chính phủ (để báo cáo)",
                "Sở GDĐT các tỉnh, thành phố (để thực hiện)",
                "Lưu: VT, VP",
            ),
        )
    if kind == OrgUnit.Kind.PROVINCE:
        place = short_name(unit)
        return Issuer(
            upper_body=_upper(f"UBND {unit.name}"),
            name="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
            short="Sở Giáo dục và Đào tạo",
            symbol="SGDĐT",
            place=place,
            signer_title="GIÁM ĐỐC",
            report_recipients=(
                "Bộ Giáo dục và Đào tạo (để báo cáo)",
                f"{_people_committee(unit)} (để báo cáo)",
                "Giám đốc, các Phó Giám đốc Sở",
                "Lưu: VT, VP",
            ),
            plan_recipients=(
                "Bộ Giáo dục và Đào tạo (để báo cáo)",
                f"{_people_committee(unit)} (để báo cáo)",
                "Các xã, phường, đặc khu và cơ sở giáo dục trực thuộc (để thực hiện)",
                "Lưu: VT, VP",
            ),
        )
    province = _province_of(above)
    province_office = (
        f"Sở GDĐT {short_name(province)}" if province is not None else "Sở Giáo dục và Đào tạo"
    )
    if kind in (OrgUnit.Kind.COMMUNE, OrgUnit.Kind.DISTRICT):
        district = kind == OrgUnit.Kind.DISTRICT
        office = "Phòng Giáo dục và Đào tạo" if district else "Phòng Văn hóa - Xã hội"
        return Issuer(
            upper_body=_upper(f"UBND {unit.name}"),
            name=_upper(office),
            short=f"{office} {_people_committee(unit).removeprefix('UBND ')}",
            symbol="PGDĐT" if district else "VHXH",
            place=short_name(unit),
            signer_title="TRƯỞNG PHÒNG",
            report_recipients=(
                f"{province_office} (để báo cáo)",
                f"{_people_committee(unit)} (để báo cáo)",
                "Lưu: VT",
            ),
            plan_recipients=(
                f"{province_office} (để báo cáo)",
                f"{_people_committee(unit)} (để báo cáo)",
                "Các cơ sở giáo dục trên địa bàn (để thực hiện)",
                "Lưu: VT",
            ),
        )
    # a school (or another unit below a commune)
    commune = _commune_of(above)
    under_province = unit.school_level in _UNDER_PROVINCE or commune is None
    if under_province:
        upper = _upper(province_office)
        superior = f"{province_office} (để báo cáo)"
        place_unit = commune or province
    else:
        assert commune is not None
        upper = _upper(f"UBND {commune.name}")
        superior = (
            f"Phòng Văn hóa - Xã hội {_people_committee(commune).removeprefix('UBND ')}"
            " (để báo cáo)"
        )
        place_unit = commune
    return Issuer(
        upper_body=upper,
        name=_upper(unit.name),
        short=unit.name,
        symbol=_school_symbol(unit),
        place=short_name(place_unit) if place_unit is not None else "",
        signer_title="GIÁM ĐỐC"
        if unit.school_level == OrgUnit.SchoolLevel.CONTINUING
        else ("HIỆU TRƯỞNG"),
        report_recipients=(superior, "Lưu: VT"),
        plan_recipients=(superior, "Tổ chuyên môn, giáo viên (để thực hiện)", "Lưu: VT"),
    )
