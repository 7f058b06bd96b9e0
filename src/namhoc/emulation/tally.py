"""The council's count for one registration, and the rule that reads it (ADR 0011).

The vote is valid when at least ``quorum_percent`` % of the council's members have voted on the
registration; the title passes when the members who agreed are MORE than ``threshold_percent``
% of ALL the council's members (absent members count as not agreeing). Both percentages are the
round's settings — the unit takes them from its council's rules; namhoc does not derive them
from the law. With the defaults (67 %, 50 %): two thirds must vote, more than half must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

if TYPE_CHECKING:
    from namhoc.emulation.models import EmulationRound

__all__ = ["Tally", "tallies"]


@dataclass(frozen=True)
class Tally:
    members: int
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
    """``{registration_id: Tally}`` of the round's submitted registrations: two queries."""
    from namhoc.emulation.models import Registration

    members = emulation_round.members.count()
    rows = (
        emulation_round.registrations.filter(status=Registration.Status.SUBMITTED)
        .annotate(
            yes=Count("votes", filter=Q(votes__agree=True)),
            no=Count("votes", filter=Q(votes__agree=False)),
        )
        .values_list("pk", "yes", "no")
    )
    return {
        pk: Tally(
            members=members,
            agree=yes,
            disagree=no,
            quorum_percent=emulation_round.quorum_percent,
            threshold_percent=emulation_round.threshold_percent,
        )
        for pk, yes, no in rows
    }
