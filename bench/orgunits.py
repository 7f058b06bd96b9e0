"""Org-unit benchmark: national load time, then subtree / ancestor query latencies.

    .venv/bin/python bench/orgunits.py                 # SQLite, in a throwaway directory
    NAMHOC_DATABASE_URL=postgres://postgres@127.0.0.1:5440/postgres \
        .venv/bin/python bench/orgunits.py
                                                       # PostgreSQL: creates and drops its own DB

Prints: the time to load the national tree (34 + 63 provinces, 696 districts, 13,356 communes,
the 2025 mapping) and ~50,000 synthetic schools; p50/p95 of ``subtree`` (current and as of
2024-06-30) for random provinces and communes and of ``ancestors`` for random schools; and the
same questions answered the naive way (walking ``parent`` one query per level) with the ratio.
Targets (issue 4): load < 60 s, subtree p95 < 20 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

SAMPLES = 200
NAIVE_SAMPLES = 40
BEFORE = dt.date(2024, 6, 30)


def _prepare_database() -> Callable[[], None]:
    """Point namhoc at a fresh database; return the clean-up."""
    url = os.environ.get("NAMHOC_DATABASE_URL")
    os.environ["NAMHOC_ENV"] = "development"
    os.environ["NAMHOC_DEBUG"] = "0"
    folder = tempfile.mkdtemp(prefix="namhoc-bench-")
    os.environ["NAMHOC_DATA_DIR"] = folder
    if not url:
        return lambda: None
    import psycopg

    name = f"namhoc_bench_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["NAMHOC_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return drop


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"


def _time(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def main() -> None:
    cleanup = _prepare_database()
    try:
        _run()
    finally:
        cleanup()


def _run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "namhoc.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from namhoc.orgunits import selectors
    from namhoc.orgunits.models import OrgUnit
    from namhoc.orgunits.services import schools_generate, units_load_admin

    print(f"namhoc org-unit benchmark — {connection.vendor}, {os.cpu_count()} CPU")
    call_command("migrate", verbosity=0)

    load_admin = _time(units_load_admin)
    load_schools = _time(lambda: schools_generate(seed=1, scale=1.0))
    units = OrgUnit.objects.count()
    print(
        f"load: admin units {load_admin:6.2f} s + schools {load_schools:6.2f} s "
        f"= {load_admin + load_schools:6.2f} s for {units} units   (target < 60 s)"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    rng = random.Random(4)
    provinces = list(OrgUnit.objects.filter(kind="province", valid_to__isnull=True))
    communes = list(OrgUnit.objects.filter(kind="commune", valid_to__isnull=True))
    schools = list(OrgUnit.objects.filter(kind="school").order_by("pk")[:: max(1, units // 4000)])
    sample_p = [rng.choice(provinces) for _ in range(SAMPLES // 2)]
    sample_c = [rng.choice(communes) for _ in range(SAMPLES // 2)]
    sample_s = [rng.choice(schools) for _ in range(SAMPLES)]

    def ids(queryset: object) -> list[int]:
        return list(queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]

    def naive_subtree(unit: OrgUnit) -> list[int]:  # one query per level, following parent_id
        found, frontier = [unit.pk], [unit.pk]
        while frontier:
            frontier = list(
                OrgUnit.objects.filter(parent_id__in=frontier, valid_to__isnull=True).values_list(
                    "pk", flat=True
                )
            )
            found += frontier
        return found

    def naive_ancestors(unit: OrgUnit) -> list[int]:  # one query per parent
        chain, parent_id = [], unit.parent_id
        while parent_id is not None:
            parent = OrgUnit.objects.only("pk", "parent_id").get(pk=parent_id)
            chain.append(parent.pk)
            parent_id = parent.parent_id
        return chain[::-1]

    sizes_p = [len(ids(selectors.subtree(u))) for u in sample_p[:10]]
    print(f"subtree sizes: provinces ~{statistics.median(sizes_p):.0f} units (median of 10)")
    rows = [
        (
            "subtree, province, current",
            [_time(lambda u=u: ids(selectors.subtree(u))) for u in sample_p],
        ),
        (
            "subtree, commune, current",
            [_time(lambda u=u: ids(selectors.subtree(u))) for u in sample_c],
        ),
        ("subtree, all samples", []),
        (
            "subtree, province, as of 2024-06-30",
            [_time(lambda u=u: ids(selectors.subtree(u, as_of=BEFORE))) for u in sample_p],
        ),
        (
            "ancestors, school, current",
            [_time(lambda u=u: selectors.ancestors(u)) for u in sample_s],
        ),
        (
            "ancestors, school, as of 2024-06-30",
            [_time(lambda u=u: selectors.ancestors(u, as_of=BEFORE)) for u in sample_s],
        ),
    ]
    rows[2] = ("subtree, all samples (target p95 < 20 ms)", rows[0][1] + rows[1][1])
    for label, samples in rows:
        print(f"  {label:44s} {_ms(samples)}   n={len(samples)}")

    fast_sub = [_time(lambda u=u: ids(selectors.subtree(u))) for u in sample_p[:NAIVE_SAMPLES]]
    slow_sub = [_time(lambda u=u: naive_subtree(u)) for u in sample_p[:NAIVE_SAMPLES]]
    assert sorted(naive_subtree(sample_p[0])) == sorted(ids(selectors.subtree(sample_p[0])))
    fast_anc = [_time(lambda u=u: selectors.ancestors(u)) for u in sample_s[:NAIVE_SAMPLES]]
    slow_anc = [_time(lambda u=u: naive_ancestors(u)) for u in sample_s[:NAIVE_SAMPLES]]
    print("naive (walk parent_id, one query per level / per parent), same samples:")
    print(
        f"  {'subtree, province, naive':44s} {_ms(slow_sub)}   "
        f"ratio {statistics.median(slow_sub) / statistics.median(fast_sub):5.1f}x slower"
    )
    print(
        f"  {'ancestors, school, naive':44s} {_ms(slow_anc)}   "
        f"ratio {statistics.median(slow_anc) / statistics.median(fast_anc):5.1f}x slower"
    )


if __name__ == "__main__":
    main()
