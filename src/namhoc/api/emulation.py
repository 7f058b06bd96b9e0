"""JSON API for emulation: the titles and their criteria, rounds, the council, registrations with
their self-assessment (evidence files as multipart), votes, the decision, the history of a unit
and of a person. The Word files download from the URLs given. Lists are paginated
(``?limit=&offset=``, at most 500 a page). Every endpoint calls the use case or selector the page
calls (ADR 0007); numbers are sent as typed ("67") or as JSON numbers."""

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from namhoc.api.directives import ConflictOut, ErrorOut, Text
from namhoc.api.paging import BoundedLimitOffset
from namhoc.core.parsing import text_cap
from namhoc.emulation import selectors, services
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration
from namhoc.emulation.titles import Title, all_titles, title_by_code

router = Router(tags=["emulation"])

Id = int | str
Number = str | int | float | None  # sent as typed ("67") or as a JSON number
_RESPONSES: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


# --- titles ---------------------------------------------------------------------------------


class CriterionOut(Schema):
    code: str
    source: str
    label: str
    weight: Decimal
    threshold: Decimal | None
    required: bool
    namhoc_choice: bool
    indicator: str


class TitleOut(Schema):
    code: str
    name: str
    kind: str
    legal_basis: str
    legal_article: str
    legal_checked: bool
    legal_summary: str
    pass_score: Decimal
    criteria: list[CriterionOut]


def _title(title: Title) -> dict[str, Any]:
    return {
        "code": title.code,
        "name": title.name,
        "kind": title.kind,
        "legal_basis": title.legal.basis,
        "legal_article": title.legal.article,
        "legal_checked": title.legal.checked,
        "legal_summary": title.legal.summary,
        "pass_score": title.pass_score,
        "criteria": [asdict(c) for c in title.criteria],
    }


@router.get(
    "/titles",
    response={200: list[TitleOut]},
    summary="The titles namhoc knows, their legal basis, criteria and published weights",
)
def list_titles(request: HttpRequest) -> list[dict[str, Any]]:
    return [_title(t) for t in all_titles()]


# --- rounds ---------------------------------------------------------------------------------


class RoundFields(Schema):
    id: int
    unit: str
    unit_name: str
    school_year: str
    title: str
    status: str
    quorum_percent: int
    threshold_percent: int
    decision_number: str
    decision_date: dt.date | None
    version: int
    results_url: str
    decision_url: str


class RoundOut(RoundFields):
    @staticmethod
    def resolve_unit(obj: EmulationRound) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: EmulationRound) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_results_url(obj: EmulationRound) -> str:
        return reverse("emulation:results", args=[obj.pk])

    @staticmethod
    def resolve_decision_url(obj: EmulationRound) -> str:
        return reverse("emulation:decision", args=[obj.pk])


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    role: str

    @staticmethod
    def resolve_name(obj: CouncilMember) -> str:
        return str(obj.user)


class TallyOut(Schema):
    members: int
    agree: int
    disagree: int
    quorate: bool
    passed: bool


class RegistrationFields(Schema):
    id: int
    round_id: int
    title: str
    title_name: str
    kind: str
    unit: str
    unit_name: str
    person_id: int | None
    person_name: str
    status: str
    result: str
    score: Decimal | None
    version: int


class RegistrationOut(RegistrationFields):
    @staticmethod
    def resolve_title_name(obj: Registration) -> str:
        found = title_by_code(obj.title)
        return found.name if found else obj.title

    @staticmethod
    def resolve_unit(obj: Registration) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: Registration) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_person_name(obj: Registration) -> str:
        return str(obj.person) if obj.person_id else ""


class RoundRow(Schema):
    registration: RegistrationOut
    tally: TallyOut | None
    voted: bool
    can_vote: bool


class RoundDetailOut(RoundFields):
    members: list[MemberOut]
    rows: list[RoundRow]
    can_manage: bool
    can_read_tally: bool


def _tally(tally: Any) -> dict[str, Any] | None:
    if tally is None:
        return None
    return {
        "members": tally.members,
        "agree": tally.agree,
        "disagree": tally.disagree,
        "quorate": tally.quorate,
        "passed": tally.passed,
    }


def _round_detail(page: selectors.RoundPage) -> dict[str, Any]:
    found = page.round
    return {
        **RoundOut.from_orm(found).dict(),
        "members": page.members,
        "rows": [
            {
                "registration": row.registration,
                "tally": _tally(row.tally),
                "voted": row.voted,
                "can_vote": row.can_vote,
            }
            for row in page.rows
        ],
        "can_manage": page.can_manage,
        "can_read_tally": page.can_read_tally,
    }


class YearQuery(Schema):
    school_year: str = Field("", max_length=9, description="e.g. 2025-2026; blank: all years")


@router.get(
    "/rounds",
    response={200: list[RoundOut]},
    summary="Rounds of your units and of the units above them (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def list_rounds(request: HttpRequest, filters: Query[YearQuery]) -> QuerySet[EmulationRound]:
    return selectors.rounds_list(request.user, school_year=filters.school_year)


class RoundIn(Schema):
    unit: str = Field(max_length=40, description="the unit whose council reviews")
    school_year: str = Field(max_length=20)
    title: str = Text(text_cap(EmulationRound, "title"))
    quorum_percent: Number = 67
    threshold_percent: Number = 50


@router.post("/rounds", response={201: RoundOut, **_RESPONSES}, summary="Open a unit's year")
def open_round(request: HttpRequest, payload: RoundIn) -> Status:
    return Status(201, services.round_open(actor=request.user, **payload.dict()))


@router.get("/rounds/{round_id}", response={200: RoundDetailOut, 404: ErrorOut})
def get_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    return _round_detail(selectors.round_page(request.user, round_id))


class RoundPatch(Schema):
    version: Id
    title: str = Text(text_cap(EmulationRound, "title"))
    quorum_percent: Number
    threshold_percent: Number


@router.patch("/rounds/{round_id}", response={200: RoundOut, **_RESPONSES})
def update_round(request: HttpRequest, round_id: int, payload: RoundPatch) -> EmulationRound:
    return services.round_update(actor=request.user, round_id=round_id, **payload.dict())


class VersionIn(Schema):
    version: Id


@router.post(
    "/rounds/{round_id}/advance",
    response={200: RoundOut, **_RESPONSES},
    summary="Registration → self-assessment → council vote",
)
def advance_round(request: HttpRequest, round_id: int, payload: VersionIn) -> EmulationRound:
    return services.round_advance(actor=request.user, round_id=round_id, version=payload.version)


class CouncilIn(Schema):
    user_id: Id
    role: str = Field(
        "uy_vien", max_length=20, description="chu_tich | pho_chu_tich | thu_ky | uy_vien"
    )


@router.post("/rounds/{round_id}/council", response={201: MemberOut, **_RESPONSES})
def add_member(request: HttpRequest, round_id: int, payload: CouncilIn) -> Status:
    member = services.council_member_add(actor=request.user, round_id=round_id, **payload.dict())
    return Status(201, member)


@router.delete("/rounds/{round_id}/council/{member_id}", response={204: None, **_RESPONSES})
def remove_member(request: HttpRequest, round_id: int, member_id: int) -> Status:
    services.council_member_remove(actor=request.user, member_id=member_id, round_id=round_id)
    return Status(204, None)


class DecideIn(Schema):
    version: Id
    decision_number: str = Text(text_cap(EmulationRound, "decision_number"))
    decision_date: str | None = Field(None, max_length=40, description="blank: today")


@router.post(
    "/rounds/{round_id}/decision",
    response={200: RoundOut, **_RESPONSES},
    summary="Close the vote and record the decision; results follow the round's rules",
)
def decide(request: HttpRequest, round_id: int, payload: DecideIn) -> EmulationRound:
    return services.round_decide(actor=request.user, round_id=round_id, **payload.dict())


# --- registrations --------------------------------------------------------------------------


class RoundFilter(Schema):
    round_id: int | None = Field(None, ge=1, le=2**63 - 1)


@router.get(
    "/registrations",
    response={200: list[RegistrationOut]},
    summary="Registrations you may read (of one round: round_id) (paginated)",
)
@paginate(BoundedLimitOffset)
def list_registrations(request: HttpRequest, filters: Query[RoundFilter]) -> QuerySet[Registration]:
    return selectors.registrations_list(request.user, round_id=filters.round_id)


class RegisterIn(Schema):
    title: str = Field(max_length=40)
    unit: str = Field(max_length=40, description="the collective, or the unit a person stands from")
    person: Id | None = Field(None, description="individual titles: the person (default: you)")


@router.post("/rounds/{round_id}/registrations", response={201: RegistrationOut, **_RESPONSES})
def register(request: HttpRequest, round_id: int, payload: RegisterIn) -> Status:
    created = services.registration_create(actor=request.user, round_id=round_id, **payload.dict())
    return Status(201, created)


class CriterionValueOut(Schema):
    code: str
    label: str
    value: str | None
    weight: str
    met: bool | None
    note: str


class RegistrationDetailOut(RegistrationFields):
    self_assessment: str
    declared: dict[str, bool]
    criteria: list[CriterionValueOut]
    evidence: list[dict[str, Any]]
    tally: TallyOut | None
    can_assess: bool
    can_withdraw: bool
    can_vote: bool
    voted: bool


def _registration_detail(page: selectors.RegistrationPage) -> dict[str, Any]:
    registration = page.registration
    criteria = (
        [v.as_dict() for v in page.scored.values] if page.scored else list(registration.criteria)
    )
    return {
        **RegistrationOut.from_orm(registration).dict(),
        "self_assessment": registration.self_assessment,
        "declared": registration.declared or {},
        "criteria": criteria,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "size": e.size,
                "url": reverse("emulation:evidence", args=[e.pk]),
            }
            for e in page.evidence
        ],
        "tally": _tally(page.tally),
        "can_assess": page.can_assess,
        "can_withdraw": page.can_withdraw,
        "can_vote": page.can_vote,
        "voted": page.voted,
    }


@router.get(
    "/registrations/{registration_id}", response={200: RegistrationDetailOut, 404: ErrorOut}
)
def get_registration(request: HttpRequest, registration_id: int) -> dict[str, Any]:
    return _registration_detail(selectors.registration_page(request.user, registration_id))


@router.post(
    "/registrations/{registration_id}/assessment",
    response={200: RegistrationDetailOut, **_RESPONSES},
    summary="Submit the year-end self-assessment (multipart: version, text, d-<criterion> "
    "yes/no for each declared criterion, files); namhoc values the criteria then",
)
def assess(
    request: HttpRequest,
    registration_id: int,
    version: Form[str],
    text: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    declared = {
        key[2:]: value
        for key, value in request.POST.items()
        if key.startswith("d-") and len(key) < 60
    }
    services.assessment_submit(
        actor=request.user,
        registration_id=registration_id,
        version=version,
        text=text,
        declared=declared,
        files=[services.UploadedFile(name=f.name or "", data=f.read()) for f in files or []],
    )
    return _registration_detail(selectors.registration_page(request.user, registration_id))


@router.post(
    "/registrations/{registration_id}/withdrawal",
    response={200: RegistrationOut, **_RESPONSES},
)
def withdraw(request: HttpRequest, registration_id: int) -> Registration:
    return services.registration_withdraw(actor=request.user, registration_id=registration_id)


class VoteIn(Schema):
    agree: bool | str = Field(description="true / false (or dong_y / khong_dong_y)")


@router.post(
    "/registrations/{registration_id}/vote",
    response={201: dict[str, Any], **_RESPONSES},
    summary="A council member's vote: once per registration, never changed",
)
def vote(request: HttpRequest, registration_id: int, payload: VoteIn) -> Status:
    services.vote_cast(actor=request.user, registration_id=registration_id, agree=payload.agree)
    return Status(201, {"registration_id": registration_id, "voted": True})


# --- history --------------------------------------------------------------------------------


class HistoryOut(Schema):
    unit: str | None
    person_id: int | None
    rows: list[RegistrationOut]


@router.get("/units/{unit_key}/history", response={200: HistoryOut, 404: ErrorOut})
def unit_history(request: HttpRequest, unit_key: str) -> dict[str, Any]:
    page = selectors.unit_history(request.user, unit_key[:40])
    return {
        "unit": page.unit.key if page.unit else None,
        "person_id": None,
        "rows": [r for r, _ in page.rows],
    }


@router.get("/people/{user_id}/history", response={200: HistoryOut, 404: ErrorOut})
def person_history(request: HttpRequest, user_id: int) -> dict[str, Any]:
    page = selectors.person_history(request.user, user_id)
    return {
        "unit": None,
        "person_id": page.person.pk if page.person else None,
        "rows": [r for r, _ in page.rows],
    }
