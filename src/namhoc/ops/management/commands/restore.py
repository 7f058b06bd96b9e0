"""``namhoc restore FILE``: put a backup back into an EMPTY database and data folder, after every
checksum in the archive matched (ADR 0010)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from namhoc.ops.backup import backup_restore, backup_verify
from namhoc.ops.errors import OpsError, command_error


class Command(BaseCommand):
    help = (
        "Phục hồi một bản sao lưu vào cơ sở dữ liệu và thư mục dữ liệu trống. / Restore a "
        "backup into an empty database and data folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="tệp sao lưu / the backup archive")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="chỉ kiểm tra tệp sao lưu, không phục hồi / only check the archive",
        )
        parser.add_argument(
            "--keep-secret-key",
            action="store_true",
            help="giữ khóa bí mật hiện có / keep the current secret key file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        log = (lambda _m: None) if options["verbosity"] == 0 else self.stderr.write
        try:
            if options["verify_only"]:
                manifest = backup_verify(path)
                self.stdout.write(
                    f"Tệp sao lưu nguyên vẹn / The archive is intact: {path}\n"
                    f"  tạo lúc / created: {manifest.created_at}, namhoc "
                    f"{manifest.versions.get('namhoc')}, {manifest.database.get('vendor')}, "
                    f"{len(manifest.media)} tệp / files"
                )
                return
            result = backup_restore(path, keep_secret_key=options["keep_secret_key"], log=log)
        except OpsError as exc:
            raise command_error(exc) from exc
        manifest = result.manifest
        key = {
            "restored": "đã phục hồi / restored",
            "kept": "giữ khóa hiện có / kept the current one",
            "absent": "không có trong bản sao lưu / not in the archive",
            "env": "cấu hình lấy khóa từ NAMHOC_SECRET_KEY; khóa cũ đọc được bằng "
            f"'tar -xOf {path} secret_key' / the key comes from NAMHOC_SECRET_KEY; read the "
            f"archived one with 'tar -xOf {path} secret_key'",
        }[result.secret_key]
        self.stdout.write(
            f"Đã phục hồi / Restored: {path}\n"
            f"  tạo lúc / created: {manifest.created_at} (namhoc "
            f"{manifest.versions.get('namhoc')})\n"
            f"  cơ sở dữ liệu / database: {manifest.database.get('vendor')}\n"
            f"  tệp / files: {result.files}\n"
            f"  khóa bí mật / secret key: {key}"
        )
        if result.pending_migrations:
            self.stdout.write(
                f"  còn {result.pending_migrations} migration mới hơn bản sao lưu: chạy "
                "'namhoc manage migrate' / "
                f"{result.pending_migrations} newer migrations to apply: run "
                "'namhoc manage migrate'"
            )
