"""A deadline rush on one province: ``namhoc serve`` on PostgreSQL on loopback, driven by locust.

    .venv/bin/pip install -c constraints.txt -e '.[bench]'      # locust, once
    .venv/bin/python bench/rush.py                               # ramp to 100 req/s, hold 2 min
    .venv/bin/python bench/rush.py --rate 60 --hold 60 --workers 2 --threads 4

What it does, every time from nothing (nothing outside its temporary folder is touched):

1. starts a PostgreSQL server of its own (``/usr/lib/postgresql/*/bin``, as the ``postgres``
   user when run as root) on a free loopback port, in a temporary folder;
2. loads one province — Hải Phòng (``--province 31``): its real communes and wards, its
   synthetic schools (~1,500 at ``--schools-scale 1``), the indicators catalogue, the demo's
   figures for every school and their roll-ups — and creates school users (one specialist per
   school, ``--school-users``) and province users;
3. runs ``namhoc serve`` (gunicorn ``--workers``, its background worker and scheduler) there;
4. runs locust headless (``bench/rush_locustfile.py``): school users sign in, open their entry
   page, save figures, download the Excel template and upload it filled in, sign out and in
   again; province users open the figures dashboard, the scorecard and the tracking dashboard.
   Every user aims at one request per second, so the users ramp the rate to ``--rate`` over
   ``--ramp`` seconds; the figures are measured over the ``--hold`` seconds after the ramp
   (locust resets its statistics when the last user has started);
5. prints throughput, p50/p95/p99 per kind of request, failures and the answers by status
   class (a 5xx fails the run), then checks that every roll-up equals a recomputation from the
   raw figures (``indicators.rollup.recompute_from_raw``).

Why locust: the rush is sessions (sign-in, CSRF, the versions a page hands back to its form,
an Excel file to fill), which locust's Python users say plainly; wrk would need Lua for each.
Locust runs in one process on the same two cores and takes part of one; the figures are the
server's answer to the load with that neighbour, as a single-server deployment would see.

Goal (issue 15): 100 requests/s with p95 <= 300 ms and no 5xx.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from namhoc.cli import default_workers

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "rush-" + "mat-khau-2025"
GOAL_RATE = 100.0
GOAL_P95_MS = 300.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- PostgreSQL ---------------------------------------------------------------------------


class Postgres:
    def __init__(self, folder: Path, *, statements: bool = False) -> None:
        self.statements = statements
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not found:
            sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = Path(found[-1])
        self.folder = folder
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/namhoc"

    def _as_postgres(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c shared_buffers=256MB"
        )
        if self.statements:
            options += " -c shared_preload_libraries=pg_stat_statements"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-w",
            "-o", options, "start",
        )  # fmt: skip
        import psycopg

        with psycopg.connect(
            f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE namhoc")
        if self.statements:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def reset_statements(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT pg_stat_statements_reset()")

    def top_statements(self, limit: int = 12) -> list[tuple[float, int, float, str]]:
        """PostgreSQL's own time per statement since the reset: ``(total ms, calls, ms per
        call, the statement's first words)``, costliest first."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT total_exec_time + total_plan_time, calls, query "
                "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                "WHERE datname = 'namhoc') ORDER BY 1 DESC LIMIT %s",
                [limit],
            ).fetchall()
        return [
            (
                float(total),
                int(calls),
                float(total) / max(int(calls), 1),
                " ".join(query.split())[:110],
            )
            for total, calls, query in rows
        ]

    def postmaster(self) -> int:
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_postgres(
                str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop"
            )


# --- the province, its schools and people (runs in a child process with Django) -----------


def setup(plan_path: Path, *, province: str, schools_scale: float, school_users: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from namhoc.accounts.models import Membership, Role, User
    from namhoc.core.audit import audit_context
    from namhoc.demo.indicators import demo_years, load_demo_indicators
    from namhoc.indicators.models import DataSet, Period
    from namhoc.orgunits.models import OrgUnit

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    with audit_context(source="cli"):
        call_command("units", "load", "--provinces", province, verbosity=0)
        call_command(
            "units", "generate-schools", "--seed", "2025", "--scale", str(schools_scale),
            "--provinces", province, verbosity=0,
        )  # fmt: skip
        the_province = OrgUnit.objects.get(key=f"p2025-{province}")
        load_demo_indicators(verbose=False, province_keys=[the_province.key])
    year = demo_years()[-1]
    start = Period.objects.get(school_year=year, kind=Period.Kind.START)
    by_level = {"tieu_hoc": "DN_TH", "thcs": "DN_THCS"}
    data_sets = {code: DataSet.objects.get(code=code) for code in by_level.values()}
    schools = list(
        OrgUnit.objects.filter(
            kind=OrgUnit.Kind.SCHOOL,
            school_level__in=list(by_level),
            path__startswith=the_province.path,
            valid_to__isnull=True,
        ).order_by("path")[:school_users]
    )
    hashed = make_password(PASSWORD)  # one hash for everybody: set up in seconds, not minutes
    people: list[dict[str, str]] = []
    users = []
    for n, school in enumerate(schools, start=1):
        users.append(User(username=f"truong{n:04d}", full_name=f"Hiệu trưởng {n}", password=hashed))
        people.append(
            {
                "username": f"truong{n:04d}",
                "unit": school.key,
                "period": start.code,
                "data_set": data_sets[by_level[school.school_level]].code,
            }
        )
    province_people = [f"so{n:02d}" for n in range(1, 11)]
    users += [
        User(username=u, full_name=f"Chuyên viên Sở {u}", password=hashed) for u in province_people
    ]
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(User.objects.values_list("username", "pk"))
    memberships = [
        Membership(user_id=ids[p["username"]], unit=school, role=Role.SPECIALIST)
        for p, school in zip(people, schools, strict=True)
    ]
    memberships += [
        Membership(user_id=ids[u], unit=the_province, role=role)
        for u in province_people
        for role in (Role.SPECIALIST, Role.APPROVER)
    ]
    Membership.objects.bulk_create(memberships, batch_size=1000)
    counts = {
        "schools": OrgUnit.objects.filter(
            kind=OrgUnit.Kind.SCHOOL, path__startswith=the_province.path
        ).count(),
        "communes": OrgUnit.objects.filter(
            kind=OrgUnit.Kind.COMMUNE, path__startswith=the_province.path, valid_to__isnull=True
        ).count(),
    }
    from namhoc.indicators.models import Aggregate, DataValue

    counts["values"] = DataValue.objects.count()
    counts["aggregates"] = Aggregate.objects.count()
    plan = {
        "password": PASSWORD,
        "province": the_province.key,
        "province_name": the_province.name,
        "schools": people,
        "province_users": [{"username": u} for u in province_people],
        "counts": counts,
        "setup_seconds": round(time.monotonic() - started, 1),
    }
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


def verify_rollups() -> dict[str, Any]:
    """Every aggregate against a recomputation from the raw figures (a child process)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
    django.setup()
    from django.db import connection, transaction

    from namhoc.indicators.models import Aggregate, DataValue
    from namhoc.indicators.rollup import recompute_from_raw

    with transaction.atomic():
        if connection.vendor == "postgresql":  # both reads from one snapshot
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        stored = {
            (u, e, p): (total, count)
            for u, e, p, total, count in Aggregate.objects.values_list(
                "unit_id", "element_id", "period_id", "total", "count"
            )
        }
        stored = {k: v for k, v in stored.items() if v[1]}
        fresh = recompute_from_raw()
    differ = sorted(set(stored) ^ set(fresh) | {k for k in stored if fresh.get(k) != stored[k]})
    return {
        "aggregates": len(stored),
        "values": DataValue.objects.count(),
        "differ": len(differ),
        "example": [str(k) for k in differ[:3]],
    }


def profile(plan_path: Path, rounds: int) -> list[dict[str, Any]]:
    """Each kind of request, ``rounds`` times in this process through Django's test client:
    CPU milliseconds (this process: Django and the database driver; not PostgreSQL's side) and
    queries per request. Load-independent, unlike the wall times under locust."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
    django.setup()
    import statistics
    from io import BytesIO

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["RUSH_PLAN"] = str(plan_path)
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    from rush_figures import FIGURES

    school = plan["schools"][0]
    entry = f"/so-lieu/{school['unit']}/ky/{school['period']}/bieu/{school['data_set']}/"
    figures = FIGURES[school["data_set"]]
    from openpyxl import load_workbook

    def sign_in(c: Client, who: str) -> Any:
        c.get("/dang-nhap/")
        return c.post("/dang-nhap/", {"username": who, "password": PASSWORD})

    school_client, province_client = Client(), Client()
    sign_in(school_client, school["username"])
    sign_in(province_client, plan["province_users"][0]["username"])
    turn = {"n": 0}

    def save(c: Client) -> Any:
        turn["n"] += 1
        page = c.get(entry).content.decode()
        import re

        versions = dict(re.findall(r'name="v-([A-Z0-9_]+)" value="(\d*)"', page))
        data = {}
        for code, value in figures[turn["n"] % 2].items():
            data[code], data[f"v-{code}"] = str(value), versions.get(code, "")
        return data

    def upload_file(c: Client) -> bytes:
        book = load_workbook(BytesIO(c.get(entry + "mau.xlsx").content))
        sheet = book.worksheets[0]
        for cell in sheet[4]:
            if cell.value in figures[0]:
                sheet.cell(row=5, column=cell.column, value=figures[turn["n"] % 2][cell.value])
        turn["n"] += 1
        out = BytesIO()
        book.save(out)
        return out.getvalue()

    kinds: list[tuple[str, Any, Any]] = [
        ("đăng nhập", lambda: None, lambda _p: sign_in(Client(), school["username"])),
        ("trang chủ", lambda: None, lambda _p: school_client.get("/")),
        ("trang nhập số liệu", lambda: None, lambda _p: school_client.get(entry)),
        (
            "lưu số liệu",
            lambda: save(school_client),
            lambda data: school_client.post(entry + "luu/", data, HTTP_HX_REQUEST="true"),
        ),
        ("tải mẫu Excel", lambda: None, lambda _p: school_client.get(entry + "mau.xlsx")),
        (
            "nhập Excel",
            lambda: upload_file(school_client),
            lambda content: school_client.post(
                entry + "nhap-excel/", {"file": _named(BytesIO(content), "so-lieu.xlsx")}
            ),
        ),
        (
            "tổng quan số liệu",
            lambda: None,
            lambda _p: province_client.get(f"/so-lieu/{plan['province']}/tong-quan/"),
        ),
        (
            "xếp hạng đơn vị",
            lambda: None,
            lambda _p: province_client.get(f"/so-lieu/{plan['province']}/xep-hang/"),
        ),
        (
            "bảng điều khiển theo dõi",
            lambda: None,
            lambda _p: province_client.get("/theo-doi/bang-dieu-khien/"),
        ),
    ]
    rows = []
    for name, prepare, call in kinds:
        cpu, queries, statuses = [], [], set()
        for _ in range(rounds):
            payload = prepare()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.process_time()
                response = call(payload)
                cpu.append((time.process_time() - started) * 1000)
            queries.append(len(captured.captured_queries))
            statuses.add(response.status_code)
        rows.append(
            {
                "kind": name,
                "cpu_ms": round(statistics.median(cpu), 1),
                "queries": int(statistics.median(queries)),
                "status": sorted(statuses),
            }
        )
    return rows


def _named(handle: Any, name: str) -> Any:
    handle.name = name
    return handle


# --- the run --------------------------------------------------------------------------------


def _child(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"rush: the child step {args[0]} failed")
    return done.stdout


def _stop_serve(serve: subprocess.Popen[bytes]) -> None:
    os.killpg(serve.pid, signal.SIGTERM)
    try:
        serve.wait(timeout=150)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()


def _wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"rush: the server did not answer {url}")


def _cpu(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and every process below it, those that have ended too
    (PostgreSQL's backends come and go: without their reaped times the sum could go down)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _print_server_cpu(routes: dict[str, tuple[int, float]], *, web_ms: float) -> None:
    """Each route's CPU per request inside Django under the load, and what the web workers
    spent outside the requests (gunicorn, the WSGI layer, writing the answers and log lines)."""
    requests = sum(count for count, _ in routes.values())
    inside = sum(cpu for _, cpu in routes.values())
    if not requests:
        return
    print(
        f"\nnamhoc's CPU by route under the load (the server's request lines: cpu_ms, over the "
        f"hold)\n{'route':<32}{'requests':>9}{'ms each':>9}{'share':>7}"
    )
    for route, (count, cpu) in sorted(routes.items(), key=lambda item: -item[1][1]):
        print(f"{route:<32}{count:>9}{cpu / count:>9.1f}{cpu / inside:>7.0%}")
    outside = max(0.0, web_ms - inside)
    print(
        f"inside Django {inside / requests:.1f} ms per request; the web workers' other CPU "
        f"(gunicorn, WSGI, writing answers) {outside / requests:.1f} ms per request"
    )


def _server_cpu(log: Path, start: int, end: int) -> dict[str, tuple[int, float]]:
    """``{route: (requests, CPU ms in all)}`` from the server's JSON request lines written
    between byte offsets ``start`` and ``end`` of its log (``cpu_ms``: the request thread's own
    CPU, from the first middleware to the last)."""
    routes: dict[str, tuple[int, float]] = {}
    with open(log, "rb") as handle:
        handle.seek(start)
        chunk = handle.read(max(0, end - start))
    for raw in chunk.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(line, dict) or "cpu_ms" not in line:
            continue
        count, cpu = routes.get(line.get("route", "?"), (0, 0.0))
        routes[line.get("route", "?")] = (count + 1, cpu + float(line["cpu_ms"]))
    return routes


def _cpu_parts(pid: int) -> dict[str, float]:
    """CPU seconds so far of ``namhoc serve``'s parts: the gunicorn workers (web), the
    background worker (tasks: notices, reads), the scheduler and the serving process itself
    (gunicorn's master, the supervisors)."""
    import psutil

    parts = {"web": 0.0, "tasks": 0.0, "scheduler": 0.0, "serve": 0.0}
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return parts
    for process in processes:
        try:
            times = process.cpu_times()
            command = " ".join(process.cmdline())
        except psutil.Error:
            continue
        if process.pid == pid:
            part = "serve"
        elif "db_worker" in command:
            part = "tasks"
        elif "scheduler" in command:
            part = "scheduler"
        elif "gunicorn" in process.name() or process.ppid() == pid:
            part = "web"
        else:
            part = "serve"
        parts[part] += times.user + times.system + times.children_user + times.children_system
    return parts


def machine_speed() -> float:
    """Milliseconds this machine takes for a fixed piece of pure-Python work (JSON, sorting,
    string formatting, dict traffic — what a request does between its statements), best of
    seven, printed before and after a run. The VM's speed varies from day to day by a third or
    more (the same code gave 93.5 req/s one day and 64 the next) and even within minutes (this
    figure read 11–24 ms in one quarter of an hour): read runs against it, and compare code by
    runs close in time, not by runs on different days."""
    import random as _random

    data = [
        {"code": f"E{n:04d}", "value": n * 7 % 1000, "name": f"Trường số {n}"} for n in range(4000)
    ]
    best = float("inf")
    for _ in range(7):
        started = time.process_time()
        text = json.dumps(data, ensure_ascii=False)
        rows = json.loads(text)
        rows.sort(key=lambda r: (r["value"], r["code"]))
        index = {r["code"]: r for r in rows}
        total = sum(index[f"E{n:04d}"]["value"] for n in range(4000))
        _random.Random(total).shuffle(rows)
        best = min(best, (time.process_time() - started) * 1000)
    return best


def _stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _print_stats(rows: list[dict[str, str]], hold: float) -> dict[str, Any]:
    columns = f"{'count':>8}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
    print(f"\n{'kind of request':<32}{columns}")
    total: dict[str, Any] = {}
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        line = (
            f"{name[:31]:<32}{int(row['Request Count']):>8}{int(row['Failure Count']):>6}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
        )
        if name == "ALL":
            print("-" * 75)
            total = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rate": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
        print(line)
    print(f"(milliseconds; over the {hold:.0f} s after the ramp)")
    return total


def run(args: argparse.Namespace) -> int:  # noqa: PLR0912, PLR0915 - one run, step by step
    locust = VENV_BIN / "locust"
    if not locust.exists():
        sys.exit(
            "rush: locust is not installed: .venv/bin/pip install -c constraints.txt -e '.[bench]'"
        )
    work = Path(tempfile.mkdtemp(prefix="namhoc-rush-"))
    os.chmod(work, 0o755)
    pg = Postgres(work / "pg", statements=args.pg_statements)
    (work / "pg").mkdir()
    serve: subprocess.Popen[bytes] | None = None
    try:
        pg.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
        # As deployed, less TLS: JSON log lines, and DEBUG off in the setup, profile and check
        # children too (``serve`` turns it off itself). Production mode would set Secure
        # cookies, which a client on plain HTTP (locust) never sends back.
        env.update(
            NAMHOC_ENV="development",
            NAMHOC_DEBUG="0",
            NAMHOC_LOG_FORMAT="json",
            NAMHOC_DATA_DIR=str(work / "data"),
            NAMHOC_DATABASE_URL=pg.url,
            PYTHONPATH=str(ROOT / "src"),
        )
        env.update(dict(item.split("=", 1) for item in args.env))
        plan_path = work / "plan.json"
        speed = machine_speed()
        print(
            f"rush: this machine's fixed Python work: {speed:.1f} ms (lower is faster; runs "
            "compare by it)",
            flush=True,
        )
        print(
            f"rush: loading province {args.province} into PostgreSQL on 127.0.0.1:{pg.port}…",
            flush=True,
        )
        _child(
            env,
            "setup",
            str(plan_path),
            args.province,
            str(args.schools_scale),
            str(args.school_users),
        )
        plan = json.loads(plan_path.read_text(encoding="utf-8"))
        print(
            f"rush: {plan['province_name']}: {plan['counts']['communes']} communes, "
            f"{plan['counts']['schools']} schools, {plan['counts']['values']:,} figures, "
            f"{plan['counts']['aggregates']:,} roll-up rows; {len(plan['schools'])} school users, "
            f"{len(plan['province_users'])} province users (setup {plan['setup_seconds']} s)",
            flush=True,
        )
        if args.profile_rounds:
            rows = json.loads(
                _child(env, "profile", str(plan_path), str(args.profile_rounds))
                .strip()
                .splitlines()[-1]
            )
            print(f"\n{'each kind alone (test client)':<32}{'CPU ms':>8}{'queries':>9}  status")
            for row in rows:
                print(f"{row['kind']:<32}{row['cpu_ms']:>8}{row['queries']:>9}  {row['status']}")
        port = _free_port()
        serve_cmd = [
            str(VENV_BIN / "namhoc"), "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(args.workers or default_workers()),
        ]  # fmt: skip
        if args.threads:
            serve_cmd += ["--threads", str(args.threads)]
        serve = subprocess.Popen(
            serve_cmd,
            env=env,
            stdout=open(work / "serve.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        users = max(1, round(args.rate))
        prefix = work / "locust"
        env_locust = dict(env, RUSH_PLAN=str(plan_path), RUSH_STATUS=str(work / "status.json"))
        print(
            f"rush: {' '.join(serve_cmd[1:])}; locust ramps to {users} users x 1 req/s over "
            f"{args.ramp} s, then holds {args.hold} s",
            flush=True,
        )
        load = subprocess.Popen(
            [
                str(locust), "-f", str(ROOT / "bench" / "rush_locustfile.py"), "--headless",
                "--host", f"http://127.0.0.1:{port}", "-u", str(users),
                "-r", f"{users / max(args.ramp, 1):.3f}", "-t", f"{args.ramp + args.hold}s",
                "--reset-stats", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
                "--stop-timeout", "10",
            ],
            env=env_locust,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "locust.log", "wb"),  # noqa: SIM115
        )  # fmt: skip
        time.sleep(args.ramp + 2)
        if args.pg_statements:
            pg.reset_statements()
        cpu_start = _cpu(serve.pid), _cpu(pg.postmaster()), _cpu(load.pid), time.monotonic()
        parts_start = _cpu_parts(serve.pid)
        log_start = (work / "serve.log").stat().st_size
        load_start = os.getloadavg()[0]
        time.sleep(max(0, args.hold - 4))
        cpu_end = _cpu(serve.pid), _cpu(pg.postmaster()), _cpu(load.pid), time.monotonic()
        parts_end = _cpu_parts(serve.pid)
        log_end = (work / "serve.log").stat().st_size
        load.wait()
        total = _print_stats(_stats(prefix), args.hold)
        span = cpu_end[3] - cpu_start[3]
        served = total.get("rate", 0) * span
        if served:
            app, db, tool = ((cpu_end[i] - cpu_start[i]) * 1000 / served for i in range(3))
            print(
                f"CPU per request: namhoc {app:.1f} ms + PostgreSQL {db:.1f} ms = {app + db:.1f} ms"
                f" (locust {tool:.1f} ms); two cores hold ~{2000 / (app + db + tool):.0f} req/s "
                f"of this mix. Machine load average at the hold: {load_start:.1f} "
                f"(others' work on the same 2 cores counts in the wall times)"
            )
            split = ", ".join(
                f"{part} {(parts_end[part] - parts_start[part]) * 1000 / served:.1f} ms"
                for part in parts_end
            )
            print(f"  namhoc's part by process: {split}")
            _print_server_cpu(
                _server_cpu(work / "serve.log", log_start, log_end),
                web_ms=(parts_end["web"] - parts_start["web"]) * 1000,
            )
        if args.pg_statements:
            print("\nPostgreSQL's time by statement over the hold (ms in all, calls, ms each):")
            for total_ms, calls, each, text in pg.top_statements():
                print(f"{total_ms:>9.0f}{calls:>8}{each:>7.2f}  {text}")
        status = (
            json.loads((work / "status.json").read_text())
            if (work / "status.json").exists()
            else {}
        )
        print(f"answers by status class (whole run): {json.dumps(status, sort_keys=True)}")
        failures = prefix.with_name("locust_failures.csv")
        if failures.exists():
            with open(failures, encoding="utf-8") as handle:
                for row in list(csv.DictReader(handle))[:8]:
                    what = f"{row['Method']} {row['Name']}: {row['Error'][:120]}"
                    print(f"  failure: {what} x{row['Occurrences']}")
        # Requests still in flight when locust stopped finish first: stop the server (gunicorn
        # lets them complete), then compare with nothing writing.
        _stop_serve(serve)
        serve = None
        print("rush: checking roll-ups against a recomputation…", flush=True)
        check = json.loads(_child(env, "verify").strip().splitlines()[-1])
        print(
            f"roll-ups: {check['aggregates']:,} rows over {check['values']:,} figures; "
            f"{check['differ']} differ from a recomputation {check['example'] or ''}"
        )
        ok = (
            total.get("rate", 0) >= GOAL_RATE * 0.95
            and total.get("p95", 1e9) <= GOAL_P95_MS
            and not status.get("5xx")
            and check["differ"] == 0
        )
        speed_after = machine_speed()
        print(
            f"this machine's fixed Python work after the run: {speed_after:.1f} ms (before: "
            f"{speed:.1f} ms)"
        )
        print(
            f"\nRESULT: {total.get('rate', 0):.1f} req/s, p95 {total.get('p95', 0):.0f} ms, "
            f"machine {speed:.1f}/{speed_after:.1f} ms, "
            f"p99 {total.get('p99', 0):.0f} ms, {status.get('5xx', 0)} 5xx, roll-ups "
            f"{'equal' if check['differ'] == 0 else 'DIFFER'} — goal {GOAL_RATE:.0f} req/s at "
            f"p95 <= {GOAL_P95_MS:.0f} ms: {'met' if ok else 'NOT met'}"
        )
        return 0 if ok else 1
    finally:
        if serve is not None:
            _stop_serve(serve)
        pg.stop()
        if args.keep:
            print(f"rush: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "setup":
        _, _, plan, province, scale, users = sys.argv
        setup(Path(plan), province=province, schools_scale=float(scale), school_users=int(users))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "verify":
        print(json.dumps(verify_rollups()))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "profile":
        print(json.dumps(profile(Path(sys.argv[2]), int(sys.argv[3]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", default="31", help="2025 province code (31: Hải Phòng)")
    parser.add_argument("--schools-scale", type=float, default=1.0)
    parser.add_argument("--school-users", type=int, default=400)
    parser.add_argument("--rate", type=float, default=GOAL_RATE, help="requests/s to ramp to")
    parser.add_argument("--ramp", type=int, default=60, help="seconds to reach the rate")
    parser.add_argument("--hold", type=int, default=120, help="seconds measured at the rate")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn worker processes (serve's default if 0)"
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker (serve's default if 0)"
    )
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument(
        "--profile-rounds", type=int, default=15, help="each kind alone, CPU and queries (0: skip)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--pg-statements",
        action="store_true",
        help="load pg_stat_statements and print PostgreSQL's costliest statements of the hold",
    )
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
