"""Small text helpers shared across apps (Django-free)."""

from __future__ import annotations

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip diacritics: "Tứ Kỳ" -> "tu ky". For search keys, never for display."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
