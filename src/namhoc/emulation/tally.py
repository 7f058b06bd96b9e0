"""The council's count for one registration, and the rule that reads it (ADR 0011).

The vote is valid when at least ``quorum_percent`` % of the council's members have voted on the
registration; the title passes when the members who agreed are MORE than ``threshold_percent``
% of ALL the council's members (absent members count as not agreeing). Both percentages are the
round's settings — the unit takes them from its council's rules; namhoc does not derive them
from the law. With the defaults (67 %, 50 %): two thirds must vote, more than half must agree.

A member who may not vote on a registration (conflict of interest: they stand in it,
``access.barred_voters``) is not one of its members: the count of that registration is over
the others, so a council of three with one member standing needs both others — not a quorum
that could never be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from namhoc.emulation.models import EmulationRound

__all__ = ["Tally", "tallies"]


@dataclass(frozen=True)
class Tally:
    members: int  # the council's members who may vote on the registration
    agree: int
    disagree: int
    quorum_percent: int
    threshold_percent: int

    @property
    def cast(self) -> int:
        return self.agree + self.disagree

    @property
    def quorate(self) -> bool:
        return self.members > 0 and self.cast * 100 >= self.quorum_percent * self.members

    @property
    def passed(self) -> bool:
        return self.quorate and self.agree * 100 > self.threshold_percent * self.members

    @property
    def agree_percent(self) -> float | None:
        return round(100 * self.agree / self.members, 1) if self.members else None

    @property
    def label(self) -> str:
        if not self.quorate:
            return "Chưa đủ số thành viên bỏ phiếu"
        return "Đạt" if self.passed else "Không đạt"


def tallies(emulation_round: EmulationRound) -> dict[int, Tally]:
    """``{registration_id: Tally}`` of the round's submitted registrations, each over the
    members who may vote on it: four queries at most."""
    from namhoc.emulation.access import barred_voters
    from namhoc.emulation.models import Registration, Vote

    seats = dict(emulation_round.members.values_list("pk", "user_id"))
    rows = list(
        emulation_round.registrations.filter(status=Registration.Status.SUBMITTED).only(
            "pk", "kind", "unit_id", "person_id"
        )
    )
    barred = barred_voters(rows, set(seats.values()))
    cast: dict[int, list[int]] = {r.pk: [0, 0] for r in rows}
    votes = Vote.objects.filter(registration__in=[r.pk for r in rows]).values_list(
        "registration_id", "member_id", "agree"
    )
    for registration_id, member_id, agree in votes:
        if seats.get(member_id) in barred.get(registration_id, ()):
            continue  # cast before the rule; not counted
        cast[registration_id][0 if agree else 1] += 1
    return {
        r.pk: Tally(
            members=len(seats) - len(barred.get(r.pk, ())),
            agree=cast[r.pk][0],
            disagree=cast[r.pk][1],
            quorum_percent=emulation_round.quorum_percent,
            threshold_percent=emulation_round.threshold_percent,
        )
        for r in rows
    }
