"""Who may see and act on emulation — the one place these rules are written (ADR 0007, 0011).

- A round belongs to its unit (the upper unit whose council reviews). Its people (or above)
  read it all and, with ``specialist`` there, run it: open it, name the council, move it on,
  record the decision. People of the units below read the round (they register in it) and the
  registrations of their own subtree; a person reads their own registrations.
- Register, withdraw, self-assess: for a collective title, ``specialist`` at the candidate unit;
  for an individual title, the person (a role at the unit they register from) or a
  ``specialist`` there. Only while the round is at that stage.
- Vote: a member of the council, once per registration, while the council votes — not on a
  registration they stand in (conflict of interest: the person registered, or a person of the
  unit whose collective title it is), where they are not counted (``barred_voters``).
- The tally (votes for and against) is read by the round unit's people; who voted what is never
  shown. Results are read by everyone who reads the registration, once decided.
- The round's two documents are each one document, whoever downloads it: the award decision
  names every registration it awards, read by the round unit's people (the draft) and, once
  decided, by everyone who reads the round; the council's minutes (every candidate's votes)
  are the council's record, read by the round unit's people (and above) only.

Each action has a ``*_refusal`` (why not: a :class:`DomainError`, or None) and a ``can_*``
predicate over it; use cases raise the refusal, selectors hand the predicate to the pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from django.db.models import Q, QuerySet

from namhoc.accounts.access import (
    has_role,
    is_staff_superuser,
    member_paths,
    roles_at,
    scope_queryset,
)
from namhoc.accounts.models import Membership, Role, User
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "ConflictOfInterest",
    "access_evidence",
    "access_registration",
    "access_round",
    "barred_voters",
    "can_manage",
    "can_read_decision",
    "can_read_results",
    "can_read_tally",
    "can_register",
    "can_vote",
    "candidate_refusal",
    "council_candidates",
    "decision_refusal",
    "manage_refusal",
    "member_of",
    "open_refusal",
    "people_of",
    "register_refusal",
    "registrations_visible_to",
    "results_refusal",
    "round_registrations",
    "rounds_visible_to",
    "stage_refusal",
    "vote_refusal",
]

_STAGE_WORDS = {
    EmulationRound.Status.REGISTRATION: "đăng ký danh hiệu",
    EmulationRound.Status.ASSESSMENT: "tự đánh giá cuối năm",
    EmulationRound.Status.VOTING: "hội đồng bỏ phiếu",
    EmulationRound.Status.DECIDED: "đã có quyết định",
}


def _id(raw: object) -> int:
    value = parse_id(raw)
    if value is None:
        raise NotFound()
    return value


def _is_person(actor: Actor | None) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


# --- what a viewer sees ---------------------------------------------------------------------


def rounds_visible_to(viewer: Actor | None) -> QuerySet[EmulationRound]:
    """Rounds of a unit in ``viewer``'s scope, or of a unit above one of theirs."""
    queryset = EmulationRound.objects.all()
    if is_staff_superuser(viewer):
        return queryset
    own = scope_queryset(viewer, queryset, unit_field="unit")
    above = sorted({p for path in member_paths(viewer) for p in ancestor_paths(path)})
    if not above:
        return own
    return queryset.filter(Q(pk__in=own.values("pk")) | Q(unit__path__in=above))


def registrations_visible_to(viewer: Actor | None) -> QuerySet[Registration]:
    """Registrations of a unit in ``viewer``'s scope (the round's unit sees them all, being
    above), and the viewer's own."""
    queryset = Registration.objects.all()
    if is_staff_superuser(viewer):
        return queryset
    scoped = scope_queryset(viewer, queryset, unit_field="unit")
    if not _is_person(viewer):
        return scoped
    assert viewer is not None
    return queryset.filter(Q(pk__in=scoped.values("pk")) | Q(person_id=viewer.pk))


def access_round(actor: Actor | None, round_id: object) -> EmulationRound:
    found = (
        rounds_visible_to(actor)
        .filter(pk=_id(round_id))
        .select_related("unit", "decided_by")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_registration(actor: Actor | None, registration_id: object) -> Registration:
    found = (
        registrations_visible_to(actor)
        .filter(pk=_id(registration_id))
        .select_related("round__unit", "unit", "person", "registered_by")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_evidence(actor: Actor | None, evidence_id: object) -> object:
    from namhoc.emulation.models import RegistrationEvidence

    found = RegistrationEvidence.objects.filter(
        pk=_id(evidence_id), registration__in=registrations_visible_to(actor)
    ).first()
    if found is None:
        raise NotFound()
    return found


# --- the council ----------------------------------------------------------------------------


def people_of(unit: OrgUnit) -> QuerySet[User]:
    """The people of ``unit``: active users holding a role at the unit itself."""
    return User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(unit=unit).values("user_id")
    )


def council_candidates(unit: OrgUnit) -> QuerySet[User]:
    """Who may sit on the council of a round of ``unit``: its people."""
    return people_of(unit)


def member_of(actor: Actor | None, emulation_round: EmulationRound) -> CouncilMember | None:
    if not _is_person(actor):
        return None
    assert actor is not None
    return emulation_round.members.filter(user_id=actor.pk).first()


# --- what an actor may do -------------------------------------------------------------------


def stage_refusal(emulation_round: EmulationRound, *stages: str) -> DomainError | None:
    if emulation_round.status in stages:
        return None
    wanted = " hoặc ".join(_STAGE_WORDS[EmulationRound.Status(s)] for s in stages)
    now = _STAGE_WORDS[EmulationRound.Status(emulation_round.status)]
    return DomainError(
        "wrong_stage",
        f"Việc này chỉ làm được ở giai đoạn {wanted}; đợt thi đua đang ở giai đoạn {now}.",
    )


def manage_refusal(actor: Actor | None, emulation_round: EmulationRound) -> DomainError | None:
    """Why ``actor`` may not run the round (council, stages, decision)."""
    if not has_role(actor, emulation_round.unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {emulation_round.unit.name} (thường trực hội đồng thi đua) "
            "mới điều hành được đợt thi đua này."
        )
    return None


def can_manage(actor: Actor | None, emulation_round: EmulationRound) -> bool:
    return manage_refusal(actor, emulation_round) is None


def open_refusal(actor: Actor | None, unit: OrgUnit) -> DomainError | None:
    """Why ``actor`` may not open the year's emulation of ``unit``: its specialists do, for a
    current unit above the schools (the schools register in their upper unit's round)."""
    if not has_role(actor, unit, Role.SPECIALIST):
        return Forbidden(f"Chỉ chuyên viên của {unit.name} mới mở được đợt thi đua của đơn vị.")
    if unit.valid_to is not None or unit.kind in (OrgUnit.Kind.DISTRICT, OrgUnit.Kind.SCHOOL):
        return DomainError(
            "not_a_council_unit",
            "Đợt thi đua do đơn vị cấp trên (Bộ, sở, xã, phường) đang hoạt động tổ chức; cơ sở "
            "giáo dục đăng ký danh hiệu trong đợt của cấp trên.",
            field="unit",
        )
    return None


def can_read_tally(actor: Actor | None, emulation_round: EmulationRound) -> bool:
    """The vote counts of the registrations ``actor`` reads: the round unit's people, and
    everyone once decided."""
    if emulation_round.status == EmulationRound.Status.DECIDED:
        return True
    return bool(roles_at(actor, emulation_round.unit))


def decision_refusal(actor: Actor | None, emulation_round: EmulationRound) -> DomainError | None:
    """Why ``actor`` (who reads the round) may not download the award decision. It is one
    document, naming every registration it awards whoever downloads it: the draft is the round
    unit's (and above); once decided, it is addressed to every unit of the round ("Như Điều
    3"), so everyone who reads the round reads it."""
    if emulation_round.status == EmulationRound.Status.DECIDED or roles_at(
        actor, emulation_round.unit
    ):
        return None
    return Forbidden("Quyết định chỉ công bố khi đã có quyết định khen thưởng.")


def results_refusal(actor: Actor | None, emulation_round: EmulationRound) -> DomainError | None:
    """Why ``actor`` may not download the council's minutes (every candidate's votes, those not
    awarded included): they are the council's record, kept by the round's unit — its people
    and those above it read them, before and after the decision; a unit below reads its own
    count on its registration's page."""
    if roles_at(actor, emulation_round.unit):
        return None
    return Forbidden(
        "Biên bản kết quả bỏ phiếu là hồ sơ của hội đồng thi đua – khen thưởng: chỉ người của "
        f"{emulation_round.unit.name} (và cấp trên) xem được."
    )


def can_read_decision(actor: Actor | None, emulation_round: EmulationRound) -> bool:
    return decision_refusal(actor, emulation_round) is None


def can_read_results(actor: Actor | None, emulation_round: EmulationRound) -> bool:
    return results_refusal(actor, emulation_round) is None


def round_registrations(emulation_round: EmulationRound) -> QuerySet[Registration]:
    """Every registration of the round, whoever asks: for the round's own documents, once
    ``decision_refusal`` or ``results_refusal`` let the actor have them (a document of the
    round is not cut to the reader's scope)."""
    return Registration.objects.filter(round=emulation_round)


def candidate_refusal(
    emulation_round: EmulationRound, *, collective: bool, unit: OrgUnit
) -> DomainError | None:
    """Which units may stand: a current unit strictly below the round's unit for a collective
    title; for a person, a unit of the round unit's subtree (the round's unit included)."""
    if unit.valid_to is not None or unit.kind == OrgUnit.Kind.DISTRICT:
        return DomainError(
            "unit_dissolved",
            f"{unit.name} không còn hoạt động; hãy chọn đơn vị hiện nay.",
            field="unit",
        )
    inside = unit.path.startswith(emulation_round.unit.path)
    if not inside or (collective and unit.pk == emulation_round.unit_id):
        where = "cấp dưới của " if collective else "thuộc "
        return DomainError(
            "unit_not_below",
            f"Đơn vị đăng ký phải là đơn vị {where}{emulation_round.unit.name}.",
            field="unit",
        )
    return None


def register_refusal(
    actor: Actor | None, *, collective: bool, unit: OrgUnit, person_id: int | None
) -> DomainError | None:
    """Why ``actor`` may not register (or withdraw, or self-assess) for ``unit`` — a collective
    title — or for the person ``person_id`` at ``unit``."""
    if collective:
        if not has_role(actor, unit, Role.SPECIALIST):
            return Forbidden(f"Chỉ chuyên viên của {unit.name} mới đăng ký được cho đơn vị này.")
        return None
    if has_role(actor, unit, Role.SPECIALIST):
        return None
    if _is_person(actor) and actor is not None and actor.pk == person_id and roles_at(actor, unit):
        return None
    return Forbidden(
        f"Chỉ chính người đăng ký hoặc chuyên viên của {unit.name} mới làm được việc này."
    )


def can_register(actor: Actor | None, registration: Registration) -> bool:
    return (
        register_refusal(
            actor,
            collective=registration.kind == Registration.Kind.COLLECTIVE,
            unit=registration.unit,
            person_id=registration.person_id,
        )
        is None
    )


class ConflictOfInterest(Forbidden):
    """A council member standing in the registration: 403, code ``conflict_of_interest``."""

    def __init__(self, message: str) -> None:
        DomainError.__init__(self, "conflict_of_interest", message)


def barred_voters(
    registrations: Iterable[Registration], user_ids: Collection[int]
) -> dict[int, frozenset[int]]:
    """``{registration id: the people of user_ids who may not vote on it}`` — the conflict of
    interest rule, in one place: the person registered for an individual title, and the people
    of the unit (a role at the unit itself) registered for a collective one. One query."""
    rows = list(registrations)
    units = {r.unit_id for r in rows if r.kind == Registration.Kind.COLLECTIVE}
    people_at: dict[int, set[int]] = defaultdict(set)
    if units and user_ids:
        for user_id, unit_id in Membership.objects.filter(
            user_id__in=list(user_ids), unit_id__in=units
        ).values_list("user_id", "unit_id"):
            people_at[unit_id].add(user_id)
    barred: dict[int, frozenset[int]] = {}
    for r in rows:
        standing = set(people_at[r.unit_id]) if r.kind == Registration.Kind.COLLECTIVE else set()
        if r.person_id is not None and r.person_id in user_ids:
            standing.add(r.person_id)
        if standing:
            barred[r.pk] = frozenset(standing)
    return barred


def _conflict(
    registration: Registration,
    member: CouncilMember,
    barred: Mapping[int, frozenset[int]] | None,
) -> DomainError | None:
    if barred is None:
        barred = barred_voters([registration], {member.user_id})
    if member.user_id not in barred.get(registration.pk, ()):
        return None
    if registration.person_id == member.user_id:
        why = "bạn là người đăng ký danh hiệu"
    else:
        why = f"bạn là người của {registration.unit.name}, đơn vị đăng ký danh hiệu"
    return ConflictOfInterest(
        f"Bạn không bỏ phiếu được cho hồ sơ này: {why} (xung đột lợi ích). Hồ sơ được xét theo "
        "phiếu của các thành viên hội đồng còn lại."
    )


def vote_refusal(
    actor: Actor | None,
    registration: Registration,
    member: CouncilMember | None,
    *,
    barred: Mapping[int, frozenset[int]] | None = None,
) -> DomainError | None:
    """Why ``actor`` (``member``: their seat, if any) may not vote on ``registration``.
    ``barred``: ``barred_voters`` of the page's registrations, when a page asks for many."""
    if member is None:
        return Forbidden("Chỉ thành viên hội đồng thi đua – khen thưởng mới bỏ phiếu được.")
    stage = stage_refusal(registration.round, EmulationRound.Status.VOTING)
    if stage is not None:
        return stage
    if registration.status != Registration.Status.SUBMITTED:
        return DomainError(
            "not_submitted", "Hồ sơ này chưa nộp tự đánh giá (hoặc đã rút): không bỏ phiếu được."
        )
    return _conflict(registration, member, barred)


def can_vote(
    actor: Actor | None,
    registration: Registration,
    member: CouncilMember | None,
    *,
    barred: Mapping[int, frozenset[int]] | None = None,
) -> bool:
    return vote_refusal(actor, registration, member, barred=barred) is None
