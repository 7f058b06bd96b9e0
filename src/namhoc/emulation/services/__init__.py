"""Use cases on emulation (ADR 0007, 0011):

- :mod:`.rounds` — open a round, set its council's rules, name the council, move it on, decide;
- :mod:`.registering` — register a title, withdraw it, submit the self-assessment, vote.

Every user action takes the acting user and the raw input, checks access through
``emulation.access``, parses with ``core.parsing`` and writes in one transaction with the
contended row locked and its audit rows beside the change.
"""

from __future__ import annotations

from namhoc.emulation.services.registering import (
    MAX_EVIDENCE_FILES,
    UploadedFile,
    assessment_submit,
    registration_create,
    registration_withdraw,
    vote_cast,
)
from namhoc.emulation.services.rounds import (
    MAX_COUNCIL,
    council_member_add,
    council_member_remove,
    round_advance,
    round_decide,
    round_open,
    round_update,
)
from namhoc.emulation.tally import tallies

__all__ = [
    "MAX_COUNCIL",
    "MAX_EVIDENCE_FILES",
    "UploadedFile",
    "assessment_submit",
    "council_member_add",
    "council_member_remove",
    "registration_create",
    "registration_withdraw",
    "round_advance",
    "round_decide",
    "round_open",
    "round_update",
    "tallies",
    "vote_cast",
]
