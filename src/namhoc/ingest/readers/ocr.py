"""OCR of scanned PDF pages: poppler's ``pdftoppm`` renders a page, Tesseract (``vie``) reads it.

Both run as subprocesses, one page at a time, each with a timeout bounded by what is left of the
read's time budget, so that a hostile page can neither hang nor crash the caller and progress can
be reported page by page. Pages are rendered in grey at 300 dpi, or less for pages so large that
300 dpi would make an image longer than :data:`MAX_SIDE_PIXELS`. Tesseract runs with page
segmentation mode 6 (one block of text): it keeps a header's two columns on one line, the way
PDF text layers give them, and in our tests read stamped digits better than the default mode.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from namhoc.ingest.errors import IngestError
from namhoc.ingest.limits import Budget, too_slow

LANGUAGE = "vie"
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"
DPI = 300
MAX_SIDE_PIXELS = 4500  # an A4 page at 300 dpi is 3508 pixels high
MIN_DPI = 72
PAGE_TIMEOUT = 120.0  # seconds for one page's rendering, and again for its recognition
_VERSION = re.compile(r"tesseract\s+v?(\d+(?:\.\d+)*)", re.IGNORECASE)


@dataclass(frozen=True)
class Tools:
    pdftoppm: str
    tesseract: str
    version: str


@dataclass
class OcrPages:
    """Recognised text per page index (None: the page failed), and why pages failed."""

    texts: dict[int, str | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    dpi: set[int] = field(default_factory=set)
    skipped: list[int] = field(default_factory=list)  # left out: no time left for them


def unavailable(reason: str) -> IngestError:
    return IngestError(
        "ocr_unavailable",
        f"Tệp PDF là bản quét (không có lớp chữ) nhưng máy chủ chưa cài phần mềm nhận dạng chữ "
        f"(OCR): {reason}. Người quản trị cài bằng lệnh: {INSTALL}. Hoặc hãy gửi bản Word "
        "hay PDF xuất từ Word.",
        f"The PDF is a scan (it has no text layer) and the server has no OCR software: {reason}. "
        f"An administrator installs it with: {INSTALL}. Or send the Word file or a PDF exported "
        "from Word.",
    )


def find_tools() -> Tools:
    """The OCR programs, or IngestError ``ocr_unavailable`` saying what is missing."""
    pdftoppm = shutil.which("pdftoppm")
    tesseract = shutil.which("tesseract")
    missing = [
        name for name, path in (("tesseract", tesseract), ("pdftoppm", pdftoppm)) if not path
    ]
    if missing or pdftoppm is None or tesseract is None:
        raise unavailable(f"thiếu / missing {', '.join(missing)}")
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [tesseract, "--list-langs"],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        version = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [tesseract, "--version"],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise unavailable(f"tesseract: {exc}") from exc
    listed = (done.stdout + done.stderr).decode("utf-8", "replace").split()
    if LANGUAGE not in listed:
        raise unavailable("thiếu dữ liệu tiếng Việt / no Vietnamese data (tesseract-ocr-vie)")
    found = _VERSION.search((version.stdout + version.stderr).decode("utf-8", "replace"))
    return Tools(pdftoppm, tesseract, found.group(1) if found else "?")


def dpi_for(width: float, height: float) -> int:
    """300 dpi, or less so that the longer side stays under MAX_SIDE_PIXELS pixels."""
    longest = max(width, height, 1.0)  # points: 1/72 inch
    return max(MIN_DPI, min(DPI, int(MAX_SIDE_PIXELS * 72 / longest)))


def recognise(
    data: bytes,
    pages: list[tuple[int, float, float]],
    *,
    tools: Tools,
    budget: Budget,
    reserve: float = 5.0,
) -> OcrPages:
    """OCR the given pages ``(index, width, height)`` of the PDF ``data``, in order.

    Progress is reported as ``("ocr", done, len(pages))``. Once a page has been read, the
    pages are stopped (and listed in ``skipped``) when the next one would likely not end
    ``reserve`` seconds before the read's time is up; running out of time anyway raises
    ``too_slow``. A page that fails otherwise is recorded in ``failures``.
    """
    result = OcrPages()
    started = budget.elapsed()
    total = len(pages)
    budget.report("ocr", 0, total)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core: the worker shares the machine
    with tempfile.TemporaryDirectory(prefix="namhoc-ocr-") as tmp:
        folder = Path(tmp)
        source = folder / "input.pdf"
        source.write_bytes(data)
        for done, (index, width, height) in enumerate(pages, 1):
            budget.check()
            if done > 1:
                per_page = (budget.elapsed() - started) / (done - 1)
                if budget.remaining() < reserve + 1.5 * per_page:
                    result.skipped = [page[0] for page in pages[done - 1 :]]
                    break
            dpi = dpi_for(width, height)
            result.dpi.add(dpi)
            image = folder / "page"
            number = str(index + 1)
            render = [tools.pdftoppm, "-r", str(dpi), "-gray", "-singlefile"]
            render += ["-f", number, "-l", number, str(source), str(image)]
            text: str | None = None
            failure = _run(render, budget, env)
            picture = folder / "page.pgm"
            if failure is None and not picture.is_file():
                failure = "pdftoppm wrote no image"
            if failure is None:
                read = [tools.tesseract, str(picture), "stdout", "-l", LANGUAGE, "--psm", "6"]
                output: list[bytes] = []
                failure = _run(read, budget, env, output)
                if failure is None:
                    text = output[0].decode("utf-8", "replace")
            picture.unlink(missing_ok=True)
            if failure is not None:
                result.failures.append(f"page {index + 1}: {failure}")
            result.texts[index] = text
            budget.report("ocr", done, total)
    return result


def _run(
    command: list[str], budget: Budget, env: dict[str, str], output: list[bytes] | None = None
) -> str | None:
    """Run one OCR step; None when it worked, else why not. Out of time: ``too_slow``."""
    remaining = budget.remaining()
    if remaining <= 0:
        raise too_slow(budget.limits.max_seconds)
    timeout = min(PAGE_TIMEOUT, remaining)
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        if timeout < PAGE_TIMEOUT:
            raise too_slow(budget.limits.max_seconds) from exc
        return f"{Path(command[0]).name} took more than {PAGE_TIMEOUT:.0f} s"
    except OSError as exc:
        return f"{Path(command[0]).name}: {exc}"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"{Path(command[0]).name} exited with {done.returncode}: {message[0][:200]}"
    if output is not None:
        output.append(done.stdout)
    return None
