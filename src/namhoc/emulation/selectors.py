"""Reads of emulation: what each page and endpoint shows, scoped to the viewer, with the
``can_*`` answers of ``emulation.access`` for its buttons (ADR 0007); the results and the
decision as .docx; the history of a unit and of a person."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.models import Role, User
from namhoc.accounts.selectors import home_unit
from namhoc.core.clock import today
from namhoc.core.collation import collate_vi, vi_sort_key
from namhoc.core.errors import NotFound
from namhoc.core.parsing import parse_id, school_year_of
from namhoc.core.types import Actor
from namhoc.emulation import documents
from namhoc.emulation.access import (
    ConflictOfInterest,
    access_registration,
    access_round,
    barred_voters,
    can_manage,
    can_read_decision,
    can_read_results,
    can_read_tally,
    can_register,
    can_vote,
    council_candidates,
    decision_refusal,
    member_of,
    registrations_visible_to,
    results_refusal,
    round_registrations,
    rounds_visible_to,
    stage_refusal,
    vote_refusal,
)
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration, Vote
from namhoc.emulation.scoring import Scored, score
from namhoc.emulation.tally import Tally, tallies
from namhoc.emulation.titles import Title, all_titles, law_documents, title_by_code
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "HistoryPage",
    "IndexPage",
    "RegistrationPage",
    "RoundPage",
    "decision_file",
    "index_page",
    "person_history",
    "registration_page",
    "registrations_list",
    "results_file",
    "round_page",
    "rounds_list",
    "unit_history",
]


def rounds_list(viewer: Actor | None, *, school_year: str = "") -> QuerySet[EmulationRound]:
    rows = rounds_visible_to(viewer).select_related("unit")
    if school_year:
        rows = rows.filter(school_year=school_year)
    return rows.annotate(registration_count=Count("registrations")).order_by(
        "-school_year", "unit__path", "pk"
    )


def registrations_list(
    viewer: Actor | None, *, round_id: int | None = None
) -> QuerySet[Registration]:
    """The registrations ``viewer`` may read (of one round, when given): units in tree order,
    then people in Vietnamese name order."""
    rows = registrations_visible_to(viewer).select_related("round__unit", "unit", "person")
    if round_id is not None:
        rows = rows.filter(round_id=round_id)
    return rows.order_by("kind", "unit__path", collate_vi("person__full_name"), "pk")


@dataclass(frozen=True)
class IndexPage:
    school_year: str
    rounds: QuerySet[EmulationRound]
    mine: list[Registration]
    home: OrgUnit | None
    can_open: bool


def index_page(viewer: Actor | None, *, school_year: object = "") -> IndexPage:
    year = school_year if isinstance(school_year, str) and len(school_year) == 9 else ""
    year = year or school_year_of(today())
    mine: list[Registration] = []
    if viewer is not None and viewer.is_authenticated:
        mine = list(
            Registration.objects.filter(person_id=viewer.pk)
            .select_related("round__unit", "unit")
            .order_by("-round__school_year", "pk")[:20]
        )
    can_open = (
        visible_units(viewer, role=Role.SPECIALIST)
        .filter(valid_to__isnull=True)
        .exclude(kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.DISTRICT])
        .exists()
    )
    return IndexPage(
        school_year=year,
        rounds=rounds_list(viewer, school_year=year),
        mine=mine,
        home=home_unit(viewer),
        can_open=can_open,
    )


@dataclass(frozen=True)
class Row:
    registration: Registration
    title: Title | None
    tally: Tally | None
    voted: bool  # the viewer (a council member) has voted on it
    can_vote: bool


@dataclass(frozen=True)
class RoundPage:
    round: EmulationRound
    titles: tuple[Title, ...]
    law: tuple[str, ...]
    rows: list[Row]
    members: list[CouncilMember]
    seat: CouncilMember | None
    can_manage: bool
    can_read_tally: bool
    can_register: bool  # the stage lets people register (their right is checked per unit)
    can_read_results: bool = False  # the council's minutes (Word)
    can_read_decision: bool = False  # the award decision, or its draft (Word)
    candidates: list[User] = field(default_factory=list)  # for the council form
    home: OrgUnit | None = None

    @property
    def council_open(self) -> bool:
        """The council can still change (before the vote), and the viewer runs the round."""
        return self.can_manage and self.round.status in (
            EmulationRound.Status.REGISTRATION,
            EmulationRound.Status.ASSESSMENT,
        )

    @property
    def awarded(self) -> list[Row]:
        return [r for r in self.rows if r.registration.result == Registration.Result.AWARDED]


def round_page(viewer: Actor | None, round_id: object) -> RoundPage:
    found = access_round(viewer, round_id)
    manage = can_manage(viewer, found)
    tally_visible = can_read_tally(viewer, found)
    counts = tallies(found) if tally_visible else {}
    seat = member_of(viewer, found)
    listed = _in_round(registrations_list(viewer, round_id=found.pk), found)
    voted: set[int] = set()
    barred: dict[int, frozenset[int]] = {}
    if seat is not None:
        voted = set(Vote.objects.filter(member=seat).values_list("registration_id", flat=True))
        barred = barred_voters(listed, {seat.user_id})
    rows = [
        Row(
            registration=r,
            title=title_by_code(r.title),
            tally=counts.get(r.pk),
            voted=r.pk in voted,
            can_vote=r.pk not in voted and can_vote(viewer, r, seat, barred=barred),
        )
        for r in listed
    ]
    members = list(
        found.members.select_related("user").order_by("role", collate_vi("user__full_name"))
    )
    candidates: list[User] = []
    if (
        manage
        and stage_refusal(
            found, EmulationRound.Status.REGISTRATION, EmulationRound.Status.ASSESSMENT
        )
        is None
    ):
        seated = {m.user_id for m in members}
        candidates = [
            u
            for u in council_candidates(found.unit).order_by(collate_vi("full_name"), "pk")
            if u.pk not in seated
        ]
    return RoundPage(
        round=found,
        titles=all_titles(),
        law=law_documents(),
        rows=rows,
        members=members,
        seat=seat,
        can_manage=manage,
        can_read_tally=tally_visible,
        can_register=found.status == EmulationRound.Status.REGISTRATION,
        can_read_results=can_read_results(viewer, found),
        can_read_decision=can_read_decision(viewer, found),
        candidates=candidates,
        home=home_unit(viewer),
    )


def _in_round(rows: QuerySet[Registration], found: EmulationRound) -> list[Registration]:
    """The rows with their round set to the one already loaded (no query per row)."""
    listed = list(rows)
    for registration in listed:
        registration.round = found
    return listed


@dataclass(frozen=True)
class RegistrationPage:
    registration: Registration
    title: Title | None
    scored: Scored | None  # live values before submission; None once submitted (snapshot)
    evidence: list
    tally: Tally | None
    seat: CouncilMember | None
    voted: bool
    can_edit: bool  # register / withdraw / self-assess: the candidate's side
    can_assess: bool
    can_withdraw: bool
    can_vote: bool
    conflict: str = ""  # why this council member does not vote here (conflict of interest)


def registration_page(viewer: Actor | None, registration_id: object) -> RegistrationPage:
    registration = access_registration(viewer, registration_id)
    found = registration.round
    title = title_by_code(registration.title)
    editable = can_register(viewer, registration)
    open_for_assessment = stage_refusal(found, EmulationRound.Status.ASSESSMENT) is None
    withdrawable = (
        stage_refusal(found, EmulationRound.Status.REGISTRATION, EmulationRound.Status.ASSESSMENT)
        is None
    )
    live = registration.status == Registration.Status.REGISTERED and title is not None
    scored = (
        score(
            title,
            unit=registration.unit,
            school_year=found.school_year,
            declared=registration.declared or {},
        )
        if live and title is not None
        else None
    )
    seat = member_of(viewer, found)
    voted = (
        seat is not None and Vote.objects.filter(registration=registration, member=seat).exists()
    )
    refusal = vote_refusal(viewer, registration, seat)
    tally = tallies(found).get(registration.pk) if can_read_tally(viewer, found) else None
    active = registration.status != Registration.Status.WITHDRAWN
    return RegistrationPage(
        registration=registration,
        title=title,
        scored=scored,
        evidence=list(registration.evidence.order_by("pk")),
        tally=tally,
        seat=seat,
        voted=voted,
        can_edit=editable,
        can_assess=editable and active and open_for_assessment,
        can_withdraw=editable and active and withdrawable,
        can_vote=not voted and refusal is None,
        conflict=refusal.message if isinstance(refusal, ConflictOfInterest) else "",
    )


# --- history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPage:
    unit: OrgUnit | None
    person: User | None
    rows: list[tuple[Registration, Title | None]]


def unit_history(viewer: Actor | None, unit_key: str) -> HistoryPage:
    """The titles a unit registered for, year by year, and what came of them; the titles of
    its people are on their own pages."""
    unit = access_unit(viewer, unit_key)
    rows = (
        registrations_visible_to(viewer)
        .filter(unit=unit, kind=Registration.Kind.COLLECTIVE)
        .exclude(status=Registration.Status.WITHDRAWN)
        .select_related("round__unit")
        .order_by("-round__school_year", "pk")
    )
    return HistoryPage(unit=unit, person=None, rows=[(r, title_by_code(r.title)) for r in rows])


def person_history(viewer: Actor | None, user_id: object) -> HistoryPage:
    """A person's titles, year by year, as far as ``viewer`` may see them (their own always)."""
    pk = parse_id(user_id)
    if pk is None:
        raise NotFound()
    rows = list(
        registrations_visible_to(viewer)
        .filter(person_id=pk, kind=Registration.Kind.INDIVIDUAL)
        .exclude(status=Registration.Status.WITHDRAWN)
        .select_related("round__unit", "unit", "person")
        .order_by("-round__school_year", "pk")
    )
    person = rows[0].person if rows else None
    if person is None:
        if viewer is None or getattr(viewer, "pk", None) != pk:
            raise NotFound()
        person = User.objects.filter(pk=pk).first()
    return HistoryPage(unit=None, person=person, rows=[(r, title_by_code(r.title)) for r in rows])


# --- documents ------------------------------------------------------------------------------


def _round_rows(found: EmulationRound) -> list[tuple[Registration, Tally]]:
    """Every counted registration of the round (a document of the round is the same whoever
    downloads it: ``access.round_registrations``), collectives first, in Vietnamese order."""
    counts = tallies(found)
    rows = [
        (r, counts[r.pk])
        for r in _in_round(round_registrations(found).select_related("unit", "person"), found)
        if r.pk in counts
    ]
    rows.sort(key=lambda pair: (pair[0].kind, vi_sort_key(str(pair[0].person or pair[0].unit))))
    return rows


def results_file(viewer: Actor | None, round_id: object) -> tuple[str, bytes]:
    """The council's results (biên bản kết quả bỏ phiếu) as .docx: every candidate's votes, for
    the round unit's people (``access.results_refusal``)."""
    found = access_round(viewer, round_id)
    refusal = results_refusal(viewer, found)
    if refusal is not None:
        raise refusal
    document = documents.results_document(
        found, rows=_round_rows(found), members=list(found.members.select_related("user"))
    )
    return f"{document.filename_stem}.docx", documents.render(document)


def decision_file(viewer: Actor | None, round_id: object) -> tuple[str, bytes]:
    """The award decision (Quyết định khen thưởng) as .docx — a draft (the registrations whose
    count passes) until decided, then the decision as recorded: every registration it awards,
    whoever downloads it (``access.decision_refusal``)."""
    found = access_round(viewer, round_id)
    refusal = decision_refusal(viewer, found)
    if refusal is not None:
        raise refusal
    rows = _round_rows(found)
    if found.status == EmulationRound.Status.DECIDED:
        chosen = [r for r, _ in rows if r.result == Registration.Result.AWARDED]
    else:
        chosen = [r for r, tally in rows if tally.passed]
    document = documents.decision_document(found, awarded=chosen)
    return f"{document.filename_stem}.docx", documents.render(document)
