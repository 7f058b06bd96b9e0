"""``namhoc check-prod``: settings, database, migrations, worker, scheduler, last backup and
storage of a deployment, each OK or FAIL in Vietnamese and English; exit 0 only when all pass."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from namhoc.ops.checks import run_checks


class Command(BaseCommand):
    help = (
        "Kiểm tra một bản triển khai: cấu hình, cơ sở dữ liệu, migration, tiến trình nền, lịch "
        "việc, bản sao lưu gần nhất. / Check a deployment."
    )
    requires_system_checks: list[str] = []  # run as one of the checks, reported like the others

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            type=float,
            default=30.0,
            help="giây chờ tiến trình nền chạy việc thử / seconds to wait for the worker (30)",
        )
        parser.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["wait"] <= 600:
            raise CommandError("--wait: 0–600 giây / seconds", returncode=2)
        checks = run_checks(wait=options["wait"])
        failed = [c for c in checks if not c.ok]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not failed,
                        "checks": [
                            {"ok": c.ok, "vi": c.vi, "en": c.en, "detail": c.detail} for c in checks
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            for check in checks:
                self.stdout.write(check.line())
            self.stdout.write(
                f"\n{len(checks) - len(failed)}/{len(checks)} đạt / passed"
                + (f"; {len(failed)} KHÔNG ĐẠT / FAILED" if failed else "")
            )
        if failed:
            raise CommandError(
                f"{len(failed)} mục không đạt / {len(failed)} checks failed", returncode=1
            )
