"""``namhoc serve``'s scheduler process: it runs the due jobs on a real database, records them,
and stops cleanly on SIGTERM (so its supervisor does not restart it)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_the_scheduler_runs_due_jobs_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NAMHOC_", "DJANGO_"))},
        "NAMHOC_ENV": "development",
        "NAMHOC_DATA_DIR": str(tmp_path),
    }
    cli = [sys.executable, "-m", "namhoc.cli"]
    subprocess.run([*cli, "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    process = subprocess.Popen(
        [*cli, "notifications", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        jobs: list[tuple[str, int]] = []
        while time.monotonic() < deadline:
            with sqlite3.connect(tmp_path / "namhoc.sqlite3") as db:
                jobs = db.execute(
                    "SELECT job, ok FROM notifications_scheduledrun WHERE finished_at IS NOT NULL"
                ).fetchall()
            if len(jobs) == 6:
                break
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(1)
        assert sorted(jobs) == [
            ("digest", 1),
            ("dispatch", 1),
            ("privacy", 1),
            ("reads", 1),
            ("reminders", 1),
            ("rollups", 1),
        ]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
