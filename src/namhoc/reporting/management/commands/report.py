"""``namhoc report year-end|semester --unit KEY --year YYYY-YYYY -o FILE.docx`` and
``namhoc report plan --unit KEY --directive ID -o FILE.docx``.

The same use case as the page and the API (a new version of the draft, audited as coming from
the CLI), drafted at once instead of in the background; the .docx is written to ``-o`` and its
Excel annex beside it (``FILE-phu-luc.xlsx``, or ``--annex``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, command_error
from namhoc.core.types import SYSTEM
from namhoc.reporting import services
from namhoc.reporting.models import ReportDraft

_KINDS = {"year-end": "year_end", "semester": "semester", "plan": "plan"}


def _fail(vietnamese: str, english: str) -> CommandError:
    return CommandError(f"{vietnamese}\nError: {english}", returncode=2)


class Command(BaseCommand):
    help = (
        "Soạn dự thảo báo cáo tổng kết năm học, sơ kết học kỳ I hoặc kế hoạch thực hiện nhiệm "
        "vụ năm học của một đơn vị (Word, kèm phụ lục Excel). / Draft a unit's year-end or "
        "semester report, or its implementing plan (.docx with an Excel annex)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for name, text in (
            ("year-end", "báo cáo tổng kết năm học / year-end report"),
            ("semester", "báo cáo sơ kết học kỳ I / semester report"),
            ("plan", "kế hoạch thực hiện văn bản cấp trên / implementing plan"),
        ):
            kind = sub.add_parser(name, help=text)
            kind.add_argument("--unit", required=True, help="mã đơn vị / unit key, vd. p2025-31")
            if name == "plan":
                kind.add_argument(
                    "--directive",
                    required=True,
                    help="mã (id) văn bản cấp trên / id of the directive above",
                )
            else:
                kind.add_argument("--year", required=True, help="năm học / school year, 2025-2026")
            kind.add_argument("-o", "--output", required=True, help="tệp .docx / output .docx")
            kind.add_argument("--annex", help="tệp phụ lục .xlsx / annex .xlsx (mặc định: cạnh -o)")
            kind.add_argument("--signer", default="", help="họ tên người ký / signer's name")
            kind.add_argument("--title", default="", help="chức vụ người ký / signer's title")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        output = Path(options["output"])
        annex = (
            Path(options["annex"])
            if options.get("annex")
            else output.with_name(f"{output.stem}-phu-luc.xlsx")
        )
        for path in (output, annex):
            if not path.parent.is_dir():
                raise _fail(
                    f"Lỗi: thư mục {path.parent} không tồn tại.",
                    f"directory {path.parent} does not exist.",
                )
        try:
            with audit_context(source="cli"):
                draft = services.draft_request(
                    actor=SYSTEM,
                    unit_key=options["unit"],
                    kind=_KINDS[options["kind"]],
                    school_year=options.get("year") or "",
                    directive_id=options.get("directive"),
                    signer_title=options["title"],
                    signer_name=options["signer"],
                    enqueue=False,
                )
                built = services.draft_build(draft_id=draft.pk)
        except DomainError as exc:
            raise command_error(exc) from exc
        if built is None or built.status != ReportDraft.Status.DONE:
            message = built.message if built is not None else ""
            raise _fail(f"Lỗi: không soạn được dự thảo. {message}", "the draft failed.")
        try:
            for path, stored in ((output, built.file.name), (annex, built.annex.name)):
                with default_storage.open(stored or "", "rb") as source:
                    path.write_bytes(source.read())
        except OSError as exc:
            raise _fail(
                f"Lỗi: không ghi được tệp ({exc.strerror}).", f"cannot write ({exc.strerror})."
            ) from exc
        self.stdout.write(
            f"Đã soạn {built.kind_phrase} của {built.unit.name}, bản "
            f"{built.version}: {output} ({built.file_size // 1024} KB), phụ lục {annex} "
            f"({time.perf_counter() - started:.1f} s)."
        )
