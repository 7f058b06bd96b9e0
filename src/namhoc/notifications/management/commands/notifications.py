"""``namhoc notifications …``: the scheduler and its jobs (ADR 0009).

namhoc notifications run-due [--job NAME]… [--force]   run the due jobs once (cron, tests)
namhoc notifications scheduler                        run due jobs every minute until stopped
namhoc notifications jobs                             each job's schedule and last run
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from namhoc.notifications import scheduler
from namhoc.notifications.models import ScheduledRun


class Command(BaseCommand):
    help = (
        "Thông báo: chạy các việc định kỳ (nhắc hạn, thư tổng hợp, gửi lại, quét việc đọc dở). "
        "/ Notifications: run the periodic jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        due = sub.add_parser(
            "run-due", help="chạy một lần các việc đến lượt / run the due jobs once"
        )
        due.add_argument(
            "--job",
            action="append",
            default=[],
            choices=[job.name for job in scheduler.jobs()],
            help="chỉ việc này (lặp lại được) / only this job (repeatable)",
        )
        due.add_argument(
            "--force",
            action="store_true",
            help="chạy cả khi chưa đến lượt / run even if not due",
        )
        sub.add_parser(
            "scheduler",
            help="chạy liên tục, mỗi phút một lần (namhoc serve tự chạy) / run every minute",
        )
        sub.add_parser("jobs", help="lịch và lần chạy gần nhất / schedule and last runs")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run-due":
            ran = scheduler.run_due(only=tuple(options["job"]), force=options["force"])
            for item in ran:
                state = "ok" if item.ok else "LỖI / FAILED"
                self.stdout.write(
                    f"{item.job} [{item.slot:%d/%m/%Y %H:%M}] {state}: {item.summary}"
                )
            if not ran:
                self.stdout.write("Không có việc nào đến lượt. / Nothing is due.")
            if any(not item.ok for item in ran):
                raise CommandError("Có việc định kỳ bị lỗi. / A job failed.", returncode=1)
        elif action == "scheduler":
            self._scheduler()
        else:
            self._jobs()

    def _scheduler(self) -> None:
        stop = threading.Event()

        def ask_to_stop(signum: int, _frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        self.stdout.write("namhoc: lịch việc định kỳ đang chạy / scheduler running", ending="\n")
        self.stdout.flush()
        scheduler.loop(stop)

    def _jobs(self) -> None:
        records = {r.job: r for r in ScheduledRun.objects.all()}
        for job in scheduler.jobs():
            record = records.get(job.name)
            if record is None or record.last_slot is None:
                last = "chưa chạy"
            else:
                state = "ok" if record.ok else "lỗi"
                last = f"{record.last_slot:%d/%m/%Y %H:%M} {state}: {record.summary}"
            self.stdout.write(f"{job.name:<10} {job.cron:<14} {job.label} — {last}")
