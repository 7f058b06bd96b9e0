"""Text normalization: one form for all text, so offsets and patterns have one meaning.

- line ends become ``\\n``; Unicode NFC;
- no-break and other odd spaces become a plain space, zero-width characters and soft hyphens go;
- hyphen and dash variants (‐ ‑ ‒ – — −, and the U+FFFE that PDF text layers put for a hyphen
  at a line break) become ``-``;
- ``Ð``/``ð`` (eth), ``Ɖ`` become ``Đ``/``đ``; ``ƣ``/``Ƣ`` (what many PDF fonts give for ư) become
  ``ư``/``Ư``;
- control characters other than tab and newline go;
- tone marks take the traditional placement that Vietnamese government text uses: ``hoá`` ->
  ``hóa``, ``khoẻ`` -> ``khỏe``, ``uỷ`` -> ``ủy`` (only in an open syllable; ``quý`` keeps its
  mark on ``y`` because ``qu`` is the consonant).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(chr(c) for c in range(0x2000, 0x200B))
_DROP = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\ufffe"

_TABLE: dict[int, str | None] = {}
for _ch in _SPACES:
    _TABLE[ord(_ch)] = " "
for _ch in _DROP:
    _TABLE[ord(_ch)] = None
for _ch in _HYPHENS:
    _TABLE[ord(_ch)] = "-"
for _code in [*range(0, 9), 11, *range(14, 32), 127, *range(0x80, 0xA0)]:
    _TABLE[_code] = None
_TABLE.update(
    {
        ord("\f"): "\n",
        ord("\u2028"): "\n",
        ord("\u2029"): "\n",
        ord("\u00d0"): "Đ",
        ord("\u00f0"): "đ",
        ord("\u0189"): "Đ",
        ord("\u01a3"): "ư",
        ord("\u01a2"): "Ư",
    }
)

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _toned(bases: str) -> str:
    return "".join(unicodedata.normalize("NFC", b + t) for b in bases for t in _TONES)


# o + toned a/e, u + toned y, at the end of a word and not after q. One character class first,
# so that the regex engine can skip ahead; the pairing and the "q" are checked in _move_tone.
_NEW_STYLE = re.compile("([oOuU])([" + _toned("aAeEyY") + "])(?![^\\W\\d_])")
_O_PAIR = frozenset(_toned("aAeE"))
# Any character the table changes (found first: most text has none, and translate() is slow).
_ODD = re.compile("[" + re.escape("".join(chr(code) for code in _TABLE)) + "]")


_ODD_MAP = {chr(code): ("" if value is None else value) for code, value in _TABLE.items()}


def _replace_odd(match: re.Match[str]) -> str:
    return _ODD_MAP[match.group()]


def _move_tone(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    start = match.start()
    if (start and match.string[start - 1] in "qQ") or ((first in "oO") != (second in _O_PAIR)):
        return match.group()
    decomposed = unicodedata.normalize("NFD", second)
    base, tone = decomposed[0], decomposed[1:]
    return unicodedata.normalize("NFC", first + tone) + base


def normalize_text(text: str) -> str:
    """Return ``text`` in namhoc's normal form (see the module docstring)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _ODD.search(text):
        # (a substitution of the odd characters alone: str.translate with a table looks up
        # every character and is ten times slower on Vietnamese text)
        text = _ODD.sub(_replace_odd, text)
        # Dropping a zero-width character or mapping "ƣ" can leave a base letter beside a
        # combining tone mark that NFC would join.
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return _NEW_STYLE.sub(_move_tone, text)


_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Lower-case, drop diacritics (for matching words, never for output)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
