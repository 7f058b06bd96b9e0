"""``namhoc backup -o FILE``: a consistent online backup (database, uploaded files, key file) in
one archive with a manifest and checksums (ADR 0010)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from namhoc.ops.backup import backup_create
from namhoc.ops.errors import OpsError, command_error


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu, tệp đã tải lên và tệp khóa bí mật vào một tệp (.tar hoặc "
        ".tar.gz) trong khi namhoc vẫn chạy. / Back up the database, uploaded files and the "
        "secret key file into one archive while namhoc runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, help="tệp sao lưu / archive to write (.tar, .tar.gz)"
        )
        parser.add_argument(
            "--force", action="store_true", help="ghi đè tệp đã có / replace an existing file"
        )
        parser.add_argument(
            "--no-secret-key",
            action="store_true",
            help="không kèm tệp khóa bí mật / leave the secret key file out",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        try:
            result = backup_create(
                Path(options["output"]),
                include_secret_key=not options["no_secret_key"],
                force=options["force"],
                log=(lambda _m: None) if quiet else self.stderr.write,
            )
        except OpsError as exc:
            raise command_error(exc) from exc
        manifest = result.manifest
        key = "có" if manifest.secret_key_included else "không"
        key_en = "included" if manifest.secret_key_included else "not included"
        self.stdout.write(
            f"Đã sao lưu / Backed up: {result.path}\n"
            f"  cơ sở dữ liệu / database: {manifest.database['vendor']} "
            f"{manifest.database['server_version']}\n"
            f"  tệp / files: {len(manifest.media)} ({manifest.media_bytes:,} byte)\n"
            f"  khóa bí mật / secret key: {key} / {key_en}\n"
            f"  dung lượng / size: {result.size:,} byte, SHA-256 {result.sha256}"
        )
        if manifest.skipped:
            self.stdout.write(
                f"  bỏ qua {len(manifest.skipped)} tệp đang được ghi / skipped "
                f"{len(manifest.skipped)} files still being written"
            )
