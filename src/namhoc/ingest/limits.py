"""How much one read may take: size, pages, characters, time, OCR; and the read's progress.

:class:`ReadLimits` is what a caller sets. :class:`Budget` carries them through one read: the
clock started when the read began, checked cooperatively between pages and stages (a native call
in progress is not interrupted: PDFium reading one page, a subprocess with its own timeout), and
the caller's progress callback, called so that its failures never break the read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from namhoc.ingest.errors import IngestError

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReadLimits:
    """Bounds of one :func:`~namhoc.ingest.read_document` call; beyond them it refuses.

    - ``max_bytes``: size of the file (``too_large``);
    - ``max_pages``: pages of a PDF, checked before anything is extracted (``too_many_pages``);
    - ``max_chars``: characters of text after normalization (``too_much_text``);
    - ``max_seconds``: the whole read, OCR included (``too_slow``);
    - ``ocr``: recognise the text of scanned PDFs when Tesseract is installed;
    - ``max_ocr_pages``: pages recognised at most; a longer scan is read up to there, with a
      warning.
    """

    max_bytes: int = 20 * 2**20
    max_pages: int = 500
    max_chars: int = 3_000_000
    max_seconds: float = 180.0
    ocr: bool = True
    max_ocr_pages: int = 40

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_pages", "max_chars", "max_seconds", "max_ocr_pages"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"ReadLimits.{name} must be a positive number, not {value!r}")


def vi_number(value: float) -> str:
    """``3000000`` -> ``3.000.000`` (Vietnamese digit grouping)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def en_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


class Budget:
    """One read's limits, clock and progress callback."""

    def __init__(
        self,
        limits: ReadLimits,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self._progress = progress
        self._clock = clock
        self._started = clock()

    def elapsed(self) -> float:
        return self._clock() - self._started

    def remaining(self) -> float:
        return self.limits.max_seconds - self.elapsed()

    def check(self) -> None:
        """Refuse (``too_slow``) once the read has taken longer than ``max_seconds``."""
        if self.remaining() < 0:
            raise too_slow(self.limits.max_seconds)

    def report(self, stage: str, done: int, total: int) -> None:
        """Tell the caller how far the read is. A failing callback is logged (once) and not
        called again; its error never reaches the read."""
        if self._progress is None:
            return
        try:
            self._progress(stage, done, total)
        except Exception:
            log.warning(
                "namhoc.ingest: the progress callback failed; no more calls to it", exc_info=True
            )
            self._progress = None

    def check_pages(self, pages: int) -> None:
        if pages > self.limits.max_pages:
            raise IngestError(
                "too_many_pages",
                f"Tệp PDF có {vi_number(pages)} trang, vượt giới hạn "
                f"{vi_number(self.limits.max_pages)} trang nên không được đọc.",
                f"The PDF has {en_number(pages)} pages, more than the limit of "
                f"{en_number(self.limits.max_pages)}; it was not read.",
            )

    def check_chars(self, chars: int) -> None:
        if chars > self.limits.max_chars:
            raise too_much_text(self.limits.max_chars)


def too_slow(seconds: float) -> IngestError:
    return IngestError(
        "too_slow",
        f"Đọc tệp quá lâu: đã dừng khi hết thời gian cho phép ({vi_number(seconds)} giây).",
        f"Reading the file took too long: stopped at the limit of {en_number(seconds)} seconds.",
    )


def too_much_text(chars: int) -> IngestError:
    return IngestError(
        "too_much_text",
        f"Văn bản quá dài: vượt giới hạn {vi_number(chars)} ký tự nên không được đọc.",
        f"The text is too long: more than the limit of {en_number(chars)} characters; it was "
        "not read.",
    )
