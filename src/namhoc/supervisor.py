"""Keep a child process running: the background-task worker started by ``namhoc serve``.

Reading an uploaded document runs native parsers (PDFium) in the worker; a hostile file that
crashes one must not stop every later reading. The supervisor restarts the worker when it dies
(a crash, a kill, an error exit), with a growing pause (1 s, 2 s, 4 s … up to a minute; back to
1 s after a minute of good health), and stops it cleanly on shutdown. A worker that was asked to
stop (exit 0, or SIGTERM/SIGINT — as when Ctrl-C reaches the whole process group) is not
restarted: the server is shutting down.

Work the dead worker was doing must not stay "running" forever (issue 9): each worker gets an id
(``--worker-id``, appended to its command line), and

- ``on_death(worker_id, code)`` runs after a worker died, in a thread of its own while the next
  one starts (``serve`` re-queues the reads that worker had claimed);
- ``sweep()`` runs as the first worker starts and every ``sweep_every`` seconds (``serve``
  re-queues reads that went silent past their time limit, whoever ran them). It returns the ids
  of workers whose work it found hung; if the running worker is one of them, it is killed (and
  ``on_death`` follows).

Both callbacks must not raise; a failure is reported on stderr and the supervision goes on.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence

_ASKED_TO_STOP = frozenset(
    {0, -signal.SIGTERM, -signal.SIGINT, 128 + signal.SIGTERM, 128 + signal.SIGINT}
)


def worker_id_prefix() -> str:
    """``host-pid``: unique among the supervisors sharing one database (<= 50 characters)."""
    return f"{socket.gethostname()[:36]}-{os.getpid()}"


class WorkerSupervisor:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        restart_delay: float = 1.0,
        max_delay: float = 60.0,
        healthy_after: float = 60.0,
        worker_ids: bool = False,
        on_death: Callable[[str, int], object] | None = None,
        sweep: Callable[[], Iterable[str]] | None = None,
        sweep_every: float = 120.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.restart_delay = restart_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.worker_ids = worker_ids
        self.on_death = on_death
        self.sweep = sweep
        self.sweep_every = sweep_every
        self.env = env
        self.starts = 0
        self.worker_id = ""
        self._prefix = worker_id_prefix()
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
            argv = list(self.argv)
            self.worker_id = f"{self._prefix}-{self.starts + 1}"
            if self.worker_ids:
                argv += ["--worker-id", self.worker_id]
            self._process = subprocess.Popen(argv, env=self.env)  # noqa: S603 - our own command
            self.starts += 1
            return self._process

    def _call(self, what: str, callback: Callable[[], object]) -> object:
        try:
            return callback()
        except Exception as exc:  # supervision must go on
            sys.stderr.write(
                f"namhoc: lỗi khi {what}: {exc!r} / error while running the {what} hook\n"
            )
            return None

    def _run_sweep(self, process: subprocess.Popen[bytes] | None) -> None:
        sweep = self.sweep
        if sweep is None:
            return
        hung = self._call("quét việc đọc dở", lambda: list(sweep()))
        if process is not None and isinstance(hung, list) and self.worker_id in hung:
            sys.stderr.write(
                f"namhoc: tiến trình nền {self.worker_id} bị treo quá thời hạn đọc, dừng nó / "
                f"worker {self.worker_id} is hung past the read time limit; killing it\n"
            )
            process.kill()

    def _wait(self, process: subprocess.Popen[bytes], *, sweep_now: bool = False) -> int:
        """Wait for the worker to exit, sweeping every ``sweep_every`` seconds meanwhile (and at
        once when ``sweep_now``: the first sweep overlaps the worker's start-up)."""
        if sweep_now:
            self._run_sweep(process)
        while True:
            try:
                return process.wait(timeout=self.sweep_every if self.sweep else None)
            except subprocess.TimeoutExpired:
                if self._stopping.is_set():
                    return process.wait()
                self._run_sweep(process)

    def _run(self) -> None:
        delay = self.restart_delay
        first = True
        while True:
            started = time.monotonic()
            process = self._spawn()
            if process is None:
                return
            code = self._wait(process, sweep_now=first)
            first = False
            if self._stopping.is_set():
                return
            if code in _ASKED_TO_STOP:
                sys.stderr.write(
                    f"namhoc: tiến trình nền đã dừng theo yêu cầu (mã {code}) / "
                    f"background worker stopped on request (code {code})\n"
                )
                return
            if self.on_death is not None:
                # In its own thread: the next worker starts meanwhile (recovery is idempotent,
                # and the next worker takes a re-queued read whenever it appears).
                threading.Thread(
                    target=self._call,
                    args=(
                        "thu hồi việc của tiến trình đã dừng",
                        functools.partial(self.on_death, self.worker_id, code),
                    ),
                    name="namhoc-worker-recovery",
                    daemon=True,
                ).start()
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
