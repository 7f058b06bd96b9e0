"""``namhoc ingest FILE...``: print a readable outline, or ``--json`` one object per file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from namhoc.ingest.errors import IngestError
from namhoc.ingest.model import IngestResult, OutlineNode
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
        help='mỗi tệp một đối tượng JSON ("schema": "namhoc.ingest/1") / one JSON object per file',
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
    out.write(f"== {result.source.name} ({result.source.format}, {result.source.chars} ký tự)\n")
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
        out.write(f"! {warning}\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.max_size <= 0:
        sys.stderr.write("namhoc ingest: --max-size phải lớn hơn 0 / must be positive\n")
        return 2
    max_bytes = int(args.max_size * 2**20)
    status = 0
    for index, name in enumerate(args.files):
        try:
            result = read_document(name, max_bytes=max_bytes)
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
