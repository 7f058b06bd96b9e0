"""Word 97-2003 .doc: converted to .docx by LibreOffice headless, then read as .docx."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from namhoc.ingest.errors import IngestError
from namhoc.ingest.limits import Budget, too_slow
from namhoc.ingest.messages import warning
from namhoc.ingest.readers import RawText
from namhoc.ingest.readers.docx import read_docx_bytes

TIMEOUT_SECONDS = 120


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, *, max_bytes: int, budget: Budget | None = None) -> RawText:
    soffice = _soffice()
    if soffice is None:
        raise IngestError(
            "doc_needs_libreoffice",
            "Tệp .doc (Word 97-2003) cần LibreOffice (lệnh soffice) để chuyển đổi, nhưng máy "
            "không có. Hãy mở tệp trong Word và lưu thành .docx, hoặc cài LibreOffice.",
            "A .doc file (Word 97-2003) needs LibreOffice (the soffice command) to convert it, "
            "and it is not installed. Save the file as .docx in Word, or install LibreOffice.",
        )
    with tempfile.TemporaryDirectory(prefix="namhoc-doc-") as tmp:
        workdir = Path(tmp)
        source = workdir / "input.doc"
        source.write_bytes(data)
        profile = (workdir / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(workdir / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": str(workdir)}
        timeout = float(TIMEOUT_SECONDS)
        if budget is not None:
            budget.check()
            timeout = min(timeout, max(budget.remaining(), 1.0))
        try:
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                command,
                check=False,
                capture_output=True,
                timeout=timeout,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            if budget is not None and timeout < TIMEOUT_SECONDS:
                raise too_slow(budget.limits.max_seconds) from exc
            raise IngestError(
                "doc_conversion_failed",
                f"LibreOffice không chuyển đổi xong tệp .doc trong {TIMEOUT_SECONDS} giây.",
                f"LibreOffice did not finish converting the .doc within {TIMEOUT_SECONDS} s.",
            ) from exc
        except OSError as exc:
            raise IngestError(
                "doc_conversion_failed",
                f"Không chạy được LibreOffice để chuyển đổi tệp .doc: {exc}",
                f"Could not run LibreOffice to convert the .doc: {exc}",
            ) from exc
        converted = workdir / "out" / "input.docx"
        if not converted.is_file():
            raise IngestError(
                "doc_conversion_failed",
                "LibreOffice không chuyển đổi được tệp .doc (tệp hỏng hoặc không phải Word).",
                "LibreOffice could not convert the .doc (damaged, or not a Word file).",
            )
        text, legacy_runs = read_docx_bytes(converted.read_bytes(), max_bytes=max_bytes)
    warnings = [warning("doc_converted", "LibreOffice")]
    if legacy_runs:
        warnings.append(warning("legacy_font_converted", f"{legacy_runs} runs in TCVN3/VNI fonts"))
    return RawText(text=text, format="doc", warnings=warnings)
