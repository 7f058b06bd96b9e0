"""Live roll-ups at national scale: bulk load, one write with its roll-up, dashboards, and the
same national table from a plain GROUP BY over raw values, as a ratio measured in the same run.

    .venv/bin/python bench/rollup.py                 # full scale: ~50,000 schools x 40 x 6
    .venv/bin/python bench/rollup.py --scale 0.1     # a tenth
    NAMHOC_DATABASE_URL=postgres://postgres@127.0.0.1:5443/namhoc .venv/bin/python bench/rollup.py

The bench builds its own throwaway database: a SQLite file in a temporary directory, or (when
NAMHOC_DATABASE_URL is set) a new database ``namhoc_bench_<pid>`` on that server, dropped at the
end. Targets: write p95 < 20 ms, dashboard p95 < 100 ms, >= 20x faster than the GROUP BY.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

PROVINCES = 34
COMMUNES = 3321
SCHOOLS = 50_000
ELEMENTS = 40
LEGACY_COMMUNES = 200
LEVELS = ["mam_non", "tieu_hoc", "thcs", "thpt"]
LEVEL_WEIGHTS = [0.27, 0.30, 0.24, 0.19]


def _configure(database_url: str | None) -> tuple[str, Any]:
    """Point settings at a throwaway database; return (description, cleanup)."""
    workdir = tempfile.mkdtemp(prefix="namhoc-bench-rollup-")
    os.environ["NAMHOC_ENV"] = "test"
    os.environ["NAMHOC_DATA_DIR"] = workdir
    os.environ["DJANGO_SETTINGS_MODULE"] = "namhoc.config.settings"
    if not database_url:
        os.environ.pop("NAMHOC_DATABASE_URL", None)

        def cleanup() -> None:
            shutil.rmtree(workdir, ignore_errors=True)

        return f"SQLite ({workdir}/namhoc.sqlite3)", cleanup
    import psycopg

    parts = urlsplit(database_url)
    name = f"namhoc_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["NAMHOC_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))

    def cleanup_pg() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)

    return f"PostgreSQL (database {name})", cleanup_pg


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _build_tree(scale: float, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitSuccession
    from namhoc.orgunits.tree import child_path, depth_of, segment

    n_communes = max(PROVINCES, round(COMMUNES * scale))
    n_schools = max(n_communes, round(SCHOOLS * scale))
    n_legacy = max(1, round(LEGACY_COMMUNES * scale))
    rows: list[OrgUnit] = []

    def unit(
        key: str, name: str, kind: str, path: str, parent_path: str | None, **extra: Any
    ) -> OrgUnit:
        obj = OrgUnit(
            key=key,
            name=name,
            name_folded=name.lower(),
            kind=kind,
            path=path,
            depth=depth_of(path),
            is_synthetic=True,
            **extra,
        )
        obj._parent_path = parent_path  # type: ignore[attr-defined]
        rows.append(obj)
        return obj

    import datetime as dt

    reform = dt.date(2025, 7, 1)
    unit("bo", "Bộ GDĐT", "ministry", segment(1), None)
    provinces = [
        unit(f"p{p:02d}", f"Tỉnh {p}", "province", child_path(segment(1), p), segment(1))
        for p in range(1, PROVINCES + 1)
    ]
    communes = []
    per_province: dict[str, int] = {}
    for c in range(n_communes):
        province = provinces[c % PROVINCES]
        per_province[province.path] = per_province.get(province.path, 0) + 1
        communes.append(
            unit(
                f"c{c:05d}",
                f"Xã {c}",
                "commune",
                child_path(province.path, per_province[province.path]),
                province.path,
            )
        )
    legacy = []
    for n in range(n_legacy):
        province = provinces[n % PROVINCES]
        per_province[province.path] = per_province.get(province.path, 0) + 1
        legacy.append(
            unit(
                f"old{n:04d}",
                f"Xã cũ {n}",
                "commune",
                child_path(province.path, per_province[province.path]),
                province.path,
                valid_to=reform,
            )
        )
    per_commune: dict[str, int] = {}
    schools = []
    for s in range(n_schools):
        commune = communes[s % len(communes)]
        per_commune[commune.path] = per_commune.get(commune.path, 0) + 1
        level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
        schools.append(
            unit(
                f"s{s:06d}",
                f"Trường {s}",
                "school",
                child_path(commune.path, per_commune[commune.path]),
                commune.path,
                school_level=level,
            )
        )
    with transaction.atomic():
        by_depth = sorted(rows, key=lambda u: u.depth)
        created: dict[str, OrgUnit] = {}
        for depth in sorted({u.depth for u in by_depth}):
            level_rows = [u for u in by_depth if u.depth == depth]
            for u in level_rows:
                parent_path = u._parent_path  # type: ignore[attr-defined]
                u.parent = created[parent_path] if parent_path else None
            OrgUnit.objects.bulk_create(level_rows, batch_size=2000)
            ids = dict(OrgUnit.objects.filter(depth=depth).values_list("path", "pk"))
            for u in level_rows:
                u.pk = ids[u.path]
                created[u.path] = u
        event = OrgUnitEvent.objects.create(
            key="bench:reform", kind="merge", date=reform, title="bench"
        )
        OrgUnitSuccession.objects.bulk_create(
            OrgUnitSuccession(event=event, predecessor=old, successor=communes[n % len(communes)])
            for n, old in enumerate(legacy)
        )
    return {"provinces": provinces, "communes": communes, "schools": schools, "legacy": legacy}


def _value(code: str, rng: random.Random) -> int:
    if code.endswith("CHUAN_QG"):
        return int(rng.random() < 0.6)
    if code.endswith(("_HS", "_GV", "_PHONG", "_LOP")) or code.startswith("DS_"):
        return rng.randint(200, 2000) if not code.endswith("_LOP") else rng.randint(5, 40)
    return rng.randint(0, 150)


def _bulk_load(
    tree: dict[str, Any], periods: list[Any], elements: list[Any], rng: random.Random
) -> int:
    from django.db import connection, transaction

    from namhoc.indicators.models import DataValue

    table = DataValue._meta.db_table
    columns = "unit_id, element_id, period_id, value, version, updated_at"
    now = "2025-10-01 00:00:00+00:00"
    units = [u.pk for u in tree["schools"]] + [u.pk for u in tree["legacy"]]
    codes = [(e.pk, e.code) for e in elements]
    total = 0
    with transaction.atomic():
        raw = connection.connection
        if connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for unit_id in units:
                    for period in periods:
                        for element_id, code in codes:
                            copy.write_row(
                                (unit_id, element_id, period.pk, _value(code, rng), 1, now)
                            )
                            total += 1
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, 1, ?)"
            batch: list[tuple[Any, ...]] = []
            for unit_id in units:
                for period in periods:
                    for element_id, code in codes:
                        batch.append((unit_id, element_id, period.pk, _value(code, rng), now))
                if len(batch) >= 200_000:
                    raw.executemany(sql, batch)
                    total += len(batch)
                    batch = []
            raw.executemany(sql, batch)
            total += len(batch)
    return total


def _groupby_table(period: Any, indicators: list[Any]) -> dict[tuple[int, str], Any]:
    """The national table (Ministry + provinces) by a plain GROUP BY over raw values."""
    from decimal import Decimal

    from django.db import connection

    from namhoc.indicators.dashboards import _compile, _evaluate
    from namhoc.indicators.models import DataElement, DataValue
    from namhoc.orgunits.models import OrgUnit

    codes = dict(DataElement.objects.values_list("pk", "code"))
    sql = (
        f"SELECT substr(u.path, 1, 8), v.element_id, SUM(v.value), COUNT(*) "
        f"FROM {DataValue._meta.db_table} v JOIN {OrgUnit._meta.db_table} u ON u.id = v.unit_id "
        f"WHERE v.period_id = %s GROUP BY substr(u.path, 1, 8), v.element_id"
    )
    totals: dict[str, dict[str, Decimal]] = {}
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.pk])
        for prefix, element_id, total, count in cursor.fetchall():
            for key in (prefix, prefix[:4]):
                code = codes[element_id]
                totals.setdefault(key, {})[code] = totals.get(key, {}).get(
                    code, Decimal(0)
                ) + Decimal(total)
                counts.setdefault(key, {})[code] = counts.get(key, {}).get(code, 0) + count
    compiled = _compile(indicators)
    return {
        (c.indicator.pk, key): _evaluate(c, totals[key], counts[key]).value
        for c in compiled
        for key in totals
    }


def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 50,000 schools (default)")
    parser.add_argument("--writes", type=int, default=400)
    parser.add_argument("--dashboards", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    where, cleanup = _configure(os.environ.get("NAMHOC_DATABASE_URL"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from namhoc.accounts.models import User
        from namhoc.indicators import dashboards
        from namhoc.indicators.catalogue import catalogue_load, periods_ensure
        from namhoc.indicators.models import DataElement, DataSet, Indicator
        from namhoc.indicators.rollup import rollup_rebuild
        from namhoc.indicators.services import value_set

        print(f"namhoc bench/rollup.py — {where}, scale {args.scale}")
        call_command("migrate", verbosity=0)
        catalogue_load()
        periods = periods_ensure("2024-2025") + periods_ensure("2025-2026")
        th_codes = {"TH_HS"}
        elements = list(DataElement.objects.order_by("code"))
        # 40 elements, always including the one the write test touches.
        chosen = [e for e in elements if e.code in th_codes] + [
            e for e in elements if e.code not in th_codes
        ]
        elements = chosen[:ELEMENTS]
        started = time.perf_counter()
        tree = _build_tree(args.scale, rng)
        tree_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rows = _bulk_load(tree, periods, elements, rng)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        aggregates = rollup_rebuild()
        rebuild_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"units: {len(tree['schools']):,} schools, {len(tree['communes']):,} communes, "
            f"{len(tree['legacy'])} dissolved communes ({tree_seconds:.1f} s)"
        )
        print(f"bulk load: {rows:,} values in {load_seconds:.1f} s ({rows / load_seconds:,.0f}/s)")
        print(f"roll-up build: {aggregates:,} aggregate rows in {rebuild_seconds:.1f} s")
        print(f"bulk load total (values + roll-ups): {load_seconds + rebuild_seconds:.1f} s")

        actor = User.objects.create_superuser("bench", password="bench-only-password")
        data_set = DataSet.objects.get(code="DN_TH")
        start = next(p for p in periods if p.code == "2025-2026.DN")
        primary = [s for s in tree["schools"] if s.school_level == "tieu_hoc"]
        samples = []
        for _ in range(args.writes):
            school = rng.choice(primary)
            t0 = time.perf_counter()
            value_set(
                actor=actor,
                unit_key=school.key,
                period_code=start.code,
                data_set_code=data_set.code,
                element_code="TH_HS",
                value=rng.randint(2001, 3000),
            )
            samples.append(time.perf_counter() - t0)
        print(
            f"write one value + roll-up of its ancestors (+ audit): "
            f"p50 {_pct(samples, 0.5):.1f} ms, p95 {_pct(samples, 0.95):.1f} ms (n={len(samples)})"
        )

        indicators = list(Indicator.objects.all())
        samples = []
        for _ in range(args.dashboards):
            province = rng.choice(tree["provinces"])
            t0 = time.perf_counter()
            dashboards.dashboard(province, start, indicators=indicators)
            samples.append(time.perf_counter() - t0)
        print(
            f"province dashboard ({len(indicators)} indicators, trend, breakdown by commune): "
            f"p50 {_pct(samples, 0.5):.1f} ms, p95 {_pct(samples, 0.95):.1f} ms"
        )
        samples = []
        for _ in range(max(10, args.dashboards // 3)):
            t0 = time.perf_counter()
            _, units, table = dashboards.national_table(start)
            samples.append(time.perf_counter() - t0)
        rollup_p50 = _pct(samples, 0.5)
        print(
            f"national indicator table ({len(indicators)} indicators x {len(units)} units) "
            "from roll-ups: "
            f"p50 {rollup_p50:.1f} ms, p95 {_pct(samples, 0.95):.1f} ms"
        )
        samples = []
        for _ in range(3):
            t0 = time.perf_counter()
            plain = _groupby_table(start, indicators)
            samples.append(time.perf_counter() - t0)
        group_p50 = _pct(samples, 0.5)
        ministry = units[0]
        same = all(
            table[(i.pk, ministry.pk, start.pk)].value == plain.get((i.pk, ministry.path))
            for i in indicators
        )
        print(
            f"same table by plain GROUP BY over raw values: p50 {group_p50:.0f} ms "
            f"-> roll-ups {group_p50 / rollup_p50:.0f}x faster (results identical: {same})"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
