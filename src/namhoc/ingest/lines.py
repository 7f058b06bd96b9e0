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


@dataclass(slots=True)
class Line:
    """One line: its index, the offsets of its first character and just past its last (the
    newline is not included), and its text. Slotted: cheap to make by the hundred thousand."""

    index: int
    start: int
    end: int
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
    for index, piece in enumerate(text[start:end].split("\n")):
        stop = pos + len(piece)
        out.append(Line(index, pos, stop, piece))
        pos = stop + 1
    return out


def is_upper_line(text: str) -> bool:
    """True when the letters of ``text`` are (nearly) all capitals and there are some."""
    # Most lines are prose: counted a piece at a time, they are rejected after the first piece.
    limit = 0.1 * len(text)
    lower = 0
    for at in range(0, len(text), 64):
        lower += sum(map(str.islower, text[at : at + 64]))
        if lower > limit:
            return False
    letters = sum(map(str.isalpha, text))
    if letters < 3:
        return False
    upper = sum(map(str.isupper, text))
    return upper >= 0.9 * letters
