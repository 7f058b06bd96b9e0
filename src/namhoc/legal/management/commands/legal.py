"""``namhoc legal load [--file registry.csv]``: the curated registry of legal documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, command_error
from namhoc.core.types import SYSTEM
from namhoc.legal.services import registry_load


class Command(BaseCommand):
    help = (
        "Danh mục văn bản pháp lý: nạp (hoặc cập nhật) từ tệp CSV của dự án; chạy lại không "
        "đổi gì. / Legal registry: load (or update) the project's curated CSV; idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load", help="nạp danh mục (mặc định: tệp của dự án) / load the registry"
        )
        load.add_argument(
            "--file",
            type=Path,
            default=None,
            help="tệp CSV khác cùng các cột / another CSV with the same columns",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options.get("file")
        text = None
        if path is not None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(
                    f"Không đọc được tệp {path} (cần CSV UTF-8) / cannot read {path}: {exc}"
                ) from exc
        try:
            with audit_context(source="cli"):
                summary = registry_load(actor=SYSTEM, text=text)
        except DomainError as exc:
            raise command_error(exc) from exc
        self.stdout.write(
            f"Danh mục văn bản pháp lý: {summary.total} văn bản — thêm {summary.created}, "
            f"sửa {summary.updated}, giữ nguyên {summary.unchanged}."
        )
