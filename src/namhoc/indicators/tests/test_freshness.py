"""Roll-ups notice a changed org tree: a marker of the tree they were built for, a request that
is claimed once, and a background task that rebuilds them (ADR 0005, "Equally fresh")."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from namhoc.indicators.models import RollupState
from namhoc.indicators.rollup import recompute_from_raw
from namhoc.indicators.selectors import rollups_freshness, rollups_stale, tree_marker
from namhoc.indicators.services import (
    REBUILD_REQUEST_LAPSES,
    rollups_rebuild,
    rollups_rebuild_request,
)
from namhoc.indicators.tasks import rollups_rebuild_task
from namhoc.indicators.tests.helpers import (
    MERGE_DAY,
    Figures,
    aggregate,
    aggregates_now,
    fill_both_communes,
    merge_communes,
)
from namhoc.orgunits.models import OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.services import SplitPart, orgunit_move, orgunit_rename, orgunit_split


def test_a_merge_makes_the_rollups_stale_until_the_task_rebuilds_them(figures: Figures) -> None:
    f = figures
    fill_both_communes(f)
    rollups_rebuild()
    assert not rollups_stale()
    successor = merge_communes(f)
    # The tree changed: the new commune has no totals yet, the old communes keep theirs.
    assert rollups_stale()
    assert aggregate(successor, "TH_HS", f.start_2025) is None
    assert aggregate(f.org.commune_a1, "TH_HS", f.start_2025) == (Decimal(400), 1)

    result = rollups_rebuild_task.enqueue()  # ImmediateBackend: runs now

    assert (result.status, result.return_value) == ("SUCCESSFUL", "rebuilt")
    assert not rollups_stale()
    assert aggregates_now() == recompute_from_raw()
    assert {
        (code, period.code): aggregate(successor, code, period)
        for code, period in (
            ("TH_HS", f.start_2025),
            ("THCS_HS", f.start_2025),
            ("DS_5T", f.start_2025),
            ("DS_5T", f.start_2024),  # the legacy commune's, carried by c-a1, now by c-a12
        )
    } == {
        ("TH_HS", "2025-2026.DN"): (Decimal(400), 1),
        ("THCS_HS", "2025-2026.DN"): (Decimal(600), 1),
        ("DS_5T", "2025-2026.DN"): (Decimal(200), 2),
        ("DS_5T", "2024-2025.DN"): (Decimal(50), 1),
    }
    # The dissolved communes keep their own figures, not their former schools'.
    assert aggregate(f.org.commune_a1, "DS_5T", f.start_2025) == (Decimal(120), 1)
    assert aggregate(f.org.commune_a1, "TH_HS", f.start_2025) is None
    assert aggregate(f.org.province_a, "DS_5T", f.start_2025) == (Decimal(200), 2)
    state = RollupState.objects.get()
    assert (state.marker, state.rebuild_requested_at) == (tree_marker(), None)


def test_the_task_is_safe_to_run_twice(figures: Figures) -> None:
    f = figures
    fill_both_communes(f)
    merge_communes(f)
    assert rollups_rebuild_task.enqueue().return_value == "rebuilt"
    before = aggregates_now()
    built_at = RollupState.objects.get().built_at

    again = rollups_rebuild_task.enqueue()

    assert again.return_value == "fresh"
    assert aggregates_now() == before
    assert RollupState.objects.get().built_at == built_at


def test_a_stale_tree_is_requested_once_and_again_when_the_request_lapsed(
    figures: Figures, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    f = figures
    rollups_rebuild()
    merge_communes(f)
    with django_capture_on_commit_callbacks() as callbacks:
        assert rollups_rebuild_request() is True
        assert rollups_rebuild_request() is True
    assert len(callbacks) == 1  # the second view found the request pending
    requested = RollupState.objects.get().rebuild_requested_at
    assert requested is not None
    assert rollups_freshness().requested_at == requested

    # The task never ran (the worker died): after a while the next view asks again.
    RollupState.objects.update(rebuild_requested_at=timezone.now() - REBUILD_REQUEST_LAPSES)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert rollups_rebuild_request() is True
    assert len(callbacks) == 1
    assert not rollups_stale()  # the callback ran the task (ImmediateBackend)
    with django_capture_on_commit_callbacks() as callbacks:
        assert rollups_rebuild_request() is False
    assert callbacks == []


def test_a_new_database_is_stale_until_its_first_rebuild(
    figures: Figures, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    assert not RollupState.objects.exists()
    assert rollups_freshness().built_for is None
    assert rollups_stale()
    with django_capture_on_commit_callbacks() as callbacks:
        assert rollups_rebuild_request() is True
    assert len(callbacks) == 1
    assert RollupState.objects.get().marker == ""


def test_the_rebuild_command_stores_the_marker(figures: Figures) -> None:
    fill_both_communes(figures)
    merge_communes(figures)
    out = StringIO()

    call_command("indicators", "rebuild", stdout=out)

    assert not rollups_stale()
    assert aggregates_now() == recompute_from_raw()
    assert f"(cây đơn vị {tree_marker()})" in out.getvalue()


def _rename(f: Figures) -> None:
    orgunit_rename(actor=None, unit=f.org.commune_a1, name="Xã An Lạc Mới", date=MERGE_DAY)


def _move(f: Figures) -> None:
    orgunit_move(actor=None, unit=f.org.school_a1, new_parent=f.org.commune_a2, date=MERGE_DAY)


def _split(f: Figures) -> None:
    orgunit_split(
        actor=None,
        unit=f.org.commune_a1,
        parts=[
            SplitPart(key="c-a1-bac", name="Xã An Lạc Bắc", primary=True),
            SplitPart(key="c-a1-nam", name="Xã An Lạc Nam"),
        ],
        date=MERGE_DAY,
    )


@pytest.mark.parametrize(
    "change",
    [_rename, _move, merge_communes, _split],
    ids=["rename", "move", "merge", "split"],
)
def test_every_structural_change_moves_the_marker(
    figures: Figures, change: Callable[[Figures], object]
) -> None:
    rollups_rebuild()
    before = tree_marker()

    change(figures)

    assert tree_marker() != before
    assert rollups_stale()


def test_the_marker_reads_events_links_placements_and_units(figures: Figures) -> None:
    f = figures
    before = tree_marker()
    fill_both_communes(f)  # figures (and their audit rows, edges) are not the tree
    assert tree_marker() == before
    successor = merge_communes(f)
    event = OrgUnitEvent.objects.latest("id")
    links = OrgUnitSuccession.objects.order_by("id")
    assert tree_marker() == (
        f"e{event.pk}.{OrgUnitEvent.objects.count()}"
        f"-s{links.last().pk}.{links.count()}"  # type: ignore[union-attr]
        f"-p{OrgUnitPlacement.objects.latest('id').pk}-u{successor.pk}"
    )


def test_the_marker_is_one_query(
    figures: Figures, django_assert_num_queries: Callable[..., Any]
) -> None:
    rollups_rebuild()
    with django_assert_num_queries(1):
        assert rollups_rebuild_request() is False


def test_indicators_command_errors_in_both_languages(db) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("indicators", "periods", "2026-2028")
    # the one school-year parser (core.parsing), as everywhere else
    assert str(caught.value) == (
        "Năm học phải có dạng 2025-2026 (hai năm liền nhau).\nError: bad school year."
    )
    assert caught.value.returncode == 2
