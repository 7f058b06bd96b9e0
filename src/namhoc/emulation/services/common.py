"""What the emulation use cases share: the acting user, refusals, versions, the locked rows."""

from __future__ import annotations

from namhoc.accounts.models import User
from namhoc.core.errors import DomainError
from namhoc.core.parsing import parse_int
from namhoc.core.types import Actor
from namhoc.emulation.models import EmulationRound, Registration

__all__ = ["locked_registration", "locked_round", "parse_version", "refuse", "user_of"]


def user_of(actor: Actor | None) -> User | None:
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None


def refuse(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def parse_version(raw: object) -> int:
    version = parse_int(raw, field="version", label="Phiên bản", minimum=1, required=True)
    assert version is not None
    return version


def locked_round(pk: int) -> EmulationRound:
    """The round's row, locked: stages, council, decision and every vote take it first, so a
    vote cannot land after the decision, nor a member leave mid-vote."""
    return EmulationRound.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)


def locked_registration(pk: int) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("round__unit", "unit", "person")
        .get(pk=pk)
    )
