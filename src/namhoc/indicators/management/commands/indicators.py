"""``namhoc indicators load-catalogue`` / ``periods 2025-2026`` / ``rebuild``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, command_error
from namhoc.indicators.catalogue import catalogue_load, periods_ensure
from namhoc.indicators.services import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Số liệu, chỉ tiêu: nạp danh mục chỉ tiêu, tạo kỳ báo cáo, tính lại số liệu tổng hợp. "
        "/ Figures: load the indicator catalogue, create periods, rebuild roll-ups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "load-catalogue",
            help="nạp (hoặc cập nhật) danh mục chỉ số, biểu, chỉ tiêu / load the catalogue",
        )
        periods = sub.add_parser("periods", help="tạo các kỳ báo cáo của năm học / create periods")
        periods.add_argument("school_years", nargs="+", metavar="NAM_HOC", help="vd. 2025-2026")
        sub.add_parser(
            "rebuild",
            help="tính lại quan hệ tổng hợp và số liệu tổng hợp từ số liệu gốc theo cây đơn vị "
            "hiện tại (các trang cũng tự yêu cầu tính lại khi cây thay đổi) / rebuild roll-ups "
            "from raw values for the current org tree",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            with audit_context(source="cli"):
                action = options["action"]
                if action == "load-catalogue":
                    summary = catalogue_load()
                    self.stdout.write(
                        f"Đã nạp {summary.elements} chỉ số dữ liệu, {summary.data_sets} biểu, "
                        f"{summary.rules} quy tắc kiểm tra, {summary.indicators} chỉ tiêu."
                    )
                elif action == "periods":
                    for year in options["school_years"]:
                        names = ", ".join(p.code for p in periods_ensure(year))
                        self.stdout.write(f"Năm học {year}: {names}")
                else:
                    outcome = rollups_rebuild(force=True)
                    self.stdout.write(
                        f"Đã tính lại {outcome.rows} dòng số liệu tổng hợp "
                        f"(cây đơn vị {outcome.marker})."
                    )
        except DomainError as exc:
            raise command_error(exc) from exc
        self.stdout.write(f"({time.perf_counter() - started:.1f} s)")
