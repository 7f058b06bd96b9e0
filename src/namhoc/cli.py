"""The ``namhoc`` command.

    namhoc serve            run the web app (gunicorn) and the background worker
    namhoc demo             migrate, load the demo data (idempotent), print the demo sign-in
    namhoc ingest FILE...   read directives and print their structure
    namhoc manage ...       any Django management command
    namhoc <command> ...    namhoc's own management commands (e.g. ``namhoc units load``)

Errors are printed in Vietnamese and English, with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from namhoc import __version__

EXIT_USAGE = 2


class CliError(Exception):
    """An error to report to the person at the terminal: Vietnamese first, then English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Lỗi: tham số không hợp lệ ({message}).\nError: {message}\n")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(f"Cấu hình không hợp lệ: {exc}", f"Invalid configuration: {exc}") from exc


def _debug_off() -> None:
    """``serve`` (without ``--dev``) and ``demo`` run with DEBUG off: Django's debug pages list
    every URL and show tracebacks to whoever asks. Set before Django reads its settings; the
    background worker started by ``serve`` inherits it."""
    from namhoc.config.env import EnvError, env_bool

    try:
        asked = env_bool("NAMHOC_DEBUG", False)
    except EnvError:  # a malformed value: settings will say so
        asked = False
    if asked:
        sys.stderr.write(
            "namhoc: bỏ qua NAMHOC_DEBUG khi chạy không có --dev (trang gỡ lỗi lộ thông tin) / "
            "ignoring NAMHOC_DEBUG without --dev (debug pages leak information)\n"
        )
    os.environ["NAMHOC_DEBUG"] = "0"


def _namhoc_commands() -> dict[str, str]:
    """Management commands that namhoc's own apps provide, by name."""
    from django.core.management import get_commands

    return {name: app for name, app in get_commands().items() if app.startswith("namhoc.")}


def _command_help(name: str) -> str:
    """The first line of a namhoc management command's own help."""
    from django.core.management import get_commands, load_command_class

    try:
        text = load_command_class(get_commands()[name], name).help or ""
    except Exception:  # a command that cannot load still gets a line; running it will say why
        text = ""
    return text.strip().splitlines()[0] if text.strip() else f"namhoc manage {name} …"


def _build_parser(extra_commands: Sequence[str]) -> _Parser:
    parser = _Parser(
        prog="namhoc",
        description="namhoc — chỉ đạo năm học: văn bản, nhiệm vụ, số liệu. "
        "(namhoc — the school-year steering cycle.)",
    )
    parser.add_argument("--version", action="version", version=f"namhoc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="chạy ứng dụng web / run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"gunicorn worker processes (default: CPUs + 1, here {default_workers()})",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (default 1: one request at a time per process)",
    )
    serve.add_argument(
        "--dev", action="store_true", help="Django's auto-reloading development server"
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="do not start the background task worker"
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not start the periodic jobs (reminders, digests; see 'namhoc notifications')",
    )

    demo = sub.add_parser("demo", help="nạp dữ liệu mẫu / load the demo data")
    demo.add_argument("--quiet", action="store_true")
    demo.add_argument(
        "--schools-scale",
        type=float,
        default=1.0,
        help="share of the ~50,000 synthetic schools to generate (default 1.0)",
    )

    sub.add_parser("manage", help="lệnh quản trị Django / Django management", add_help=False)
    sub.add_parser("ingest", help="đọc văn bản chỉ đạo / read directives", add_help=False)
    for name in extra_commands:
        sub.add_parser(name, help=_command_help(name), add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args_in)
    except CliError as exc:
        sys.stderr.write(f"Lỗi: {exc.vi}\nError: {exc.en}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``namhoc ingest … | head``): not an error of ours.
        # Point stdout at devnull so that the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _main(args_in: list[str]) -> int:
    # Commands that take their own arguments are dispatched before argparse sees them.
    if args_in and args_in[0] == "ingest":
        from namhoc.ingest.command import main as ingest_main

        return ingest_main(args_in[1:])
    needs_django = not args_in or args_in[0] != "--version"  # --help lists every command
    if args_in and args_in[0] in {"serve", "demo"} and "--dev" not in args_in:
        _debug_off()
    extra: list[str] = []
    if needs_django:
        _setup_django()
        extra = sorted(_namhoc_commands())
    if args_in and args_in[0] == "manage":
        return _manage(args_in[1:])
    if args_in and args_in[0] in extra:
        return _manage(args_in)

    parser = _build_parser(extra)
    args = parser.parse_args(args_in)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "demo":
        return _demo(quiet=args.quiet, schools_scale=args.schools_scale)
    if args.command == "serve":
        return _serve(args)
    parser.error(f"unknown command {args.command!r}")


def _manage(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["namhoc manage", *argv])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _demo(*, quiet: bool, schools_scale: float) -> int:
    from django.conf import settings

    if settings.PRODUCTION:
        raise CliError(
            "không nạp dữ liệu mẫu khi NAMHOC_ENV=production.",
            "refusing to load demo data when NAMHOC_ENV=production.",
        )
    from namhoc.demo import load_demo

    if not 0 < schools_scale <= 1:
        raise CliError(
            f"--schools-scale phải trong khoảng (0, 1], nhận được {schools_scale}.",
            f"--schools-scale must be in (0, 1], got {schools_scale}.",
        )
    summary = load_demo(verbose=not quiet, schools_scale=schools_scale)
    print(summary.sign_in_text())
    return 0


def _migrate_or_explain() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return
    if settings.PRODUCTION:
        raise CliError(
            f"cơ sở dữ liệu còn {len(pending)} migration chưa áp dụng; "
            "chạy 'namhoc manage migrate'.",
            f"the database has {len(pending)} unapplied migrations; run 'namhoc manage migrate'.",
        )
    call_command("migrate", interactive=False, verbosity=0)


def _check_serve_options(args: argparse.Namespace) -> None:
    """Refuse a port, thread or process count out of range; fill in the default processes."""
    if not 1 <= args.port <= 65535:
        raise CliError(f"cổng {args.port} không hợp lệ.", f"invalid port {args.port}.")
    if args.workers is None:
        args.workers = default_workers()
    for option, value in (("--threads", args.threads), ("--workers", args.workers)):
        if not 1 <= value <= 64:
            raise CliError(f"{option} {value} không hợp lệ.", f"invalid {option} {value}.")


def _serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    _check_serve_options(args)
    _migrate_or_explain()
    if not args.dev:
        _metrics_folder(settings.DATA_DIR / f"metrics-{args.port}")
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    _close_connections_before_fork()
    worker = jobs = None
    if not args.no_worker:
        worker = worker_supervisor(dev=args.dev)
        worker.start()
    if not args.no_scheduler:
        jobs = scheduler_supervisor()
        jobs.start()
    try:
        if args.dev:
            call_command("runserver", f"{args.host}:{args.port}")
        else:
            _run_gunicorn(
                host=args.host, port=args.port, workers=args.workers, threads=args.threads
            )
    finally:
        for child in (jobs, worker):
            if child is not None:
                child.stop()
    return 0


def _close_connections_before_fork() -> None:
    """Close this process's database connections before gunicorn forks its workers: a child
    inherits every open socket, and workers that used the one connection checking migrations
    (gunicorn's sync worker, ``--threads 1``, serves in the thread that holds it) sent their
    queries down one PostgreSQL session at once — answers crossed, and requests failed with 500
    (issue 15's rush). Each worker opens its own connections."""
    from django.db import connections

    connections.close_all()


def scheduler_supervisor(*, env: dict[str, str] | None = None, **options: Any) -> Any:
    """The periodic jobs of ``serve`` (reminders, digests, retries, sweeps; ADR 0009) in their
    own supervised process, restarted when it dies. Their runs are recorded in the database, so
    a restart neither repeats nor skips one."""
    from namhoc.supervisor import WorkerSupervisor

    return WorkerSupervisor(
        [sys.executable, "-m", "namhoc.cli", "notifications", "scheduler"], env=env, **options
    )


def _recover_reads(*extra: str, env: dict[str, str] | None = None) -> list[str]:
    """Run ``namhoc reads recover`` (in its own process: the serving process keeps no database
    connection for gunicorn to fork); the ids of workers found hung."""
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "namhoc.cli", "reads", "recover", "--json", *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return []
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    if report.get("requeued") or report.get("failed"):
        sys.stderr.write(
            f"namhoc: đọc lại {len(report['requeued'])} tệp, không đọc được "
            f"{len(report['failed'])} tệp sau khi tiến trình nền dừng / requeued "
            f"{len(report['requeued'])} and gave up {len(report['failed'])} reads of a dead "
            "worker\n"
        )
    return [str(worker) for worker in report.get("stale_workers", [])]


def worker_supervisor(
    *,
    dev: bool,
    argv: list[str] | None = None,
    env: dict[str, str] | None = None,
    **options: Any,
) -> Any:
    """The background worker of ``serve``, supervised: restarted when it dies, and the reads it
    left behind recovered (when it dies, when serving starts, and every two minutes). ``argv``
    and ``env`` replace the worker's command line and environment (tests)."""
    from namhoc.supervisor import WorkerSupervisor

    command = argv or [
        *(sys.executable, "-m", "namhoc.cli", "manage", "db_worker"),
        *("--queue-name", "*", "--reload" if dev else "--no-reload"),
        "--skip-checks",  # serve checked already; a restarted worker is back seconds sooner
    ]
    return WorkerSupervisor(
        command,
        worker_ids=True,
        on_death=lambda worker_id, _code: _recover_reads("--worker", worker_id, env=env),
        sweep=lambda: _recover_reads(env=env),
        env=env,
        **options,
    )


def default_workers() -> int:
    """gunicorn's processes when ``--workers`` is not given: the CPUs this process may use + 1,
    at most 9. namhoc's requests are CPU-bound (PostgreSQL answers its short statements in well
    under a millisecond), so more processes than cores only add switching — and each process
    keeps its own page caches (a province's cells, its rows' HTML), so every extra process
    computes again what a save changed. Measured in the deadline rush on two cores: 3 workers
    11.4 ms of namhoc's CPU per request, p95 240 ms; 5 workers (gunicorn's 2 x CPUs + 1)
    11.9–12.9 ms, p95 260–900 ms (ADR 0010, session 11). A deployment whose requests wait on
    something slow raises ``--workers``. With one thread each (gunicorn's sync worker) a process
    takes a connection from the shared socket only when it is free, so the load spreads evenly;
    threaded workers accept eagerly and one of them ends up holding most connections while the
    other idles (ADR 0010: 66.6 req/s with 5 x 1 against 57.7 with 2 x 4 on two cores)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return min(cpus + 1, 9)


def _metrics_folder(folder: Any) -> None:
    """prometheus-client's multiprocess mode for the gunicorn workers (ADR 0010): each process
    writes its request figures under ``folder``, emptied now (figures of a previous run would
    be added in); set before anything imports prometheus_client."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _worker_exited(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _run_gunicorn(*, host: str, port: int, workers: int, threads: int = 1) -> None:
    from gunicorn.app.base import BaseApplication

    from namhoc.config.wsgi import application

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", max(1, workers))
            self.cfg.set("threads", threads)
            # namhoc.request logs every request (ADR 0010): no second access log.
            self.cfg.set("accesslog", None)
            self.cfg.set("timeout", 120)
            # Ctrl-C / SIGTERM: requests in flight get 5 s to finish, then namhoc stops (gunicorn's
            # default of 30 s made a stop feel hung — issue 11).
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("control_socket_disable", True)
            self.cfg.set("child_exit", _worker_exited)

        def load(self) -> object:
            return application

    print(
        f"namhoc đang chạy tại / is serving at http://{host}:{port}/ (Ctrl+C để dừng / to stop)",
        flush=True,
    )
    # The app is loaded here, before gunicorn forks: its ~200,000 long-lived objects (models,
    # URL patterns, settings, the libraries) move to the permanent generation, so the workers'
    # full collections (~150 ms each on the rush's VM) skip them and their pages are not copied
    # on write by the collector.
    gc.freeze()
    _App().run()


if __name__ == "__main__":
    sys.exit(main())
