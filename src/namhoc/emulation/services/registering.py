"""Candidates: register a title at the start of the year, withdraw it, submit the year-end
self-assessment with evidence (namhoc values the criteria from the year's record then), and the
council's vote on it.

One user action per function (ADR 0007), each in one transaction with the contended row locked
(the round's, for registering and voting: the stage cannot move under it) and audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from namhoc.accounts.access import access_unit
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import Conflict, DomainError, StaleEdit
from namhoc.core.parsing import clean_text, parse_id, text_cap
from namhoc.core.types import Actor
from namhoc.directives.files import (
    CONTENT_TYPES,
    EVIDENCE_KINDS,
    check_upload,
    clean_filename,
    store_blob,
)
from namhoc.emulation.access import (
    access_registration,
    access_round,
    candidate_refusal,
    member_of,
    people_of,
    register_refusal,
    stage_refusal,
    vote_refusal,
)
from namhoc.emulation.models import (
    EmulationRound,
    Registration,
    RegistrationEvidence,
    Vote,
)
from namhoc.emulation.scoring import score
from namhoc.emulation.services.common import (
    locked_registration,
    locked_round,
    parse_version,
    refuse,
    user_of,
)
from namhoc.emulation.titles import title_by_code

__all__ = [
    "MAX_EVIDENCE_FILES",
    "UploadedFile",
    "assessment_submit",
    "registration_create",
    "registration_withdraw",
    "vote_cast",
]

MAX_EVIDENCE_FILES = 10
MAX_EVIDENCE_PER_REGISTRATION = 30
_YES = (True, "1", "true", "yes", "co", "on", "dong_y")
_NO = (False, "0", "false", "no", "khong", "off", "khong_dong_y")


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


def _refuse_for(actor: Actor | None, registration: Registration) -> None:
    refuse(
        register_refusal(
            actor,
            collective=registration.kind == Registration.Kind.COLLECTIVE,
            unit=registration.unit,
            person_id=registration.person_id,
        )
    )


def registration_create(
    *,
    actor: Actor | None,
    round_id: object,
    title: object,
    unit: object,
    person: object = None,
) -> Registration:
    """Register ``title`` in round ``round_id``: for the unit of key ``unit`` (a collective
    title), or for the person of id ``person`` (default: the actor) standing from that unit."""
    found = access_round(actor, round_id)
    chosen = title_by_code(title)
    if chosen is None:
        raise DomainError("bad_title", "Hãy chọn một danh hiệu trong danh sách.", field="title")
    key = unit.strip() if isinstance(unit, str) else ""
    if not key:
        raise DomainError("required", "Hãy chọn đơn vị đăng ký.", field="unit")
    candidate_unit = access_unit(actor, key)
    refuse(candidate_refusal(found, collective=chosen.is_collective, unit=candidate_unit))
    person_id: int | None = None
    if not chosen.is_collective:
        person_id = parse_id(person) if person not in (None, "") else getattr(actor, "pk", None)
        if person_id is None:
            raise DomainError("required", "Hãy chọn người đăng ký.", field="person")
    refuse(
        register_refusal(
            actor, collective=chosen.is_collective, unit=candidate_unit, person_id=person_id
        )
    )
    refuse(stage_refusal(found, EmulationRound.Status.REGISTRATION))
    with transaction.atomic():
        locked = locked_round(found.pk)
        refuse(stage_refusal(locked, EmulationRound.Status.REGISTRATION))
        if person_id is not None and not people_of(candidate_unit).filter(pk=person_id).exists():
            raise DomainError(
                "not_of_unit",
                f"Người đăng ký phải là người của {candidate_unit.name}.",
                field="person",
            )
        taken = locked.registrations.exclude(status=Registration.Status.WITHDRAWN)
        taken = (
            taken.filter(person_id=person_id)
            if person_id is not None
            else taken.filter(kind=Registration.Kind.COLLECTIVE, unit=candidate_unit)
        )
        existing = taken.first()
        if existing is not None:
            raise Conflict(
                "already_registered",
                f"Đã đăng ký danh hiệu “{existing}” trong đợt này; mỗi năm một danh hiệu "
                "(rút đăng ký cũ để đăng ký danh hiệu khác).",
            )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    round=locked,
                    title=chosen.code,
                    kind=chosen.kind,
                    unit=candidate_unit,
                    person_id=person_id,
                    registered_by=user_of(actor),
                )
        except IntegrityError:  # the partial unique index: a concurrent twin won
            raise Conflict(
                "already_registered", "Vừa có đăng ký trùng; hãy tải lại trang."
            ) from None
        audit_record(
            actor=actor,
            action="registration.create",
            target=registration,
            changes=diff({}, snapshot(registration, ["round", "title", "kind", "unit", "person"])),
            unit_id=candidate_unit.pk,
        )
    return registration


def registration_withdraw(*, actor: Actor | None, registration_id: object) -> Registration:
    registration = access_registration(actor, registration_id)
    _refuse_for(actor, registration)
    stages = (EmulationRound.Status.REGISTRATION, EmulationRound.Status.ASSESSMENT)
    refuse(stage_refusal(registration.round, *stages))
    with transaction.atomic():
        locked_round(registration.round_id)
        locked = locked_registration(registration.pk)
        refuse(stage_refusal(locked.round, *stages))
        if locked.status == Registration.Status.WITHDRAWN:
            raise Conflict("withdrawn", "Đăng ký này đã được rút.")
        before = locked.status
        locked.status = Registration.Status.WITHDRAWN
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="registration.withdraw",
            target=locked,
            changes={"status": [before, locked.status]},
            unit_id=locked.unit_id,
        )
    return locked


def _declared(raw: Mapping[str, object] | None, codes: Sequence[str]) -> dict[str, bool]:
    answers: dict[str, bool] = {}
    source = raw if isinstance(raw, Mapping) else {}
    for code in codes:
        value = source.get(code)
        if isinstance(value, str):
            value = value.strip().lower()
        if value in _YES:
            answers[code] = True
        elif value in _NO or value in (None, ""):
            answers[code] = False
        else:
            raise DomainError("bad_answer", "Hãy trả lời có hoặc không.", field=f"d-{code}")
    return answers


def assessment_submit(
    *,
    actor: Actor | None,
    registration_id: object,
    version: object,
    text: object,
    declared: Mapping[str, object] | None = None,
    files: Sequence[UploadedFile] = (),
) -> Registration:
    """Submit (or submit again, until the vote opens) the year-end self-assessment: the text,
    the answers to the title's declared criteria, new evidence files. namhoc values every
    criterion from the year's record at this moment and keeps the values with the score."""
    registration = access_registration(actor, registration_id)
    _refuse_for(actor, registration)
    refuse(stage_refusal(registration.round, EmulationRound.Status.ASSESSMENT))
    expected = parse_version(version)
    body = clean_text(
        text,
        field="text",
        label="Tự đánh giá",
        max_length=text_cap(Registration, "self_assessment"),
        required=True,
        multiline=True,
    )
    title = title_by_code(registration.title)
    if title is None:
        raise DomainError("bad_title", "Danh hiệu này không còn trong danh sách của namhoc.")
    answers = _declared(declared, [c.code for c in title.declared])
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            "too_many_files", f"Tối đa {MAX_EVIDENCE_FILES} tệp mỗi lần.", field="files"
        )
    kinds = [check_upload(f.data, allowed=EVIDENCE_KINDS, field="files") for f in files]
    with transaction.atomic():
        locked_round(registration.round_id)
        locked = locked_registration(registration.pk)
        refuse(stage_refusal(locked.round, EmulationRound.Status.ASSESSMENT))
        if locked.status == Registration.Status.WITHDRAWN:
            raise Conflict("withdrawn", "Đăng ký này đã được rút.")
        if locked.version != expected:
            raise StaleEdit(
                current=snapshot(locked, ["self_assessment", "declared"]),
                changed_by="",
                changed_at=locked.updated_at,
                what="Hồ sơ tự đánh giá này",
            )
        if locked.evidence.count() + len(files) > MAX_EVIDENCE_PER_REGISTRATION:
            raise DomainError(
                "too_many_files",
                f"Một hồ sơ có tối đa {MAX_EVIDENCE_PER_REGISTRATION} tệp minh chứng.",
                field="files",
            )
        for upload, kind in zip(files, kinds, strict=True):
            blob = store_blob(upload.data, folder="emulation", kind=kind)
            RegistrationEvidence.objects.create(
                registration=locked,
                file=blob.name,
                original_name=clean_filename(upload.name, default=f"minh-chung.{kind}"),
                content_type=CONTENT_TYPES[kind],
                size=blob.size,
                sha256=blob.sha256,
            )
        scored = score(
            title,
            unit=locked.unit,
            school_year=locked.round.school_year,
            declared=answers,
        )
        before = snapshot(locked, ["status", "self_assessment", "declared", "score"])
        locked.self_assessment = body
        locked.declared = answers
        locked.score = scored.score
        locked.criteria = [v.as_dict() for v in scored.values]
        locked.status = Registration.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = user_of(actor)
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="registration.assess",
            target=locked,
            changes={
                **diff(
                    before, snapshot(locked, ["status", "self_assessment", "declared", "score"])
                ),
                "evidence": [None, len(files)],
            },
            unit_id=locked.unit_id,
        )
    return locked


def vote_cast(*, actor: Actor | None, registration_id: object, agree: object) -> Vote:
    """A council member's vote on a registration: agree or not, once (a second vote is 409)."""
    registration = access_registration(actor, registration_id)
    if isinstance(agree, str):
        agree = agree.strip().lower()
    if agree in _YES:
        choice = True
    elif agree in _NO:
        choice = False
    else:
        raise DomainError("bad_vote", "Hãy chọn đồng ý hoặc không đồng ý.", field="agree")
    with transaction.atomic():
        emulation_round = locked_round(registration.round_id)
        locked = locked_registration(registration.pk)
        member = member_of(actor, emulation_round)
        refuse(vote_refusal(actor, locked, member))
        assert member is not None
        if Vote.objects.filter(registration=locked, member=member).exists():
            raise Conflict("already_voted", "Bạn đã bỏ phiếu cho hồ sơ này; phiếu không sửa được.")
        vote = Vote.objects.create(registration=locked, member=member, agree=choice)
        audit_record(
            actor=actor,
            action="vote.cast",
            target=locked,
            changes={"vote": [None, "đã bỏ phiếu"]},
            unit_id=emulation_round.unit_id,
            note="phiếu kín: nội dung phiếu không ghi vào nhật ký",
        )
    return vote
