"""An approval and the figures it locks cannot cross (issue 10): real threads, each with its own
database connection, one of them holding its transaction open while the other acts. On
PostgreSQL the row locks of ``indicators.locking`` make the second wait; on SQLite ``BEGIN
IMMEDIATE`` does. Before the locks, on PostgreSQL the approval was granted on figures a writer
was changing, and a figure changed after the approval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from namhoc.core.errors import DomainError
from namhoc.indicators.models import Approval, DataValue
from namhoc.indicators.tests.helpers import TH_FIGURES, Figures, approve, save_values
from namhoc.testing.databases import shared_database

HOLD = 1.0  # seconds the first transaction stays open after its write


def _first_then_second(
    first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[object, object]:
    """Run ``first`` in a transaction that stays open ``HOLD`` seconds after it returns, and
    ``second`` in another thread as soon as ``first`` has returned. Each outcome is the
    function's result or the DomainError it raised."""
    done = threading.Event()

    def run_first() -> object:
        try:
            with transaction.atomic():
                outcome = first()
                done.set()
                time.sleep(HOLD)
            return outcome
        except DomainError as exc:
            done.set()
            return exc
        finally:
            connection.close()

    def run_second() -> object:
        try:
            assert done.wait(timeout=30)
            return second()
        except DomainError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(run_first)
        b = pool.submit(run_second)
        return a.result(timeout=60), b.result(timeout=60)


def _fill(f: Figures) -> None:
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )


@pytest.mark.django_db(transaction=True)
def test_an_approval_waits_for_a_write_in_flight_and_sees_it(
    figures: Figures, tmp_path: Path
) -> None:
    f = figures
    _fill(f)
    with shared_database(tmp_path):
        # Given a school's complete form, and a principal who clears one of its figures
        # (committed only a moment later)
        written, approved = _first_then_second(
            lambda: save_values(
                actor=f.people.school_principal,
                unit=f.org.school_a1,
                data_set=f.dn_th,
                period=f.start_2025,
                values={"TH_GV_CHUAN": ""},
            ),
            # When the commune approves meanwhile
            lambda: approve(
                actor=f.commune_approver,
                unit=f.org.commune_a1,
                data_set=f.dn_th,
                period=f.start_2025,
            ),
        )
        # Then the approval waited for the write and was refused: the form is incomplete now
        assert not isinstance(written, DomainError)
        assert isinstance(approved, DomainError)
        assert (approved.code, approved.message) == (
            "not_ready",
            "Còn 1 trường chưa nhập đủ số liệu: Trường Tiểu học An Lạc.",
        )
        assert not Approval.objects.exists()
        assert not DataValue.objects.filter(element__code="TH_GV_CHUAN").exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_waits_for_an_approval_in_flight_and_is_refused(
    figures: Figures, tmp_path: Path
) -> None:
    f = figures
    _fill(f)
    with shared_database(tmp_path):
        # Given a commune approving its school's complete form (committed a moment later)
        approved, written = _first_then_second(
            lambda: approve(
                actor=f.commune_approver,
                unit=f.org.commune_a1,
                data_set=f.dn_th,
                period=f.start_2025,
            ),
            # When the principal changes a figure meanwhile
            lambda: save_values(
                actor=f.people.school_principal,
                unit=f.org.school_a1,
                data_set=f.dn_th,
                period=f.start_2025,
                values={"TH_HS": 401},
            ),
        )
        # Then the write waited for the approval and was refused: the approved figure stands
        assert isinstance(approved, Approval)
        assert isinstance(written, DomainError)
        assert (written.status, written.code) == (409, "locked")
        assert DataValue.objects.get(element__code="TH_HS").value == 400
        assert Approval.objects.filter(unit=f.org.commune_a1).count() == 1
