"""The rush's hot paths one at a time: queries and CPU per request through Django's test client.

    .venv/bin/python bench/hotpaths.py                         # SQLite, 10 % of the schools
    .venv/bin/python bench/hotpaths.py --schools-scale 0.3 --rounds 30
    .venv/bin/python bench/hotpaths.py --data-dir /tmp/hp      # reuse a demo database there

It loads the demo (``namhoc demo --schools-scale``) into a temporary ``NAMHOC_DATA_DIR`` (or
reuses the one given), signs in as the demo's province officer (``demo``) and school principal
(``demo-truong``) and times, ``--rounds`` times each: the sign-in, the scorecard and the figures
dashboard of the province, the school's entry page, saving its figures (the form's POST, two
sets of figures in turn, so that every save changes something) and importing them from the
school's Excel template. It prints per path the queries and the median CPU milliseconds of this
process (Django and the database driver; load-independent, unlike wall times).

The province pages are measured twice: ``cold`` with the page cache emptied before each request
(what the first viewer after a save pays, and every viewer before there was a cache) and
``warm`` (the next viewers) — the ratio is the cache's gain, measured in the same run. The
before/after of a change is this script's output in the commit messages.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "namhoc-demo-2025"  # the demo's printed password (``namhoc.demo.DEMO_PASSWORD``)


def _load_demo(data_dir: Path, scale: float) -> None:
    started = time.monotonic()
    subprocess.run(
        [str(Path(sys.executable).parent / "namhoc"), "demo", "--quiet", "--schools-scale",
         str(scale)],
        env=dict(os.environ),
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"hotpaths: demo loaded in {time.monotonic() - started:.0f} s ({data_dir})", flush=True)


def _measure(rounds: int, prepare: Callable[[], Any], call: Callable[[Any], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, queries, statuses = [], [], set()
    for _ in range(rounds):
        payload = prepare()
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = call(payload)
            cpu.append((time.process_time() - started) * 1000)
        queries.append(len(captured.captured_queries))
        statuses.add(response.status_code)
    return {
        "cpu": statistics.median(cpu),
        "queries": int(statistics.median(queries)),
        "status": sorted(statuses),
    }


def run(rounds: int) -> None:  # noqa: PLR0915 - one list of paths
    import django

    django.setup()
    logging.disable(logging.INFO)  # the request log's lines: not this bench's output
    from django.core.cache import caches
    from django.test import Client
    from django.test.utils import setup_test_environment
    from openpyxl import load_workbook
    from rush_figures import FIGURES

    from namhoc.accounts.models import Membership
    from namhoc.demo import DEMO_PROVINCE
    from namhoc.indicators import pagecache
    from namhoc.indicators.models import DataSet, Period
    from namhoc.indicators.selectors.figures import lock_of
    from namhoc.orgunits.models import OrgUnit

    setup_test_environment()
    school = OrgUnit.objects.get(
        pk__in=Membership.objects.filter(user__username="demo-truong").values("unit")
    )
    data_set = DataSet.objects.get(
        code={"tieu_hoc": "DN_TH", "thcs": "DN_THCS"}[school.school_level]
    )
    # The newest start-of-year period whose figures no approval locks (the demo approves some).
    period = next(
        p
        for p in Period.objects.filter(kind=Period.Kind.START).order_by("-as_of")
        if lock_of(school, data_set, p) is None
    )
    entry = f"/so-lieu/{school.key}/ky/{period.code}/bieu/{data_set.code}/"
    figures = FIGURES[data_set.code]
    province = DEMO_PROVINCE

    def sign_in_form() -> Client:
        client = Client()
        client.get("/dang-nhap/")
        return client

    def sign_in(who: str) -> Client:
        client = Client()
        client.get("/dang-nhap/")
        response = client.post("/dang-nhap/", {"username": who, "password": PASSWORD})
        if response.status_code != 302:
            sys.exit(f"hotpaths: {who} could not sign in ({response.status_code})")
        return client

    officer, principal = sign_in("demo"), sign_in("demo-truong")
    turn = {"n": 0}
    versions_re = re.compile(r'name="v-([A-Z0-9_]+)" value="(\d*)"')

    def save_payload() -> dict[str, str]:
        turn["n"] += 1
        page = principal.get(entry).content.decode()
        versions = dict(versions_re.findall(page))
        data = {}
        for code, value in figures[turn["n"] % 2].items():
            data[code], data[f"v-{code}"] = str(value), versions.get(code, "")
        return data

    def upload_payload() -> Any:
        book = load_workbook(BytesIO(principal.get(entry + "mau.xlsx").content))
        sheet = book.worksheets[0]
        turn["n"] += 1
        chosen = figures[turn["n"] % 2]
        for row in sheet.iter_rows(min_row=1, max_row=12):
            found = {
                c.value: c.column for c in row if isinstance(c.value, str) and c.value in chosen
            }
            if found:
                for code, column in found.items():
                    sheet.cell(row=row[0].row + 1, column=column, value=chosen[code])
                break
        out = BytesIO()
        book.save(out)
        handle = BytesIO(out.getvalue())
        handle.name = "so-lieu.xlsx"
        return handle

    def clear() -> None:
        for cache in caches.all(initialized_only=True):
            cache.clear()
        forget = getattr(pagecache, "forget_local", None)  # absent before the page cache
        if forget is not None:
            forget()

    def cold(get: Callable[[], Any]) -> tuple[Callable[[], None], Callable[[Any], Any]]:
        return (clear, lambda _p: get())

    scorecard = f"/so-lieu/{province}/xep-hang/"
    dashboard = f"/so-lieu/{province}/tong-quan/"
    paths: list[tuple[str, Callable[[], Any], Callable[[Any], Any]]] = [
        (
            "sign-in (POST /dang-nhap/)",
            sign_in_form,
            lambda client: client.post(
                "/dang-nhap/", {"username": "demo-truong", "password": PASSWORD}
            ),
        ),
        ("scorecard, cold", *cold(lambda: officer.get(scorecard))),
        ("scorecard, warm", lambda: officer.get(scorecard), lambda _p: officer.get(scorecard)),
        ("dashboard, cold", *cold(lambda: officer.get(dashboard))),
        ("dashboard, warm", lambda: officer.get(dashboard), lambda _p: officer.get(dashboard)),
        ("entry page GET", lambda: None, lambda _p: principal.get(entry)),
        (
            "entry page POST (save)",
            save_payload,
            lambda data: principal.post(entry + "luu/", data, HTTP_HX_REQUEST="true"),
        ),
        (
            "Excel import",
            upload_payload,
            lambda handle: principal.post(entry + "nhap-excel/", {"file": handle}),
        ),
    ]
    units = OrgUnit.objects.filter(path__startswith=OrgUnit.objects.get(key=province).path)
    print(
        f"hotpaths: {units.filter(kind=OrgUnit.Kind.SCHOOL).count()} schools in {province}; "
        f"{rounds} rounds each; CPU of this process, median"
    )
    print(f"\n{'path':<30}{'queries':>9}{'CPU ms':>9}  status")
    results = {}
    for name, prepare, call in paths:
        result = _measure(rounds, prepare, call)
        results[name] = result
        print(f"{name:<30}{result['queries']:>9}{result['cpu']:>9.1f}  {result['status']}")
    for page in ("scorecard", "dashboard"):
        c, w = results[f"{page}, cold"]["cpu"], results[f"{page}, warm"]["cpu"]
        print(f"{page}: cold / warm = {c / w:.1f}x" if w else f"{page}: warm took no CPU")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools-scale", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--data-dir", type=Path, help="a folder holding a demo database to reuse")
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith("NAMHOC_")]:
        if name != "NAMHOC_DATABASE_URL":
            del os.environ[name]
    os.environ["NAMHOC_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = "namhoc.config.settings"
    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="namhoc-hotpaths-")) if temporary else args.data_dir
    os.environ["NAMHOC_DATA_DIR"] = str(data_dir)
    try:
        if temporary or not (data_dir / "namhoc.sqlite3").exists():
            _load_demo(data_dir, args.schools_scale)
        run(args.rounds)
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
