"""Legacy Vietnamese font encodings (TCVN3 ``.Vn*``, VNI) to Unicode, through viparse."""

from __future__ import annotations

import re

_TCVN3_FONT = re.compile(r"^(?:[A-Z]{6}\+)?\.vn", re.IGNORECASE)
_VNI_FONT = re.compile(r"^(?:[A-Z]{6}\+)?vni[-_ ]", re.IGNORECASE)


def encoding_for_font(font: str | None) -> str | None:
    """``"tcvn3"``, ``"vni"`` or None for a font name such as ``.VnTime`` or ``VNI-Times``."""
    if not font:
        return None
    if _TCVN3_FONT.match(font):
        return "tcvn3"
    if _VNI_FONT.match(font):
        return "vni"
    return None


def convert(text: str, encoding: str) -> str:
    """Convert a run written in a legacy font to Unicode."""
    from viparse.normalize.encodings import get_charmap
    from viparse.normalize.tables import convert as viparse_convert

    charmap = get_charmap(encoding)
    if charmap is None or not text:
        return text
    return viparse_convert(text, charmap)


_VIETNAMESE = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)
_TCVN3_MARKS = re.compile("[µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞ«ßãáâä¬åèæçé­êíëìîïóñòôõøûùúü]")


def looks_legacy(text: str) -> bool:
    """Whether a whole text layer's letters look like TCVN3 glyph codes.

    Only for sources with no font information per run (a PDF text layer): when TCVN3's
    code points far outnumber real Vietnamese letters, the text was typed in a .Vn font.
    """
    sample = text[:200_000]
    legacy = len(_TCVN3_MARKS.findall(sample))
    unicode_letters = len(_VIETNAMESE.findall(sample))
    return legacy > 50 and legacy > 3 * unicode_letters
