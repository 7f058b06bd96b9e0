"""Benchmark: what hostile files cost next to ordinary ones (issue 9).

    .venv/bin/python bench/hostile.py [--rows 12000] [--pages 100000] [--stored-chars 169000000]

Builds a throw-away database (SQLite in a temporary directory, or NAMHOC_DATABASE_URL) with a
province, a commune and 40 primary schools, the figures catalogue, and two provinces' directive
lists. Each case runs in a fresh process, so that its peak memory is its own. Prints, per pair,
the time and the peak memory growth (resident set) of the hostile case and of its ordinary peer,
and their ratio:

- a figures workbook: the commune's filled template, against a ~90 KB file with one cell in
  column XFD on each of ``--rows`` rows (it used to take 1.6 GB and 6.5 s: rows were padded
  to 16,384 cells);
- reading a directive: an ordinary PDF (a 19-page plan from ../shared/realdocs, or a generated
  one), against a PDF of ``--pages`` pages sharing one content stream (it used to keep a worker
  126 s at 975 MB and store 169 M characters);
- the directive list page (``/van-ban/``) and the API list (``/api/directives``) of a province
  whose sources hold ordinary texts, against one that also holds a stored text of
  ``--stored-chars`` characters (a document stored before the reading limits: lists took
  1.3–3.2 s and grew workers to 2.5–3.7 GB).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("NAMHOC_ENV", "development")
os.environ.setdefault("NAMHOC_DEBUG", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
REALDOC = ROOT.parent / "shared" / "realdocs" / "hd-on-thi-hsg-2020-2021.pdf"
ORDINARY_TEXT_CHARS = 20_000
LIST_REPEAT = 5


def _status(field: str) -> int:
    """A field of /proc/self/status in kB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _measure(run: Any) -> dict[str, Any]:
    """Time and peak resident-memory growth of ``run()``, in this (fresh) process."""
    with contextlib.suppress(OSError):  # reset the peak (VmHWM) to the current RSS
        Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    started = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "growth_mb": max(0, _status("VmHWM") - before) / 1024,
        "outcome": outcome,
    }


# --- the world ------------------------------------------------------------------------------


def build(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from namhoc.accounts.models import Membership, Role, User
    from namhoc.core.text import fold
    from namhoc.directives.files import store_blob
    from namhoc.directives.models import Directive, SourceDocument
    from namhoc.indicators.catalogue import catalogue_load, periods_ensure
    from namhoc.orgunits.models import OrgUnit
    from namhoc.orgunits.tree import child_path, depth_of, segment

    def unit(key: str, name: str, kind: str, parent: Any, n: int, **extra: Any) -> Any:
        path = child_path(parent.path, n) if parent else segment(n)
        return OrgUnit.objects.create(
            key=key,
            name=name,
            name_folded=fold(name),
            kind=kind,
            parent=parent,
            path=path,
            depth=depth_of(path),
            is_synthetic=True,
            **extra,
        )

    ministry = unit("bo", "Bộ Giáo dục và Đào tạo", "ministry", None, 1)
    province = unit("p-a", "Tỉnh Phú An", "province", ministry, 1)
    other = unit("p-b", "Tỉnh Bình Sơn", "province", ministry, 2)
    commune = unit("c-a1", "Xã An Lạc", "commune", province, 1)
    for n in range(1, 41):
        unit(
            f"s-{n:02d}",
            f"Trường Tiểu học Thử {n:02d}",
            "school",
            commune,
            n,
            school_level="tieu_hoc",
        )
    catalogue_load()
    periods_ensure("2025-2026")
    for username, place in (("xa", commune), ("tinh-a", province), ("tinh-b", other)):
        user = User.objects.create_user(username=username, password="x", full_name=username)
        Membership.objects.create(user=user, unit=place, role=Role.SPECIALIST)

    # Two provinces' lists: 30 directives each with an ordinary stored text; province B also
    # holds one source with a text stored before there was a reading limit.
    ordinary = ("Nhiệm vụ năm học 2025-2026. " * (ORDINARY_TEXT_CHARS // 28 + 1))[
        :ORDINARY_TEXT_CHARS
    ]
    blob = store_blob(ordinary.encode(), folder="directives", kind="txt")
    for place in (province, other):
        for n in range(30):
            source = SourceDocument.objects.create(
                unit=place,
                sha256=f"{place.key}-{n:060d}"[:64],
                filename=f"van-ban-{n}.txt",
                format="txt",
                size=blob.size,
                file=blob.name,
                status="ready",
                text=ordinary,
                extraction={"outline": [], "warnings": []},
            )
            Directive.objects.create(
                unit=place, source=source, number=f"{n}/KH-SGDĐT", title=f"Kế hoạch {n}"
            )
    huge = SourceDocument.objects.create(
        unit=other,
        sha256="f" * 64,
        filename="100000-trang.pdf",
        format="pdf",
        size=blob.size,
        file=blob.name,
        status="ready",
        text="Trang\n" * (args.stored_chars // 6),
        extraction={"outline": [], "warnings": [], "note": "x" * 1000},
    )
    Directive.objects.create(unit=other, source=huge, number="99/KH", title="Tệp rất dài")
    # ... and province A one more ordinary one: both lists have 31 rows.
    extra = SourceDocument.objects.create(
        unit=province,
        sha256="e" * 64,
        filename="van-ban-them.txt",
        format="txt",
        size=blob.size,
        file=blob.name,
        status="ready",
        text=ordinary,
        extraction={"outline": [], "warnings": []},
    )
    Directive.objects.create(unit=province, source=extra, number="99/KH", title="Kế hoạch thêm")


# --- the cases (each in its own process) ------------------------------------------------------


def case(name: str, args: argparse.Namespace) -> dict[str, Any]:  # noqa: PLR0915 - one branch per case
    import django

    django.setup()
    from django.test import Client

    from namhoc.accounts.models import User
    from namhoc.directives import services
    from namhoc.directives.files import store_blob
    from namhoc.directives.models import SourceDocument
    from namhoc.indicators import excel
    from namhoc.indicators.models import DataSet, Period
    from namhoc.orgunits.models import OrgUnit
    from namhoc.testing.hostile import many_pages_pdf, wide_workbook

    if name.startswith("workbook"):
        commune = OrgUnit.objects.get(key="c-a1")
        actor = User.objects.get(username="xa")
        data_set = DataSet.objects.get(code="DN_TH")
        period = Period.objects.get(code__startswith="2025-2026", kind="start")
        if name == "workbook-ordinary":
            import io

            from openpyxl import load_workbook

            units = excel.template_units(actor, commune, data_set)
            book = load_workbook(
                io.BytesIO(
                    excel.template_build(
                        unit=commune, data_set=data_set, period=period, units=units
                    )
                )
            )
            sheet = book["So lieu"]
            for row in range(excel.FIRST_DATA_ROW, excel.FIRST_DATA_ROW + len(units)):
                sheet.cell(row=row, column=3, value=12)
                sheet.cell(row=row, column=4, value=400)
            out = io.BytesIO()
            book.save(out)
            content = out.getvalue()
        else:
            content = wide_workbook(args.rows)

        def run() -> str:
            try:
                result = excel.workbook_import(
                    actor=actor,
                    unit=commune,
                    data_set=data_set,
                    period=period,
                    content=content,
                    max_bytes=20 * 2**20,
                )
            except excel.ImportRefused as exc:
                return f"refused: {exc.message[:90]}…"
            return f"imported {result.rows} rows, {len(result.errors)} cell errors"

        measured = _measure(run)
        measured["size_kb"] = len(content) / 1024
        return measured

    if name.startswith("pdf"):
        content = (
            REALDOC.read_bytes()
            if name == "pdf-ordinary" and REALDOC.exists()
            else many_pages_pdf(5 if name == "pdf-ordinary" else args.pages)
        )
        blob = store_blob(content, folder="directives", kind="pdf")
        source = SourceDocument.objects.create(
            unit=OrgUnit.objects.get(key="p-a"),
            sha256=blob.sha256,
            filename=f"{name}.pdf",
            format="pdf",
            size=blob.size,
            file=blob.name,
        )

        def read() -> str:
            services.source_read(source_id=source.pk)
            row = SourceDocument.objects.get(pk=source.pk)
            chars = len(row.text)
            return f"{row.status}: {row.status_message[:90]} ({chars:,} characters stored)"

        measured = _measure(read)
        measured["size_kb"] = len(content) / 1024
        return measured

    # list pages: province A (ordinary) or B (with the huge stored text)
    user = User.objects.get(username="tinh-b" if name.endswith("huge") else "tinh-a")
    client = Client()
    client.force_login(user)
    path = "/api/directives?limit=50" if name.startswith("api") else "/van-ban/"
    client.get(path)  # warm: templates compiled, connection open

    def lists() -> str:
        sizes = []
        for _ in range(LIST_REPEAT):
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            sizes.append(len(response.content))
        return f"{LIST_REPEAT} requests, {max(sizes) / 1024:.0f} KB each"

    measured = _measure(lists)
    measured["seconds"] /= LIST_REPEAT
    return measured


PAIRS = [
    (
        "Excel import: filled template",
        "workbook-ordinary",
        "Excel import: XFD on every row",
        "workbook-wide",
    ),
    ("Read: ordinary PDF", "pdf-ordinary", "Read: 100,000-page PDF", "pdf-huge"),
    ("/van-ban/: ordinary texts", "list-ordinary", "/van-ban/: + huge stored text", "list-huge"),
    ("/api/directives: ordinary", "api-ordinary", "/api/directives: + huge text", "api-huge"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--stored-chars", type=int, default=169_000_000)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case == "build":
        build(args)
        return
    if args.case:
        print(json.dumps(case(args.case, args)))
        return
    os.environ.setdefault("NAMHOC_DATA_DIR", tempfile.mkdtemp(prefix="namhoc-bench-"))
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--case", "build", *_passed(args)], check=True)
    print(f"namhoc bench/hostile.py — world built in {time.perf_counter() - started:.1f} s")
    print(f"{'case':34} {'size':>9} {'time':>9} {'peak RSS +':>11}   outcome")
    for label_a, case_a, label_b, case_b in PAIRS:
        results = []
        for label, name in ((label_a, case_a), (label_b, case_b)):
            done = subprocess.run(
                [sys.executable, __file__, "--case", name, *_passed(args)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(f"{label:34} failed:\n{done.stderr[-2000:]}")
                results.append(None)
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            size = f"{result['size_kb']:,.0f} KB" if "size_kb" in result else ""
            print(
                f"{label:34} {size:>9} {result['seconds']:>8.3f}s {result['growth_mb']:>8.1f} MB"
                f"   {result['outcome']}"
            )
        ordinary, hostile = results
        if ordinary and hostile:
            time_ratio = hostile["seconds"] / max(ordinary["seconds"], 1e-6)
            memory_ratio = hostile["growth_mb"] / max(ordinary["growth_mb"], 0.1)
            label = "  ratio hostile / ordinary"
            print(f"{label:34} {'':>9} {time_ratio:>8.2f}x {memory_ratio:>8.2f}x")


def _passed(args: argparse.Namespace) -> list[str]:
    return [
        "--rows",
        str(args.rows),
        "--pages",
        str(args.pages),
        "--stored-chars",
        str(args.stored_chars),
    ]


if __name__ == "__main__":
    main()
