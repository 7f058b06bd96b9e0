"""Reads Vietnam's administrative units, both sets and the 2025 mapping, from ``vietnamadminunits``.

The package (MIT) ships ``data/dataset.db`` (SQLite: ``admin_units`` = 34 provinces / 3,321
communes since 1/7/2025; ``admin_units_legacy`` = 63 provinces / 696 districts / 10,035 communes
before, plus 5 island districts without communes) and ``data/converter_2025.json`` (old -> new:
provinces, communes moved whole, communes divided between several new ones with a default).
We read the files directly — offline, without importing the package (which pulls in geopy and
shapely) — and turn them into plain records. No Django here.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from namhoc.core.text import nfc

PACKAGE = "vietnamadminunits"


class SourceError(Exception):
    """The package is missing or its data is not what we expect."""


@dataclass(frozen=True)
class UnitRecord:
    key: str
    code: str
    kind: str  # province | district | commune
    name: str
    unit_type: str
    parent_key: str | None  # None: under the Ministry
    era: str  # "2025" (valid from 1/7/2025) | "legacy" (valid until 1/7/2025)


@dataclass(frozen=True)
class LinkRecord:
    predecessor: str
    successor: str
    share: str  # whole | part
    is_primary: bool


@dataclass
class AdminData:
    units: list[UnitRecord] = field(default_factory=list)
    # successor key -> predecessor links (one 2025 event per successor)
    events: dict[str, list[LinkRecord]] = field(default_factory=dict)
    # legacy district key -> 2025 province key (the district is dissolved)
    dissolved: dict[str, str] = field(default_factory=dict)

    def count(self, kind: str, era: str) -> int:
        return sum(1 for u in self.units if u.kind == kind and u.era == era)


def data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(
            f"Chưa cài gói {PACKAGE} (pip install {PACKAGE}). / Package {PACKAGE} is not installed."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _province_key(code: str, era: str) -> str:
    return f"p{'2025' if era == '2025' else '2024'}-{code}"


def province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def read_admin_data(  # noqa: PLR0912, PLR0915 - one pass over the two tables and the mapping
    provinces: Collection[str] | None = None,
) -> AdminData:
    """Both sets and the mapping; ``provinces``: only these 2025 province codes (and the legacy
    provinces that merged into them), e.g. ``["31"]`` = Hải Phòng + legacy Hải Dương."""
    folder = data_dir()
    try:
        mapping = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
        connection = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    except (OSError, sqlite3.Error, ValueError) as exc:
        raise SourceError(
            f"Không đọc được dữ liệu của gói {PACKAGE}: {exc} / Cannot read {PACKAGE} data: {exc}"
        ) from exc
    try:
        new_rows = connection.execute(
            "SELECT provinceCode, province, provinceKey, wardCode, ward, wardType, wardKey "
            "FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
        old_rows = connection.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtType, "
            "districtKey, wardCode, ward, wardType, wardKey FROM admin_units_legacy "
            "ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
    finally:
        connection.close()

    wanted_new = set(provinces) if provinces else None
    new_province_by_pkey: dict[str, str] = {}  # new provinceKey -> code
    for p_code, _p, p_key, *_ in new_rows:
        new_province_by_pkey[p_key] = p_code
    old_to_new_pkey: dict[str, str] = {
        old: new for new, olds in mapping["DICT_PROVINCE"].items() for old in olds
    }

    data = AdminData()
    new_ward_key: dict[tuple[str, str], str] = {}  # (new provinceKey, wardKey) -> unit key
    seen: set[str] = set()
    for p_code, p_name, p_key, w_code, w_name, w_type, w_key in new_rows:
        if wanted_new is not None and p_code not in wanted_new:
            continue
        pkey = _province_key(p_code, "2025")
        if pkey not in seen:
            seen.add(pkey)
            name = nfc(p_name)
            data.units.append(
                UnitRecord(pkey, p_code, "province", name, province_type(name), None, "2025")
            )
        ckey = f"c2025-{w_code}"
        new_ward_key[(p_key, w_key)] = ckey
        data.units.append(
            UnitRecord(ckey, w_code, "commune", nfc(w_name), nfc(w_type), pkey, "2025")
        )

    old_key: dict[str, str] = {}  # "province_district_ward" composite -> unit key
    district_of_island: dict[str, str] = {}
    for row in old_rows:
        p_code, p_name, p_key, d_code, d_name, d_type, d_key, w_code, w_name, w_type, w_key = row
        new_pkey = old_to_new_pkey.get(p_key)
        if new_pkey is None:
            raise SourceError(f"Tỉnh cũ {p_name} không có trong bảng chuyển đổi / unmapped {p_key}")
        new_code = new_province_by_pkey[new_pkey]
        if wanted_new is not None and new_code not in wanted_new:
            continue
        pkey = _province_key(p_code, "legacy")
        if pkey not in seen:
            seen.add(pkey)
            name = nfc(p_name)
            data.units.append(
                UnitRecord(pkey, p_code, "province", name, province_type(name), None, "legacy")
            )
        dkey = f"d2024-{d_code}"
        if dkey not in seen:
            seen.add(dkey)
            data.units.append(
                UnitRecord(dkey, d_code, "district", nfc(d_name), nfc(d_type), pkey, "legacy")
            )
            data.dissolved[dkey] = _province_key(new_code, "2025")
        if w_code:
            ckey = f"c2024-{w_code}"
            data.units.append(
                UnitRecord(ckey, w_code, "commune", nfc(w_name), nfc(w_type), dkey, "legacy")
            )
            old_key[f"{p_key}_{d_key}_{w_key}"] = ckey
        else:  # an island district with no communes: it became a special zone (đặc khu)
            old_key[f"{p_key}_{d_key}_"] = dkey
            district_of_island[dkey] = dkey

    old_code_by_pkey = {row[2]: row[0] for row in old_rows}
    # Provinces: every legacy province merged (or went on unchanged) into one 2025 province.
    for new_pkey, olds in mapping["DICT_PROVINCE"].items():
        new_code = new_province_by_pkey[new_pkey]
        if wanted_new is not None and new_code not in wanted_new:
            continue
        succ = _province_key(new_code, "2025")
        data.events[succ] = [
            LinkRecord(_province_key(old_code_by_pkey[old], "legacy"), succ, "whole", True)
            for old in olds
        ]

    # Communes: moved whole ...
    for new_pkey, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for w_key, olds in wards.items():
            succ_key = new_ward_key.get((new_pkey, w_key))
            if succ_key is None:
                continue
            data.events.setdefault(succ_key, []).extend(
                LinkRecord(old_key[old], succ_key, "whole", True) for old in olds
            )
    # ... or divided between several new communes, one of them the default heir.
    for new_pkey, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in parts:
                succ_key = new_ward_key.get((new_pkey, part["newWardKey"]))
                if succ_key is None:
                    continue
                data.events.setdefault(succ_key, []).append(
                    LinkRecord(old_key[old], succ_key, "part", bool(part["isDefaultNewWard"]))
                )
    for dkey in district_of_island:
        data.dissolved.pop(dkey, None)
    return data
