"""``namhoc units load`` / ``namhoc units generate-schools --seed N [--scale X]``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, command_error
from namhoc.orgunits.services import schools_generate, units_load_admin


def _codes(value: str | None) -> list[str] | None:
    return [code.strip() for code in value.split(",") if code.strip()] if value else None


class Command(BaseCommand):
    help = (
        "Danh mục đơn vị: nạp đơn vị hành chính (cả trước và sau 1/7/2025), sinh mạng lưới "
        "trường mô phỏng. / Org units: load administrative units, generate synthetic schools."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load", help="nạp đơn vị hành chính từ gói vietnamadminunits / load admin units"
        )
        load.add_argument(
            "--provinces", help="chỉ các tỉnh 2025 này (mã, cách nhau bởi dấu phẩy), vd. 01,31"
        )
        gen = sub.add_parser(
            "generate-schools", help="sinh trường học mô phỏng / generate synthetic schools"
        )
        gen.add_argument("--seed", type=int, required=True)
        gen.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 50.000 trường")
        gen.add_argument("--provinces", help="chỉ các tỉnh 2025 này (mã, cách nhau bởi dấu phẩy)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        progress = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            with audit_context(source="cli"):
                if options["action"] == "load":
                    summary = units_load_admin(
                        provinces=_codes(options.get("provinces")), progress=progress
                    )
                    created = sum(summary.created.values())
                    self.stdout.write(
                        f"Đã nạp: {created} đơn vị mới, {summary.updated} cập nhật, "
                        f"{summary.events_created} sự kiện thay đổi "
                        f"({time.perf_counter() - started:.1f} s). "
                        f"/ Loaded: {created} new units, {summary.updated} updated."
                    )
                    for label, count in sorted(summary.created.items()):
                        self.stdout.write(f"  {label}: {count}")
                else:
                    result = schools_generate(
                        seed=options["seed"],
                        scale=options["scale"],
                        provinces=_codes(options.get("provinces")),
                        progress=progress,
                    )
                    self.stdout.write(
                        f"Đã sinh {result.total} trường mô phỏng ở {result.provinces_done} tỉnh"
                        f" ({len(result.provinces_skipped)} tỉnh đã có, bỏ qua;"
                        f" {time.perf_counter() - started:.1f} s)."
                        f" / Generated {result.total} synthetic schools."
                    )
                    for level, count in sorted(result.created.items()):
                        self.stdout.write(f"  {level}: {count}")
        except DomainError as exc:
            raise command_error(exc) from exc
