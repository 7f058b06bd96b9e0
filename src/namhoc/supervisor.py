"""Keep a child process running: the background-task worker started by ``namhoc serve``.

Reading an uploaded document runs native parsers (PDFium) in the worker; a hostile file that
crashes one must not stop every later reading. The supervisor restarts the worker when it dies
(a crash, a kill, an error exit), with a growing pause (1 s, 2 s, 4 s … up to a minute; back to
1 s after a minute of good health), and stops it cleanly on shutdown. A worker that was asked to
stop (exit 0, or SIGTERM/SIGINT — as when Ctrl-C reaches the whole process group) is not
restarted: the server is shutting down.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

_ASKED_TO_STOP = frozenset(
    {0, -signal.SIGTERM, -signal.SIGINT, 128 + signal.SIGTERM, 128 + signal.SIGINT}
)


class WorkerSupervisor:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        restart_delay: float = 1.0,
        max_delay: float = 60.0,
        healthy_after: float = 60.0,
    ) -> None:
        self.argv = list(argv)
        self.restart_delay = restart_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="namhoc-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            self._process = subprocess.Popen(self.argv)  # noqa: S603 - our own command line
            self.starts += 1
            return self._process

    def _run(self) -> None:
        delay = self.restart_delay
        while True:
            started = time.monotonic()
            process = self._spawn()
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            if code in _ASKED_TO_STOP:
                sys.stderr.write(
                    f"namhoc: tiến trình nền đã dừng theo yêu cầu (mã {code}) / "
                    f"background worker stopped on request (code {code})\n"
                )
                return
            if time.monotonic() - started >= self.healthy_after:
                delay = self.restart_delay
            sys.stderr.write(
                f"namhoc: tiến trình nền dừng (mã {code}), khởi động lại sau {delay:g} giây / "
                f"background worker exited with code {code}; restarting in {delay:g} s\n"
            )
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, self.max_delay)

    def stop(self, *, timeout: float = 10.0) -> None:
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None
