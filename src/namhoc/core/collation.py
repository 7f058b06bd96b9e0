"""Vietnamese alphabetical order, the same in Python, on SQLite and on PostgreSQL.

The Vietnamese alphabet orders a < ă < â < b < c < d < đ < e < ê < … < o < ô < ơ < … < u < ư < …;
tone marks only break ties between otherwise equal words, in the order of Vietnamese
dictionaries (and of CLDR's ``vi`` collation): no mark, huyền (`), hỏi (?), ngã (~), sắc (´),
nặng (.). So "Chí Linh" < "Chu Văn An", "Hải An" < "Hòa Bình" < "Hưng Đạo", "Ái Quốc" < "Việt Hòa",
where plain code-point order says the opposite.

- :func:`vi_sort_key` sorts Python lists (``sorted(rows, key=lambda r: vi_sort_key(r.name))``).
- :func:`collate_vi` orders querysets: ``.order_by(collate_vi("name"))``. It uses a collation named
  ``vi``: on PostgreSQL an ICU collation (created by core's migration ``0002``), on SQLite one
  registered on every new connection with :func:`vi_sort_key` (see ``CoreConfig.ready``).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django.db.models import F
from django.db.models.functions import Collate

__all__ = ["COLLATION", "collate_vi", "register_sqlite_collation", "vi_compare", "vi_sort_key"]

COLLATION = "vi"

# Letters in Vietnamese order; the foreign letters f, j, w, z where the Latin alphabet has them.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
# A base letter plus its shape mark (breve, circumflex, horn) -> the letter of the alphabet.
_SHAPES = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_DIGIT_BASE = 10
_LETTER_BASE = 100
_RANK = {letter: _LETTER_BASE + i for i, letter in enumerate(_ALPHABET)}


@functools.lru_cache(maxsize=65536)
def vi_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(letters, tones, case) — compare letters first, then tones, then case."""
    primary: list[int] = []
    tones: list[int] = []
    case: list[int] = []
    for char in unicodedata.normalize("NFD", text or ""):
        if unicodedata.combining(char):
            if char in _TONES and tones:
                tones[-1] = _TONES[char]
            elif primary and primary[-1] >= _LETTER_BASE:
                letter = _ALPHABET[primary[-1] - _LETTER_BASE]
                shaped = _SHAPES.get((letter, char))
                if shaped is not None:
                    primary[-1] = _RANK[shaped]
            continue
        lower = char.lower()
        if lower in _RANK:
            rank = _RANK[lower]
        elif lower.isdigit() and lower.isascii():
            rank = _DIGIT_BASE + int(lower)
        elif char.isspace():
            if primary and primary[-1] == 1:
                continue  # runs of spaces count once
            rank = 1
        elif char.isalnum():
            rank = 10_000 + ord(lower)  # other scripts after the Vietnamese alphabet
        else:
            rank = 2  # punctuation sorts with spaces, just after them
        primary.append(rank)
        tones.append(0)
        case.append(0 if char == lower else 1)
    return tuple(primary), tuple(tones), tuple(case)


def vi_compare(left: str | None, right: str | None) -> int:
    """-1, 0 or 1, as SQLite's collation callback wants."""
    a, b = vi_sort_key(left or ""), vi_sort_key(right or "")
    return (a > b) - (a < b)


def collate_vi(field: str) -> Collate:
    """``field`` ordered the Vietnamese way (for ``order_by``; add ``"pk"`` for a stable tail)."""
    return Collate(F(field), COLLATION)


def register_sqlite_collation(connection: Any) -> None:
    """Teach a new SQLite connection the ``vi`` collation (no-op on other databases)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, vi_compare)
