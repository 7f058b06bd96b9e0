"""The tables of known issuer codes and document type codes (data/*.tsv) and their look-ups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Issuer:
    code: str
    kind: str
    name: str


def _rows(name: str) -> list[list[str]]:
    text = (
        resources.files("namhoc.ingest").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@cache
def issuers() -> dict[str, Issuer]:
    return {row[0]: Issuer(row[0], row[1], row[2]) for row in _rows("issuers.tsv")}


@cache
def issuer_aliases() -> dict[str, str]:
    return {row[0]: row[1] for row in _rows("aliases.tsv")}


@cache
def doc_types() -> dict[str, str]:
    return {row[0]: row[1] for row in _rows("doc_types.tsv")}


@cache
def doc_type_by_name() -> dict[str, str]:
    """Lower-cased Vietnamese type name -> code (first code wins)."""
    out: dict[str, str] = {}
    for code, name in doc_types().items():
        out.setdefault(name.lower(), code)
    return out


# Codes whose letters people type without the stroke on Đ, or in the wrong case.
TYPE_ALIASES = {"QD": "QĐ", "ND": "NĐ", "TTR": "TTr", "CTR": "CTr", "Qđ": "QĐ", "Nđ": "NĐ"}


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, cut off above ``limit`` (codes are short)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@cache
def nearest_issuer(code: str, kinds: frozenset[str], limit: int = 1) -> str | None:
    """The one known code of one of ``kinds`` within ``limit`` edits of ``code``, if unique."""
    best: list[tuple[int, str]] = []
    for known, issuer in issuers().items():
        if issuer.kind not in kinds:
            continue
        distance = edit_distance(code.upper(), known.upper(), limit)
        if distance <= limit:
            best.append((distance, known))
    if not best:
        return None
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]
