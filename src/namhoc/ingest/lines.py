"""Lines of a text with their offsets; the unit most passes work on."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The national motto (or the Party's), printed in every formal header and in forms in annexes.
MOTTO = re.compile(
    r"CỘNG\s*HÒA\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM|ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM|"
    r"Độc\s*lập\s*-\s*Tự\s*do\s*-\s*Hạnh\s*phúc",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Line:
    index: int
    start: int  # offset of the first character
    end: int  # offset just past the last character (the newline is not included)
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    end = len(text) if end is None else end
    out: list[Line] = []
    pos = start
    index = 0
    while pos <= end:
        newline = text.find("\n", pos, end)
        stop = end if newline < 0 else newline
        out.append(Line(index, pos, stop, text[pos:stop]))
        index += 1
        if newline < 0:
            break
        pos = newline + 1
    return out


def is_upper_line(text: str) -> bool:
    """True when the letters of ``text`` are (nearly) all capitals and there are some."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 3:
        return False
    upper = sum(1 for ch in letters if ch.isupper())
    return upper >= 0.9 * len(letters)
