import sys
import time

from namhoc.supervisor import WorkerSupervisor


def _wait_until(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_worker_that_dies_is_started_again(capfd) -> None:  # type: ignore[no-untyped-def]
    # Given a worker that crashes at once
    supervisor = WorkerSupervisor(
        [sys.executable, "-c", "raise SystemExit(3)"], restart_delay=0.01, max_delay=0.05
    )
    supervisor.start()
    try:
        # Then it is started again, and again
        assert _wait_until(lambda: supervisor.starts >= 3)
    finally:
        supervisor.stop()
    assert "background worker exited with code 3; restarting" in capfd.readouterr().err


def test_stop_ends_a_running_worker_and_starts_no_other(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Given a worker that runs until told to stop
    supervisor = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(600)"])
    supervisor.start()
    assert _wait_until(lambda: supervisor.running)

    # When the server shuts down
    supervisor.stop(timeout=10)

    # Then the worker is gone and none replaces it
    assert not supervisor.running
    starts = supervisor.starts
    time.sleep(0.2)
    assert supervisor.starts == starts == 1


def test_a_worker_asked_to_stop_is_not_restarted(capfd) -> None:  # type: ignore[no-untyped-def]
    # Given a worker that ends cleanly (as after SIGTERM or Ctrl-C reaching the process group)
    supervisor = WorkerSupervisor([sys.executable, "-c", "pass"], restart_delay=0.01)
    supervisor.start()
    assert _wait_until(lambda: supervisor.starts == 1 and not supervisor.running)
    time.sleep(0.3)
    supervisor.stop()
    # Then it was started once only, and the log says why
    assert supervisor.starts == 1
    assert "background worker stopped on request (code 0)" in capfd.readouterr().err


def test_each_worker_gets_an_id_and_its_death_is_reported_with_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Given a worker that writes the id it was given, then crashes
    script = "import sys; open(sys.argv[1], 'a').write(sys.argv[-1] + '\\n'); raise SystemExit(9)"
    out = tmp_path / "ids.txt"
    deaths: list[tuple[str, int]] = []
    sweeps: list[float] = []
    supervisor = WorkerSupervisor(
        [sys.executable, "-c", script, str(out)],
        restart_delay=0.01,
        max_delay=0.05,
        worker_ids=True,
        on_death=lambda worker_id, code: deaths.append((worker_id, code)),
        sweep=lambda: sweeps.extend([time.monotonic()]) or [],
    )
    supervisor.start()
    try:
        assert _wait_until(lambda: len(deaths) >= 2)
    finally:
        supervisor.stop()
    # Then each worker got its own id on its command line, and its death was reported with it
    ids = out.read_text().split()
    assert ids[:2] == [deaths[0][0], deaths[1][0]]
    assert ids[0] != ids[1]
    assert ids[0].endswith("-1")
    assert deaths[0][1] == 9
    assert len(sweeps) >= 1  # the first sweep ran as the first worker started


def test_a_worker_the_sweep_finds_hung_is_killed(capfd) -> None:  # type: ignore[no-untyped-def]
    # Given a worker that never ends, and a sweep that reports it hung
    supervisor = WorkerSupervisor(
        [sys.executable, "-c", "import time; time.sleep(600)"],
        restart_delay=0.01,
        worker_ids=True,
        sweep=lambda: [supervisor.worker_id],
        sweep_every=0.2,
    )
    supervisor.start()
    try:
        # Then it is killed and another one started
        assert _wait_until(lambda: supervisor.starts >= 2)
    finally:
        supervisor.stop()
    assert "is hung past the read time limit; killing it" in capfd.readouterr().err
