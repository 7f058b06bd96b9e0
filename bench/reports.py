"""Benchmark: drafting the year-end report of Hải Phòng and of the Ministry on the demo data.

    .venv/bin/python bench/reports.py                      # loads the demo into a temporary dir
    .venv/bin/python bench/reports.py --data-dir var       # uses a data dir the demo is in
    NAMHOC_DATABASE_URL=postgres://postgres@127.0.0.1:5443/namhoc .venv/bin/python bench/reports.py

Without ``--data-dir`` the bench loads ``namhoc demo`` (the real administrative units, ~50,000
synthetic schools, the demo directives and figures of six provinces: 1–3 minutes) into a
throw-away data directory (or the database of ``NAMHOC_DATABASE_URL``), then drafts, the way the
background task does (the same use cases, as namhoc itself): the year-end report of Hải Phòng
(``p2025-31``, ~2,000 schools), of the Ministry (the whole country), a semester report and the
implementing plan of a commune. For each it prints the time, the peak resident set of the process
while drafting (Linux resets it through /proc/self/clear_refs; elsewhere tracemalloc's peak of
Python allocations), the size of the .docx and of the annex, and the footnotes and annex rows
written. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _configure(data_dir: str | None) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
    if data_dir:
        os.environ["NAMHOC_DATA_DIR"] = str(Path(data_dir).resolve())
        return str(Path(data_dir).resolve())
    folder = tempfile.mkdtemp(prefix="namhoc-bench-reports-")
    os.environ["NAMHOC_DATA_DIR"] = folder
    os.environ["NAMHOC_ENV"] = "test"  # fast password hashes for the demo people
    return folder


def _reset_peak() -> bool:
    """Reset the process's peak resident set (Linux: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mb() -> float:
    """The peak resident set since the last reset (VmHWM), else since the process started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _counts(docx: bytes, annex: bytes) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        names = archive.namelist()
        notes = (
            archive.read("word/footnotes.xml").decode().count("<w:footnote w:id=")
            if "word/footnotes.xml" in names
            else 0
        )
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(annex), read_only=True)
    rows = sum(max(0, (sheet.max_row or 0)) for sheet in book.worksheets)
    return notes, rows


def _draft(label: str, **request: Any) -> None:
    from django.core.files.storage import default_storage

    from namhoc.core.audit import audit_context
    from namhoc.core.types import SYSTEM
    from namhoc.reporting import services

    rss_before = _rss_mb()
    exact = _reset_peak()
    if not exact:  # no /proc: Python's own allocations, at the cost of a slower run
        tracemalloc.start()
    started = time.perf_counter()
    with audit_context(source="cli"):
        draft = services.draft_request(actor=SYSTEM, enqueue=False, **request)
        built = services.draft_build(draft_id=draft.pk)
    elapsed = time.perf_counter() - started
    if exact:
        peak = f"peak RSS {_peak_rss_mb():6.0f} MB (+{_peak_rss_mb() - rss_before:5.0f} MB)"
    else:
        peak = f"peak {tracemalloc.get_traced_memory()[1] / 1e6:6.1f} MB (tracemalloc)"
        tracemalloc.stop()
    assert built is not None
    if built.status != "done":
        print(f"{label}: FAILED — {built.message}")
        return
    with default_storage.open(built.file.name, "rb") as handle:
        docx = handle.read()
    with default_storage.open(built.annex.name, "rb") as handle:
        annex = handle.read()
    notes, rows = _counts(docx, annex)
    print(
        f"{label:<44} {elapsed:6.2f} s   {peak}   docx {len(docx) / 1024:4.0f} KB   "
        f"annex {len(annex) / 1024:4.0f} KB   {notes} footnotes   {rows} annex rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="a data directory the demo is already loaded into")
    parser.add_argument(
        "--schools-scale", type=float, default=1.0, help="demo schools (1.0 ≈ 50,000)"
    )
    args = parser.parse_args()
    folder = _configure(args.data_dir)

    import django

    django.setup()
    from django.db import connection

    from namhoc.demo import DEMO_PROVINCE, load_demo
    from namhoc.orgunits.models import OrgUnit
    from namhoc.tracking.selectors import current_school_year

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), data: {folder}")
    if not args.data_dir:
        started = time.perf_counter()
        load_demo(verbose=False, schools_scale=args.schools_scale)
        print(f"demo loaded in {time.perf_counter() - started:.0f} s")
    year = current_school_year()
    province = OrgUnit.objects.get(key=DEMO_PROVINCE)
    root = OrgUnit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("path")[0]
    schools = OrgUnit.objects.filter(
        path__startswith=province.path, kind="school", valid_to__isnull=True
    ).count()
    print(f"school year {year}; {province.name}: {schools} schools")
    _draft(f"year-end report, {province.name}", unit_key=province.key, kind="year_end",
           school_year=year)  # fmt: skip
    _draft(f"year-end report, {root.name}", unit_key=root.key, kind="year_end",
           school_year=year)  # fmt: skip
    _draft(f"semester report, {province.name}", unit_key=province.key, kind="semester",
           school_year=year)  # fmt: skip
    commune = (
        OrgUnit.objects.filter(parent=province, kind="commune", valid_to__isnull=True)
        .order_by("path")
        .first()
    )
    if commune is not None:
        try:
            _draft(f"plan, {commune.name}", unit_key=commune.key, kind="plan", school_year=year)
        except Exception as exc:  # a bench reports and goes on
            print(f"plan, {commune.name}: not drafted ({exc})")


if __name__ == "__main__":
    main()
