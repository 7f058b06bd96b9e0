"""The emulation titles namhoc knows, their legal basis and the criteria it scores them by —
read from the data file the project keeps (``emulation/data/titles.json``), checked once.

A criterion's ``source`` says where its value comes from:

- ``attainment`` — the mean target attainment of the unit's indicators (``namhoc.indicators``),
  for the latest period of the school year whose figures are due;
- ``on_time`` — the share of the unit's work done on time (``namhoc.tracking``);
- ``inspection`` — the share of checklist items found met in the unit's concluded inspections
  of the year (``namhoc.inspections``);
- ``indicator`` — one indicator's attainment of its target (``indicator`` names its code);
- ``declared`` — a statement the candidate makes in the self-assessment, with evidence, that the
  council weighs.

``namhoc_choice`` marks a criterion that is namhoc's own way of scoring, not a standard of the
law; the pages say so next to it. ``legal.checked`` false: the article has not been checked
against the original text, and the page says that too.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from typing import Any

__all__ = [
    "COLLECTIVE",
    "INDIVIDUAL",
    "SOURCES",
    "Criterion",
    "LegalBasis",
    "Title",
    "all_titles",
    "law_documents",
    "title_by_code",
]

COLLECTIVE = "collective"
INDIVIDUAL = "individual"
SOURCES = frozenset({"attainment", "on_time", "inspection", "indicator", "declared"})


@dataclass(frozen=True)
class Criterion:
    code: str
    source: str
    label: str
    weight: Decimal
    threshold: Decimal | None  # the value (0–100) from which the criterion is met
    required: bool  # must be met whatever the score (declared statements)
    namhoc_choice: bool
    indicator: str = ""
    unit_kinds: tuple[str, ...] = ()  # empty: every kind of unit


@dataclass(frozen=True)
class LegalBasis:
    basis: str
    article: str
    checked: bool
    summary: str


@dataclass(frozen=True)
class Title:
    code: str
    name: str
    kind: str  # collective | individual
    legal: LegalBasis
    pass_score: Decimal
    criteria: tuple[Criterion, ...]

    @property
    def is_collective(self) -> bool:
        return self.kind == COLLECTIVE

    @property
    def declared(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.source == "declared")

    @property
    def weight_total(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))


def _criterion(raw: dict[str, Any]) -> Criterion:
    source = raw["source"]
    if source not in SOURCES:
        raise ValueError(f"criterion {raw.get('code')!r}: unknown source {source!r}")
    if source == "indicator" and not raw.get("indicator"):
        raise ValueError(f"criterion {raw['code']!r}: an indicator criterion names its code")
    weight = Decimal(str(raw.get("weight", 0)))
    threshold = raw.get("threshold")
    if weight < 0 or (threshold is not None and not 0 <= Decimal(str(threshold)) <= 100):
        raise ValueError(f"criterion {raw['code']!r}: weight ≥ 0, threshold within 0–100")
    return Criterion(
        code=str(raw["code"]),
        source=source,
        label=str(raw["label"]),
        weight=weight,
        threshold=Decimal(str(threshold)) if threshold is not None else None,
        required=bool(raw.get("required", False)),
        namhoc_choice=bool(raw.get("namhoc_choice", True)),
        indicator=str(raw.get("indicator", "")),
        unit_kinds=tuple(raw.get("unit_kinds", ())),
    )


@functools.cache
def _load() -> tuple[tuple[Title, ...], tuple[str, ...]]:
    text = files("namhoc.emulation").joinpath("data", "titles.json").read_text(encoding="utf-8")
    data = json.loads(text)
    titles: list[Title] = []
    for raw in data["titles"]:
        if raw["kind"] not in (COLLECTIVE, INDIVIDUAL):
            raise ValueError(f"title {raw['code']!r}: kind is collective or individual")
        criteria = tuple(_criterion(c) for c in raw["criteria"])
        if len({c.code for c in criteria}) != len(criteria):
            raise ValueError(f"title {raw['code']!r}: criterion codes repeat")
        legal = raw["legal"]
        titles.append(
            Title(
                code=str(raw["code"]),
                name=str(raw["name"]),
                kind=raw["kind"],
                legal=LegalBasis(
                    basis=str(legal["basis"]),
                    article=str(legal.get("article", "")),
                    checked=bool(legal.get("checked", False)),
                    summary=str(legal.get("summary", "")),
                ),
                pass_score=Decimal(str(raw["pass_score"])),
                criteria=criteria,
            )
        )
    if len({t.code for t in titles}) != len(titles):
        raise ValueError("title codes repeat")
    return tuple(titles), tuple(data["law"]["documents"])


def all_titles() -> tuple[Title, ...]:
    return _load()[0]


def law_documents() -> tuple[str, ...]:
    return _load()[1]


def title_by_code(code: object) -> Title | None:
    return next((t for t in all_titles() if t.code == code), None)
