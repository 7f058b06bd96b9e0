"""``namhoc privacy …``: personal data from the terminal (ADR 0010).

    namhoc privacy sweep                                   delete what outlived its purpose
    namhoc privacy export USERNAME -o FILE                 one person's data as JSON
    namhoc privacy erase USERNAME --confirm USERNAME [--reason TEXT]
                                                           erase a departed (disabled) person

The terminal acts as namhoc itself (audited with source "cli").
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from namhoc.accounts.models import User
from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, command_error
from namhoc.core.types import SYSTEM
from namhoc.ops.privacy import personal_data_export, privacy_sweep, user_erase


class Command(BaseCommand):
    help = (
        "Dữ liệu cá nhân: dọn dữ liệu quá hạn, xuất dữ liệu của một người, xóa dữ liệu của "
        "người đã nghỉ. / Personal data: sweep, export, erase."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("sweep", help="xóa dữ liệu quá hạn lưu giữ / delete expired data")
        export = sub.add_parser("export", help="xuất dữ liệu của một người / export a person")
        export.add_argument("username")
        export.add_argument("-o", "--output", required=True, help="tệp JSON / JSON file")
        erase = sub.add_parser("erase", help="xóa dữ liệu người đã nghỉ / erase a departed person")
        erase.add_argument("username")
        erase.add_argument("--confirm", required=True, help="gõ lại tên đăng nhập / repeat it")
        erase.add_argument("--reason", default="", help="lý do / reason (≤ 255)")

    def _user_id(self, username: str) -> int:
        pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
        if pk is None:
            raise CommandError(
                f"Không có người dùng “{username}”.\nError: no user {username!r}.", returncode=2
            )
        return int(pk)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with audit_context(source="cli"):
            try:
                if action == "sweep":
                    self.stdout.write(f"Đã dọn / swept: {privacy_sweep().summary()}")
                elif action == "export":
                    self._export(options["username"], Path(options["output"]))
                else:
                    result = user_erase(
                        actor=SYSTEM,
                        user_id=self._user_id(options["username"]),
                        confirm=options["confirm"],
                        reason=options["reason"],
                    )
                    counts = ", ".join(f"{k}: {v}" for k, v in result.counts.items() if v)
                    self.stdout.write(
                        f"Đã xóa dữ liệu cá nhân; tài khoản giờ là “{result.pseudonym}” "
                        f"({result.person.username}). / Erased. {counts}"
                    )
            except DomainError as exc:
                raise command_error(exc) from exc

    def _export(self, username: str, output: Path) -> None:
        export = personal_data_export(actor=SYSTEM, user_id=self._user_id(username))
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(export.data, handle, ensure_ascii=False, indent=1)
        self.stdout.write(f"Đã ghi / written: {output}")
