"""Races, with real threads each on its own connection, on SQLite (a WAL file, as in production)
and on PostgreSQL (the contended rows are locked): a member pressing "Đồng ý" eight times at once
casts one vote; eight people concluding the same inspection at once issue one conclusion with
one piece of work per recommendation; votes racing the decision never land after it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from namhoc.emulation import services
from namhoc.emulation.models import EmulationRound, Registration, Vote
from namhoc.emulation.tests.helpers import build, submit, to_stage
from namhoc.inspections import services as inspections
from namhoc.inspections.models import Inspection
from namhoc.inspections.tests.helpers import build as build_inspection
from namhoc.inspections.tests.helpers import ready_to_conclude
from namhoc.testing.databases import shared_database
from namhoc.tracking.models import Assignment

PARALLEL = 8


def _race(work: Callable[[], Any], count: int = PARALLEL) -> list[Any]:
    barrier = threading.Barrier(count)

    def one(_: int) -> Any:
        try:
            barrier.wait(timeout=30)
            return work()
        except Exception as exc:
            return getattr(exc, "code", repr(exc))
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.django_db(transaction=True)
def test_a_member_voting_eight_times_at_once_casts_one_vote(org, people, tmp_path: Path):
    world = build(org, people)
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    to_stage(world, people, EmulationRound.Status.VOTING)
    member = world.members[1]
    with shared_database(tmp_path):
        results = _race(
            lambda: services.vote_cast(actor=member, registration_id=world.school.pk, agree="1")
        )
        assert sorted(r if isinstance(r, str) else "voted" for r in results) == [
            "already_voted"
        ] * (PARALLEL - 1) + ["voted"]
        assert Vote.objects.filter(registration=world.school).count() == 1


@pytest.mark.django_db(transaction=True)
def test_votes_racing_the_decision_never_land_after_it(org, people, tmp_path: Path):
    world = build(org, people, council=PARALLEL)
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    found = to_stage(world, people, EmulationRound.Status.VOTING)
    members = list(world.members)
    with shared_database(tmp_path):
        turn = iter(range(PARALLEL + 1))
        lock = threading.Lock()

        def act() -> Any:
            with lock:
                n = next(turn)
            if n == 0:
                return services.round_decide(
                    actor=people.commune_officer, round_id=found.pk, version=found.version
                )
            return services.vote_cast(
                actor=members[n - 1], registration_id=world.school.pk, agree=True
            )

        _race(act, PARALLEL + 1)
        decided = EmulationRound.objects.get(pk=found.pk)
        assert decided.status == "decided"
        votes = Vote.objects.filter(registration=world.school)
        assert all(v.cast_at <= decided.decided_at for v in votes)
        counted = votes.count()
        expected = (
            "awarded"
            if counted * 100 >= 67 * PARALLEL and counted * 2 > PARALLEL
            else ("not_awarded")
        )
        assert Registration.objects.get(pk=world.school.pk).result == expected


@pytest.mark.django_db(transaction=True)
def test_eight_conclusions_at_once_issue_one(org, people, tmp_path: Path):
    world = build_inspection(org, people)
    inspection = ready_to_conclude(world, people, recommendations=2)
    with shared_database(tmp_path):
        results = _race(
            lambda: inspections.inspection_conclude(
                actor=people.province_officer,
                inspection_id=inspection.pk,
                version=inspection.version,
            )
        )
        refusals = [r for r in results if isinstance(r, str)]
        assert len(refusals) == PARALLEL - 1  # one conclusion
        assert set(refusals) <= {"concluded", "stale"}  # the others: already concluded
        concluded = Inspection.objects.get(pk=inspection.pk)
        assert concluded.conclusion is not None
        assert Assignment.objects.filter(task__directive=concluded.conclusion).count() == 2
        assert Assignment.objects.filter(recommendation__isnull=False).count() == 2
