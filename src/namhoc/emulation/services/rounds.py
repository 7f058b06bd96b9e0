"""Running a round: open it, set its council's rules, name the council, move it on, record the
decision (Quyết định khen thưởng) with the results the votes give.

One user action per function (ADR 0007): acting user and raw input; objects loaded through
``emulation.access``; refusals raised; values parsed by ``core.parsing``; one transaction with
the round's row locked; audit rows beside the change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from namhoc.accounts.access import access_unit
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.clock import today
from namhoc.core.errors import Conflict, DomainError, NotFound, StaleEdit
from namhoc.core.parsing import (
    DATE_MIN,
    clean_text,
    parse_date,
    parse_id,
    parse_int,
    parse_school_year,
    text_cap,
)
from namhoc.core.types import Actor
from namhoc.emulation.access import (
    access_round,
    council_candidates,
    manage_refusal,
    open_refusal,
    stage_refusal,
)
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration
from namhoc.emulation.services.common import locked_round, parse_version, refuse, user_of
from namhoc.emulation.tally import tallies
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "MAX_COUNCIL",
    "council_member_add",
    "council_member_remove",
    "round_advance",
    "round_decide",
    "round_open",
    "round_update",
]

MAX_COUNCIL = 25
_SETTINGS = ("title", "quorum_percent", "threshold_percent")
_NEXT = {
    EmulationRound.Status.REGISTRATION: EmulationRound.Status.ASSESSMENT,
    EmulationRound.Status.ASSESSMENT: EmulationRound.Status.VOTING,
}
_OPEN_STAGES = (EmulationRound.Status.REGISTRATION, EmulationRound.Status.ASSESSMENT)


def _settings(
    *, title: object, quorum_percent: object, threshold_percent: object
) -> dict[str, Any]:
    return {
        "title": clean_text(
            title,
            field="title",
            label="Tên đợt thi đua",
            max_length=text_cap(EmulationRound, "title"),
            required=True,
        ),
        "quorum_percent": parse_int(
            quorum_percent,
            field="quorum_percent",
            label="Tỷ lệ thành viên bỏ phiếu tối thiểu",
            minimum=1,
            maximum=100,
            required=True,
        ),
        "threshold_percent": parse_int(
            threshold_percent,
            field="threshold_percent",
            label="Tỷ lệ đồng ý phải vượt",
            minimum=0,
            maximum=99,
            required=True,
        ),
    }


def round_open(
    *,
    actor: Actor | None,
    unit: object,
    school_year: object,
    title: object = "",
    quorum_percent: object = 67,
    threshold_percent: object = 50,
) -> EmulationRound:
    """Open the year's emulation of the unit of key ``unit`` (one a year: a second is 409)."""
    key = unit.strip() if isinstance(unit, str) else ""
    if not key:
        raise DomainError("required", "Hãy chọn đơn vị tổ chức xét thi đua.", field="unit")
    owner = access_unit(actor, key)
    refuse(open_refusal(actor, owner))
    year = parse_school_year(school_year)
    values = _settings(
        title=title or f"Thi đua năm học {year}",
        quorum_percent=quorum_percent,
        threshold_percent=threshold_percent,
    )
    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=owner.pk).first()
        if EmulationRound.objects.filter(unit=owner, school_year=year).exists():
            raise Conflict("round_exists", f"{owner.name} đã mở đợt thi đua năm học {year}.")
        created = EmulationRound.objects.create(
            unit=owner, school_year=year, created_by=user_of(actor), **values
        )
        audit_record(
            actor=actor,
            action="emulation_round.open",
            target=created,
            changes=diff({}, snapshot(created, ["unit", "school_year", *_SETTINGS])),
            unit_id=owner.pk,
        )
    return created


def _check_version(locked: EmulationRound, expected: int) -> None:
    if locked.version != expected:
        raise StaleEdit(
            current=snapshot(locked, ["status", *_SETTINGS]),
            changed_by="",
            changed_at=locked.updated_at,
            what="Đợt thi đua này",
        )


def round_update(
    *,
    actor: Actor | None,
    round_id: object,
    version: object,
    title: object,
    quorum_percent: object,
    threshold_percent: object,
) -> EmulationRound:
    """The round's name and its council's rules, until the vote opens."""
    found = access_round(actor, round_id)
    refuse(manage_refusal(actor, found))
    refuse(stage_refusal(found, *_OPEN_STAGES))
    expected = parse_version(version)
    values = _settings(
        title=title, quorum_percent=quorum_percent, threshold_percent=threshold_percent
    )
    with transaction.atomic():
        locked = locked_round(found.pk)
        refuse(stage_refusal(locked, *_OPEN_STAGES))
        _check_version(locked, expected)
        before = snapshot(locked, _SETTINGS)
        for name, value in values.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, _SETTINGS))
        if not changes:
            return locked
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="emulation_round.update",
            target=locked,
            changes=changes,
            unit_id=locked.unit_id,
        )
    return locked


def round_advance(*, actor: Actor | None, round_id: object, version: object) -> EmulationRound:
    """Registration → self-assessment → council vote. Opening the vote needs a council with a
    chair, and at least one self-assessment submitted."""
    found = access_round(actor, round_id)
    refuse(manage_refusal(actor, found))
    refuse(stage_refusal(found, *_OPEN_STAGES))
    expected = parse_version(version)
    with transaction.atomic():
        locked = locked_round(found.pk)
        refuse(stage_refusal(locked, *_OPEN_STAGES))
        _check_version(locked, expected)
        target = _NEXT[EmulationRound.Status(locked.status)]
        if target == EmulationRound.Status.VOTING:
            if not locked.members.filter(role=CouncilMember.Role.CHAIR).exists():
                raise DomainError(
                    "no_council", "Hãy lập hội đồng thi đua – khen thưởng (có chủ tịch) trước."
                )
            if not locked.registrations.filter(status=Registration.Status.SUBMITTED).exists():
                raise DomainError("nothing_submitted", "Chưa có hồ sơ tự đánh giá nào để xét.")
        before = locked.status
        locked.status = target
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="emulation_round.advance",
            target=locked,
            changes={"status": [before, target]},
            unit_id=locked.unit_id,
        )
    return locked


def council_member_add(
    *, actor: Actor | None, round_id: object, user_id: object, role: object = "uy_vien"
) -> CouncilMember:
    """Seat a person of the round's unit on its council (before the vote opens)."""
    found = access_round(actor, round_id)
    refuse(manage_refusal(actor, found))
    refuse(stage_refusal(found, *_OPEN_STAGES))
    if role not in CouncilMember.Role.values:
        raise DomainError("bad_role", "Vai trò trong hội đồng không hợp lệ.", field="role")
    person_id = parse_id(user_id)
    if person_id is None:
        raise DomainError("required", "Hãy chọn thành viên.", field="user")
    with transaction.atomic():
        locked = locked_round(found.pk)
        refuse(stage_refusal(locked, *_OPEN_STAGES))
        person = council_candidates(locked.unit).filter(pk=person_id).first()
        if person is None:
            raise DomainError(
                "not_of_unit",
                f"Thành viên hội đồng phải là người của {locked.unit.name}.",
                field="user",
            )
        if locked.members.filter(user=person).exists():
            raise Conflict("already_member", f"{person} đã ở trong hội đồng.")
        if role == CouncilMember.Role.CHAIR and locked.members.filter(role=role).exists():
            raise Conflict("chair_taken", "Hội đồng đã có chủ tịch.")
        if locked.members.count() >= MAX_COUNCIL:
            raise DomainError("too_many", f"Hội đồng có tối đa {MAX_COUNCIL} thành viên.")
        member = CouncilMember.objects.create(round=locked, user=person, role=str(role))
        audit_record(
            actor=actor,
            action="council.add",
            target=member,
            changes=diff({}, snapshot(member, ["round", "user", "role"])),
            unit_id=locked.unit_id,
        )
    return member


def council_member_remove(
    *, actor: Actor | None, member_id: object, round_id: object = None
) -> CouncilMember:
    pk = parse_id(member_id)
    member = CouncilMember.objects.filter(pk=pk).select_related("user").first() if pk else None
    if member is None:
        raise NotFound()
    found = access_round(actor, member.round_id)
    if round_id is not None and parse_id(round_id) != found.pk:
        raise NotFound()
    refuse(manage_refusal(actor, found))
    refuse(stage_refusal(found, *_OPEN_STAGES))
    with transaction.atomic():
        locked = locked_round(found.pk)
        refuse(stage_refusal(locked, *_OPEN_STAGES))
        row = CouncilMember.objects.filter(pk=member.pk, round=locked).first()
        if row is None:
            raise NotFound()
        audit_record(
            actor=actor,
            action="council.remove",
            target=row,
            changes=diff(snapshot(row, ["round", "user", "role"]), {}),
            unit_id=locked.unit_id,
        )
        row.delete()
        row.pk = member.pk
    return row


def round_decide(
    *,
    actor: Actor | None,
    round_id: object,
    version: object,
    decision_number: object = "",
    decision_date: object = None,
) -> EmulationRound:
    """Close the vote and record the decision: each submitted registration is awarded when
    its tally passes (``emulation.tally``), not awarded otherwise. Final."""
    found = access_round(actor, round_id)
    refuse(manage_refusal(actor, found))
    refuse(stage_refusal(found, EmulationRound.Status.VOTING))
    expected = parse_version(version)
    number = clean_text(
        decision_number,
        field="decision_number",
        label="Số quyết định",
        max_length=text_cap(EmulationRound, "decision_number"),
    )
    day = parse_date(
        decision_date,
        field="decision_date",
        label="Ngày quyết định",
        minimum=DATE_MIN,
        maximum=today(),
    )
    with transaction.atomic():
        locked = locked_round(found.pk)
        refuse(stage_refusal(locked, EmulationRound.Status.VOTING))
        _check_version(locked, expected)
        counts = tallies(locked)
        awarded = [pk for pk, tally in counts.items() if tally.passed]
        rejected = [pk for pk in counts if pk not in awarded]
        Registration.objects.filter(pk__in=awarded).update(result=Registration.Result.AWARDED)
        Registration.objects.filter(pk__in=rejected).update(result=Registration.Result.NOT_AWARDED)
        for registration in Registration.objects.filter(pk__in=list(counts)).order_by("pk"):
            tally = counts[registration.pk]
            audit_record(
                actor=actor,
                action="registration.result",
                target=registration,
                changes={
                    "result": ["", registration.result],
                    "votes": [None, [tally.agree, tally.disagree, tally.members]],
                },
                unit_id=registration.unit_id,
            )
        locked.status = EmulationRound.Status.DECIDED
        locked.decision_number = number
        locked.decision_date = day or today()
        locked.decided_at = timezone.now()
        locked.decided_by = user_of(actor)
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="emulation_round.decide",
            target=locked,
            changes={
                "status": [EmulationRound.Status.VOTING, EmulationRound.Status.DECIDED],
                "decision_number": ["", number],
                "awarded": [None, len(awarded)],
                "not_awarded": [None, len(rejected)],
            },
            unit_id=locked.unit_id,
        )
    return locked
