"""Test shorthands for emulation: the commune A1 (c-a1) runs the emulation of 2025-2026; its
school (s-a1) registers a collective title, its principal an individual one; the commune's
officer chairs the council, with two more people of the commune on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conftest import make_user

from namhoc.accounts.models import Role, User
from namhoc.emulation import services
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration

YEAR = "2025-2026"


@dataclass
class World:
    round: EmulationRound
    school: Registration  # "Tập thể lao động tiên tiến" for s-a1
    principal: Registration  # "Lao động tiên tiến" for the principal
    members: list[User]  # the council: the commune officer (chair) and two more


def build(org: Any, people: Any, *, council: int = 3) -> World:
    officer = people.commune_officer
    opened = services.round_open(actor=officer, unit="c-a1", school_year=YEAR)
    school = services.registration_create(
        actor=people.school_principal,
        round_id=opened.pk,
        title="tt_lao_dong_tien_tien",
        unit="s-a1",
    )
    principal = services.registration_create(
        actor=people.school_principal,
        round_id=opened.pk,
        title="lao_dong_tien_tien",
        unit="s-a1",
    )
    members = [officer]
    services.council_member_add(
        actor=officer, round_id=opened.pk, user_id=officer.pk, role=CouncilMember.Role.CHAIR
    )
    for n in range(1, council):
        person = make_user(f"hoi-dong-{n}", f"Ủy viên Số {n}", (org.commune_a1, Role.VIEWER))
        services.council_member_add(actor=officer, round_id=opened.pk, user_id=person.pk)
        members.append(person)
    opened.refresh_from_db()
    return World(round=opened, school=school, principal=principal, members=members)


def to_stage(world: World, people: Any, stage: str) -> EmulationRound:
    """Move the round on (through the use case) until it reaches ``stage``."""
    found = world.round
    found.refresh_from_db()
    while found.status != stage:
        found = services.round_advance(
            actor=people.commune_officer, round_id=found.pk, version=found.version
        )
    world.round = found
    return found


def submit(registration: Registration, actor: Any, **declared: Any) -> Registration:
    registration.refresh_from_db()
    return services.assessment_submit(
        actor=actor,
        registration_id=registration.pk,
        version=registration.version,
        text="Hoàn thành tốt nhiệm vụ năm học.",
        declared=declared,
    )
