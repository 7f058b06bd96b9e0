"""Pre-filling an assignment from the reader's hints ("giao UBND các xã, phường chủ trì").

A hint names units the way documents do: with a type word in front ("UBND xã An Lạc",
"Trường TH An Lạc", "Phòng GDĐT"), with or without diacritics, sometimes a whole level
("các trường THCS", "UBND các xã, phường"). Names are compared on a *core*: diacritics folded
(:func:`namhoc.core.text.fold`), punctuation dropped, leading type words stripped, school-level
abbreviations spelled out ("th" -> "tieu hoc"). Then, per name:

- a plural ("các …", "tất cả …", "toàn bộ …") proposes a **level** (commune, school, school of a
  level) and no unit: guessing which units a plural means is the person's call;
- else an **exact** core match proposes those units; only when there is none, units whose core
  **starts with** the hint's core (whole words: "tieu hoc an lac" -> "tieu hoc an lac 2");
- a core that is only type or level words ("Trường Tiểu học", "Phòng") proposes nothing.

The caller passes the candidate units (already limited to the directive unit's subtree and
the user's scope). Pure functions over objects with ``pk``, ``name``, ``kind``, ``school_level``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from namhoc.core.text import fold

__all__ = ["Level", "Proposal", "candidates_for", "core_name", "level_of", "name_words", "propose"]


class UnitLike(Protocol):
    pk: Any
    name: str
    kind: str
    school_level: str


# Folded, punctuation-free phrases naming a kind of unit; longest first so that
# "uy ban nhan dan" wins over shorter overlaps. Stripped repeatedly from the front.
_TYPE_WORDS = sorted(
    [
        "uy ban nhan dan",
        "ubnd",
        "phong gddt",
        "so gddt",
        "bo gddt",
        "so",
        "thi xa",
        "thi tran",
        "thanh pho",
        "tp",
        "xa",
        "phuong",
        "huyen",
        "quan",
        "dac khu",
        "tinh",
        "cac",
        "tat ca",
        "toan bo",
        "truong",
        "co so giao duc",
        "don vi",
    ],
    key=lambda w: -len(w),
)
_TYPE_RE = re.compile(r"^(?:" + "|".join(re.escape(w) for w in _TYPE_WORDS) + r")(?: |$)")
# School levels, spelled out (the core of "Trường TH An Lạc" is "tieu hoc an lac").
_ABBREVIATIONS = {
    "th": "tieu hoc",
    "thcs": "trung hoc co so",
    "thpt": "trung hoc pho thong",
    "mn": "mam non",
    "mg": "mau giao",
    "gdtx": "giao duc thuong xuyen",
}
_LEVEL_WORDS = {
    "mam non": "mam_non",
    "mau giao": "mam_non",
    "tieu hoc": "tieu_hoc",
    "trung hoc co so": "thcs",
    "trung hoc pho thong": "thpt",
    "giao duc thuong xuyen": "gdtx",
}
_LEVEL_RE = re.compile(r"^(?:" + "|".join(sorted(_LEVEL_WORDS, key=lambda w: -len(w))) + r")\b")
_PLURAL_RE = re.compile(r"\b(?:cac|tat ca|toan bo)\b")
_COMMUNE_RE = re.compile(r"\b(?:xa|phuong|dac khu|thi tran)\b")
_SCHOOL_RE = re.compile(r"\b(?:truong|co so giao duc)\b")
_PROVINCE_RE = re.compile(r"\b(?:tinh|thanh pho)\b")


def _plain(text: str) -> str:
    """Folded, punctuation as spaces, "giáo dục và đào tạo"/"GD&ĐT" -> "gddt"."""
    text = re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()
    text = re.sub(r"\bgiao duc (?:va )?dao tao\b|\bgd dt\b", "gddt", text)
    words = text.split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def core_name(name: str) -> str:
    """ "UBND xã An Lạc" -> "an lac"; "Trường TH An Lạc" -> "tieu hoc an lac"."""
    text = _plain(name)
    while True:
        stripped = _TYPE_RE.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


def _proper_part(core: str) -> str:
    """The core without leading school-level words: empty when the name is only a level."""
    return _LEVEL_RE.sub("", core, count=1).strip()


@dataclass(frozen=True)
class Level:
    """ "Every unit of this level": a kind, and for schools possibly a school level."""

    kind: str
    school_level: str = ""
    hint: str = ""

    @property
    def value(self) -> str:
        """The form's choice value: "commune", "school", "school:thcs"."""
        return f"{self.kind}:{self.school_level}" if self.school_level else self.kind


def level_of(hint: str) -> Level | None:
    """The level a plural hint names ("các trường THCS" -> school/thcs), else None."""
    text = _plain(hint)
    if not _PLURAL_RE.search(text):
        return None
    if _SCHOOL_RE.search(text) or any(w in text for w in _LEVEL_WORDS):
        levels = {code for words, code in _LEVEL_WORDS.items() if re.search(rf"\b{words}\b", text)}
        return Level("school", levels.pop() if len(levels) == 1 else "", hint)
    if _COMMUNE_RE.search(text):
        return Level("commune", "", hint)
    if _PROVINCE_RE.search(text):
        return Level("province", "", hint)
    return None


@dataclass
class Proposal:
    units: list[Any] = field(default_factory=list)  # pks, exact matches before prefix matches
    levels: list[Level] = field(default_factory=list)


def _parts(hint: str) -> list[str]:
    return [p for p in re.split(r"\s*(?:[,;]|\bvà\b|\bva\b)\s*", hint) if p.strip()]


def name_words(names: Iterable[str]) -> list[str]:
    """The folded words a unit named by ``names`` must contain (one per named unit: the last
    word of its proper name) — to narrow the candidates in SQL before :func:`propose`."""
    words: list[str] = []
    for name in names:
        if level_of(name) is not None:
            continue
        for part in _parts(name):
            proper = _proper_part(core_name(part))
            if proper:
                words.append(proper.split()[-1])
    return list(dict.fromkeys(words))


def candidates_for(names: Iterable[str], units: Any, *, limit: int = 2000) -> list[Any]:
    """The units of queryset ``units`` whose folded name holds a word ``names`` need."""
    from django.db.models import Q

    words = name_words(names)
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(name_folded__contains=word)
    return list(units.filter(query).order_by("path")[:limit])


def propose(
    names: Iterable[str],
    units: Sequence[UnitLike],
    present: Iterable[tuple[str, str]] | None = None,
) -> Proposal:
    """Units (by pk) and levels proposed by the hint ``names`` among ``units``.

    ``present``: the (kind, school level) pairs among all candidate units, when ``units`` is
    only a name-narrowed part of them (levels are offered only when some unit has them)."""
    cores = [(u, core_name(u.name)) for u in units]
    pairs = set(present) if present is not None else {(u.kind, u.school_level) for u in units}
    proposal = Proposal()
    exact: list[Any] = []
    prefix: list[Any] = []
    for name in names:
        level = level_of(name)
        if level is not None:
            offered = {known.value for known in proposal.levels}
            if level.value not in offered and any(
                kind == level.kind and (not level.school_level or school == level.school_level)
                for kind, school in pairs
            ):
                proposal.levels.append(level)
            continue
        for part in _parts(name):
            core = core_name(part)
            if not _proper_part(core):
                continue
            same = [u.pk for u, c in cores if c == core]
            if same:
                exact.extend(pk for pk in same if pk not in exact)
                continue
            prefix.extend(u.pk for u, c in cores if c.startswith(core + " ") and u.pk not in prefix)
    proposal.units = exact + [pk for pk in prefix if pk not in exact]
    return proposal
