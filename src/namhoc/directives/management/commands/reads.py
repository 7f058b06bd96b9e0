"""``namhoc reads recover [--worker ID]``: recover reads left behind by a worker that died.

``namhoc serve`` runs it on its own (when it starts, after its worker dies, and every two
minutes); run it from cron where the worker is supervised otherwise (systemd, containers).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from namhoc.core.audit import audit_context
from namhoc.directives.services import sources_recover


class Command(BaseCommand):
    # Run by the supervisor after a worker dies and every two minutes: no system checks (they
    # import every URL and API module, seconds of start-up for a few queries).
    requires_system_checks: list[str] = []
    help = (
        "Việc đọc văn bản: xếp đọc lại các tệp mà tiến trình nền đã dừng khi đang đọc. "
        "/ Directive reads: queue again the reads left behind by a worker that died."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        recover = sub.add_parser(
            "recover",
            help="xếp đọc lại các tệp đang đọc dở của tiến trình đã dừng (hoặc im lặng quá lâu) "
            "/ queue again the reads of dead (or silent) workers",
        )
        recover.add_argument(
            "--worker",
            action="append",
            default=[],
            metavar="ID",
            help="mã tiến trình nền đã dừng / id of a worker known to be dead (repeatable)",
        )
        recover.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(source="cli"):
            report = sources_recover(worker_ids=options["worker"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        self.stdout.write(
            f"Xếp đọc lại {len(report.requeued)} tệp, đánh dấu không đọc được "
            f"{len(report.failed)} tệp, xếp lại {len(report.queued_again)} tệp chờ quá lâu. / "
            f"Queued again {len(report.requeued)}, marked unreadable {len(report.failed)}, "
            f"re-enqueued {len(report.queued_again)} waiting too long."
        )
