"""``namhoc ingest FILE...``: print a readable outline, or ``--json`` one object per file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from namhoc.ingest.errors import IngestError
from namhoc.ingest.limits import ReadLimits
from namhoc.ingest.model import SCHEMA, IngestResult, OutlineNode
from namhoc.ingest.pipeline import DEFAULT_MAX_BYTES, read_document


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="namhoc ingest",
        description=(
            "Đọc văn bản chỉ đạo (.txt, .html, .docx, .doc, .pdf) và in cấu trúc của nó. / "
            "Read directives and print their structure."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="tệp cần đọc / files to read")
    parser.add_argument(
        "--json",
        action="store_true",
        help=f'mỗi tệp một đối tượng JSON ("schema": "{SCHEMA}") / one JSON object per file',
    )
    parser.add_argument(
        "--max-size",
        type=float,
        default=DEFAULT_MAX_BYTES / 2**20,
        metavar="MB",
        help="kích thước tối đa của một tệp, MB (mặc định 20) / largest file accepted, in MB",
    )
    parser.add_argument(
        "--text",
        action="store_true",
        help="kèm toàn văn đã chuẩn hóa trong JSON / include the text",
    )
    defaults = ReadLimits()
    parser.add_argument(
        "--no-ocr",
        action="store_true",
        help="không nhận dạng chữ bản quét / do not OCR scanned PDFs",
    )
    parser.add_argument(
        "--ocr-pages",
        type=int,
        default=defaults.max_ocr_pages,
        metavar="N",
        help=f"nhận dạng tối đa N trang (mặc định {defaults.max_ocr_pages}) / OCR at most N pages",
    )
    parser.add_argument(
        "--max-pages",
        type=int,
        default=defaults.max_pages,
        metavar="N",
        help=f"số trang PDF tối đa (mặc định {defaults.max_pages}) / most PDF pages accepted",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=defaults.max_seconds,
        metavar="S",
        help=f"thời gian đọc tối đa, giây (mặc định {defaults.max_seconds:g}) / time limit",
    )
    return parser


def _print_outline(nodes: list[OutlineNode], out: TextIO, depth: int = 0, limit: int = 400) -> int:
    printed = 0
    for node in nodes:
        if printed >= limit:
            break
        label = f"{node.label} " if node.label else ""
        out.write(f"{'  ' * (depth + 1)}{label}{node.title[:100]}\n")
        printed += 1 + _print_outline(node.children, out, depth + 1, limit - printed - 1)
    return printed


def print_readable(result: IngestResult, out: TextIO) -> None:  # noqa: PLR0912 - one line per field
    doc = result.document
    source = result.source
    about = [source.format, f"{source.chars} ký tự"]
    if source.pages is not None:
        about.append(f"{source.pages} trang")
    if source.ocr:
        about.append("chữ nhận dạng tự động (OCR)")
    out.write(f"== {source.name} ({', '.join(about)})\n")
    fields = [
        ("Loại", doc.doc_type),
        ("Số", doc.number or (f"/{doc.symbol}" if doc.symbol else None)),
        ("Cơ quan ban hành", doc.issuer),
        ("Nơi, ngày", ", ".join(x for x in (doc.place, doc.date) if x) or None),
        ("Trích yếu", doc.title),
        ("Kính gửi", "; ".join(doc.addressees) or None),
        (
            "Người ký",
            " — ".join(x for x in (doc.signer.title, doc.signer.name) if x) if doc.signer else None,
        ),
        ("Năm học", doc.school_year),
        ("Chủ đề năm học", doc.theme),
    ]
    if doc.subject:
        subject = doc.subject
        parts = [subject.doc_type, subject.number, subject.issuer, subject.date]
        fields.append(("Văn bản được đưa tin", " ".join(p for p in parts if p)))
    for name, value in fields:
        if value:
            out.write(f"{name}: {value}\n")
    if result.outline:
        out.write("Dàn ý:\n")
        _print_outline(result.outline, out)
    if result.tasks:
        out.write(f"Nhiệm vụ trọng tâm ({len(result.tasks)}):\n")
        for task in result.tasks:
            out.write(f"  {task.label}. {task.title}\n")
    if result.citations:
        out.write(f"Văn bản được dẫn ({len(result.citations)}):\n")
        for c in result.citations:
            extra = ", ".join(x for x in (c.doc_type, c.issuer, c.date) if x)
            fixed = f" [sửa: {c.canonical}]" if c.canonical != c.number else ""
            out.write(f"  {c.number}{fixed} — {extra}\n")
    if result.targets:
        out.write(f"Chỉ tiêu, số liệu ({len(result.targets)}):\n")
        for t in result.targets[:50]:
            out.write(f"  {t.raw} ({t.kind}): {t.sentence[:100]}\n")
    if result.assignments:
        out.write(f"Phân công ({len(result.assignments)}):\n")
        for a in result.assignments:
            out.write(f"  chủ trì: {'; '.join(a.lead)}; phối hợp: {'; '.join(a.support) or '-'}\n")
    for warning in result.warnings:
        detail = f" ({warning.detail})" if warning.detail else ""
        out.write(f"! {warning.message_vi}{detail}\n  {warning.message_en}\n")


def _show_progress(stage: str, done: int, total: int) -> None:
    """On a terminal: "đang nhận dạng chữ trang 3/12" while a scan is read."""
    if stage != "ocr":
        return
    if done < total:
        sys.stderr.write(
            f"\rđang nhận dạng chữ (OCR) trang {done + 1}/{total} / OCR page {done + 1} of {total}"
        )
    else:
        sys.stderr.write("\r" + " " * 70 + "\r")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        limits = ReadLimits(
            max_bytes=int(args.max_size * 2**20),
            max_pages=args.max_pages,
            max_seconds=args.max_seconds,
            ocr=not args.no_ocr,
            max_ocr_pages=args.ocr_pages,
        )
    except ValueError:
        sys.stderr.write(
            "namhoc ingest: --max-size, --max-pages, --max-seconds, --ocr-pages phải lớn hơn 0 "
            "/ must be positive\n"
        )
        return 2
    progress = _show_progress if sys.stderr.isatty() else None
    status = 0
    for index, name in enumerate(args.files):
        try:
            result = read_document(name, limits=limits, progress=progress)
        except IngestError as exc:
            sys.stderr.write(f"namhoc ingest: {name}: {exc.message_vi}\n")
            sys.stderr.write(f"namhoc ingest: {name}: {exc.message_en}\n")
            status = 2
            continue
        if args.json:
            sys.stdout.write(result.to_json(include_text=args.text) + "\n")
        else:
            if index:
                sys.stdout.write("\n")
            print_readable(result, sys.stdout)
    return status
