"""Materialized paths: fixed-width decimal segments, compared as plain strings.

A unit's path is its parent's path plus a 4-digit segment (``0001``-``9999``): the Ministry is
``0001``, a province ``00010003``, a commune ``000100030017``. A subtree is the half-open range
``[path, next(path))`` where ``next`` adds one to the path read as a number — an indexed range
scan on SQLite and PostgreSQL alike, correct under any collation that orders digits (no LIKE,
no collation-dependent sentinel character). Ancestors are the path's prefixes: one ``IN`` query.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

SEGMENT = 4
MAX_SEGMENT = 10**SEGMENT - 1


def segment(number: int) -> str:
    if not 1 <= number <= MAX_SEGMENT:
        raise ValueError(f"segment {number} out of range 1..{MAX_SEGMENT}")
    return f"{number:0{SEGMENT}d}"


def child_path(parent_path: str, number: int) -> str:
    return parent_path + segment(number)


def depth_of(path: str) -> int:
    return len(path) // SEGMENT - 1


def last_segment(path: str) -> int:
    return int(path[-SEGMENT:])


def parent_path(path: str) -> str:
    return path[:-SEGMENT]


def path_upper(path: str) -> str:
    """The smallest path after the whole subtree of ``path`` (exclusive upper bound)."""
    return str(int(path) + 1).zfill(len(path))


def ancestor_paths(path: str) -> list[str]:
    """The paths of the ancestors of ``path``, root first (not ``path`` itself)."""
    return [path[:end] for end in range(SEGMENT, len(path), SEGMENT)]


def subtree_q(path: str, *, field: str = "path", include_self: bool = True) -> Q:
    lower = Q(**{f"{field}__gte": path}) if include_self else Q(**{f"{field}__gt": path})
    return lower & Q(**{f"{field}__lt": path_upper(path)})


def valid_on_q(day: dt.date, *, prefix: str = "") -> Q:
    """Rows whose ``[valid_from, valid_to)`` contains ``day`` (open ends are unbounded)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def is_valid_on(valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to > day)
