"""Planning: a unit's inspection plan for a school year, its inspections (kind, unit inspected,
subject, dates), their teams and checklists.

Each function is one user action (ADR 0007): the acting user and the raw input; the objects
loaded through ``inspections.access`` (out of scope → NotFound); the action's refusal raised;
every value parsed with ``core.parsing`` against its column; one transaction with the contended
row locked (the plan, or the inspection) and the audit row beside the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from namhoc.accounts.access import access_unit
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import Conflict, DomainError, NotFound, StaleEdit
from namhoc.core.parsing import clean_text, parse_id, parse_school_year, text_cap
from namhoc.core.types import Actor
from namhoc.inspections.access import (
    access_inspection,
    access_item,
    access_plan,
    inspected_unit_refusal,
    manage_refusal,
    plan_refusal,
    team_candidates,
)
from namhoc.inspections.models import (
    ChecklistItem,
    Inspection,
    InspectionKind,
    InspectionMember,
    InspectionPlan,
)
from namhoc.inspections.scope import scope_indicators, scope_tasks
from namhoc.inspections.services.common import (
    SCHEDULE_FIELDS,
    check_version,
    locked_inspection,
    parse_version,
    refuse,
    user_of,
    year_date,
)
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "MAX_CHECKLIST_ITEMS",
    "MAX_TEAM",
    "checklist_add",
    "checklist_remove",
    "inspection_create",
    "inspection_update",
    "plan_create",
    "plan_update",
    "team_set",
]

MAX_TEAM = 30
MAX_CHECKLIST_ITEMS = 200
_PLAN_FIELDS = ("title", "note")


# --- plans ----------------------------------------------------------------------------------


def _plan_texts(*, title: object, note: object) -> dict[str, str]:
    return {
        "title": clean_text(
            title,
            field="title",
            label="Tên kế hoạch",
            max_length=text_cap(InspectionPlan, "title"),
            required=True,
        ),
        "note": clean_text(
            note,
            field="note",
            label="Nội dung kế hoạch",
            max_length=text_cap(InspectionPlan, "note"),
            multiline=True,
        ),
    }


def _unit_key(raw: object, *, field: str, what: str) -> str:
    key = raw.strip() if isinstance(raw, str) else ""
    if not key:
        raise DomainError("required", f"Hãy chọn {what}.", field=field)
    return key


def plan_create(
    *, actor: Actor | None, unit: object, school_year: object, title: object, note: object = ""
) -> InspectionPlan:
    """The inspection plan of the unit of key ``unit`` for ``school_year`` (one per unit and
    year: a second one is refused with 409, naming the first)."""
    owner = access_unit(actor, _unit_key(unit, field="unit", what="đơn vị lập kế hoạch"))
    refuse(plan_refusal(actor, owner))
    year = parse_school_year(school_year)
    texts = _plan_texts(title=title, note=note)
    with transaction.atomic():
        # The unit's row is what two planners of the same unit contend for.
        OrgUnit.objects.select_for_update().filter(pk=owner.pk).first()
        existing = InspectionPlan.objects.filter(unit=owner, school_year=year).first()
        if existing is not None:
            raise Conflict(
                "plan_exists",
                f"{owner.name} đã có kế hoạch kiểm tra năm học {year} (“{existing.title}”); "
                "hãy bổ sung các cuộc kiểm tra vào kế hoạch đó.",
            )
        plan = InspectionPlan.objects.create(
            unit=owner, school_year=year, created_by=user_of(actor), **texts
        )
        audit_record(
            actor=actor,
            action="inspection_plan.create",
            target=plan,
            changes=diff({}, snapshot(plan, ["unit", "school_year", *_PLAN_FIELDS])),
            unit_id=owner.pk,
        )
    return plan


def plan_update(
    *, actor: Actor | None, plan_id: object, version: object, title: object, note: object = ""
) -> InspectionPlan:
    plan = access_plan(actor, plan_id)
    refuse(plan_refusal(actor, plan.unit))
    expected = parse_version(version)
    texts = _plan_texts(title=title, note=note)
    with transaction.atomic():
        locked = InspectionPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
        if locked.version != expected:
            raise StaleEdit(
                current=snapshot(locked, _PLAN_FIELDS),
                changed_by="",
                changed_at=locked.updated_at,
                what="Kế hoạch kiểm tra này",
            )
        before = snapshot(locked, _PLAN_FIELDS)
        for name, value in texts.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, _PLAN_FIELDS))
        if not changes:
            return locked
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="inspection_plan.update",
            target=locked,
            changes=changes,
            unit_id=locked.unit_id,
        )
    return locked


# --- inspections ----------------------------------------------------------------------------


def _kind(raw: object) -> str:
    if raw not in InspectionKind.values:
        raise DomainError(
            "bad_kind",
            "Hãy chọn hình thức: kiểm tra, kiểm tra nội bộ hoặc thanh tra.",
            field="kind",
        )
    return str(raw)


def _schedule(
    plan: InspectionPlan, *, subject: object, starts_on: object, ends_on: object
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "subject": clean_text(
            subject,
            field="subject",
            label="Nội dung kiểm tra",
            max_length=text_cap(Inspection, "subject"),
            required=True,
        ),
        "starts_on": year_date(
            starts_on, field="starts_on", label="Ngày bắt đầu", school_year=plan.school_year
        ),
        "ends_on": year_date(
            ends_on, field="ends_on", label="Ngày kết thúc", school_year=plan.school_year
        ),
    }
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(
            "dates_reversed", "Ngày kết thúc phải từ ngày bắt đầu trở đi.", field="ends_on"
        )
    return values


def inspection_create(
    *,
    actor: Actor | None,
    plan_id: object,
    kind: object,
    unit: object,
    subject: object,
    starts_on: object,
    ends_on: object,
) -> Inspection:
    """Schedule an inspection of the unit of key ``unit`` in plan ``plan_id`` (an internal
    check: the school itself, ``unit`` may be left blank)."""
    plan = access_plan(actor, plan_id)
    refuse(plan_refusal(actor, plan.unit))
    chosen_kind = _kind(kind)
    if chosen_kind == InspectionKind.INTERNAL and not (isinstance(unit, str) and unit.strip()):
        unit = plan.unit.key  # a school's internal check looks at the school itself
    try:
        inspected = access_unit(actor, _unit_key(unit, field="unit", what="đơn vị được kiểm tra"))
    except NotFound:
        raise DomainError(
            "unit_not_found", "Không tìm thấy đơn vị này trong phạm vi của bạn.", field="unit"
        ) from None
    refuse(inspected_unit_refusal(plan, chosen_kind, inspected))
    values = _schedule(plan, subject=subject, starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        InspectionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        user = user_of(actor)
        inspection = Inspection.objects.create(
            plan=plan, kind=chosen_kind, unit=inspected, created_by=user, updated_by=user, **values
        )
        audit_record(
            actor=actor,
            action="inspection.create",
            target=inspection,
            changes=diff({}, snapshot(inspection, ["plan", *SCHEDULE_FIELDS])),
            unit_id=inspected.pk,
        )
    return inspection


def inspection_update(
    *,
    actor: Actor | None,
    inspection_id: object,
    version: object,
    subject: object,
    starts_on: object,
    ends_on: object,
) -> Inspection:
    """Change the subject and the dates (the kind and the unit stay: schedule a new one)."""
    inspection = access_inspection(actor, inspection_id)
    refuse(manage_refusal(actor, inspection))
    expected = parse_version(version)
    values = _schedule(inspection.plan, subject=subject, starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(manage_refusal(actor, locked))
        check_version(locked, expected, SCHEDULE_FIELDS)
        before = snapshot(locked, SCHEDULE_FIELDS)
        for name, value in values.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, SCHEDULE_FIELDS))
        if not changes:
            return locked
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.updated_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="inspection.update",
            target=locked,
            changes=changes,
            unit_id=locked.unit_id,
        )
    return locked


# --- the team -------------------------------------------------------------------------------


def _ids(raw: Sequence[object], *, field: str) -> list[int]:
    ids: list[int] = []
    for value in raw:
        pk = parse_id(value)
        if pk is None:
            raise DomainError("bad_person", "Có người được chọn không hợp lệ.", field=field)
        if pk not in ids:
            ids.append(pk)
    return ids


def team_set(
    *,
    actor: Actor | None,
    inspection_id: object,
    version: object,
    members: Sequence[object],
    lead: object,
) -> Inspection:
    """The team, all of it at once: ``members`` (user ids, people of the inspecting unit) and
    ``lead`` (one of them, the head of the team). Everyone or no one is saved."""
    inspection = access_inspection(actor, inspection_id)
    refuse(manage_refusal(actor, inspection))
    expected = parse_version(version)
    if isinstance(members, str | bytes) or not isinstance(members, Sequence):
        raise DomainError("bad_person", "Danh sách thành viên không hợp lệ.", field="members")
    chosen = _ids(members, field="members")
    head = parse_id(lead)
    if head is not None and head not in chosen:
        chosen.insert(0, head)
    if not chosen:
        raise DomainError("required", "Hãy chọn ít nhất một thành viên.", field="members")
    if head is None:
        raise DomainError("required", "Hãy chọn trưởng đoàn.", field="lead")
    if len(chosen) > MAX_TEAM:
        raise DomainError(
            "too_many", f"Một đoàn kiểm tra có tối đa {MAX_TEAM} người.", field="members"
        )
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(manage_refusal(actor, locked))
        check_version(locked, expected, SCHEDULE_FIELDS)
        people = {u.pk: u for u in team_candidates(locked.plan.unit).filter(pk__in=chosen)}
        missing = [pk for pk in chosen if pk not in people]
        if missing:
            raise DomainError(
                "not_of_unit",
                f"Thành viên đoàn phải là người của {locked.plan.unit.name}; "
                f"{len(missing)} người đã chọn không phải.",
                field="members",
            )
        current = dict(locked.members.values_list("user_id", "role"))
        wanted = {
            pk: InspectionMember.Role.LEAD if pk == head else InspectionMember.Role.MEMBER
            for pk in chosen
        }
        if current == wanted:
            return locked
        before = sorted(current.items())
        # Who leaves, who is no longer the head (the one-head constraint holds at every step),
        # who becomes it, who joins: the rows of those who stay are kept.
        locked.members.exclude(user_id__in=list(wanted)).delete()
        locked.members.filter(role=InspectionMember.Role.LEAD).exclude(user_id=head).update(
            role=InspectionMember.Role.MEMBER
        )
        locked.members.filter(user_id=head).update(role=InspectionMember.Role.LEAD)
        InspectionMember.objects.bulk_create(
            InspectionMember(inspection=locked, user=people[pk], role=role)
            for pk, role in wanted.items()
            if pk not in current
        )
        after = sorted(locked.members.values_list("user_id", "role"))
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["version", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="inspection.team",
            target=locked,
            changes={"members": [[list(r) for r in before], [list(r) for r in after]]},
            unit_id=locked.unit_id,
        )
    return locked


# --- the checklist --------------------------------------------------------------------------


def checklist_add(
    *,
    actor: Actor | None,
    inspection_id: object,
    text: object = "",
    task_ids: Sequence[object] = (),
    indicator_ids: Sequence[object] = (),
) -> list[ChecklistItem]:
    """Add to the checklist: a line written freely (``text``), and one line per task given to
    the inspected unit (``task_ids``) and per indicator (``indicator_ids``) — the inspection's
    scope. Items already on the list are not added twice."""
    inspection = access_inspection(actor, inspection_id)
    refuse(manage_refusal(actor, inspection))
    cap = text_cap(ChecklistItem, "text")
    free = clean_text(text, field="text", label="Nội dung mục kiểm tra", max_length=cap)
    if isinstance(task_ids, str | bytes) or isinstance(indicator_ids, str | bytes):
        raise DomainError("bad_scope", "Phạm vi kiểm tra không hợp lệ.", field="task_ids")
    tasks_wanted = _ids(task_ids, field="task_ids")
    indicators_wanted = _ids(indicator_ids, field="indicator_ids")
    if not free and not tasks_wanted and not indicators_wanted:
        raise DomainError(
            "required",
            "Hãy nhập nội dung hoặc chọn nhiệm vụ, chỉ số cần kiểm tra.",
            field="text",
        )
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(manage_refusal(actor, locked))
        tasks = {t.pk: t for t in scope_tasks(locked).filter(pk__in=tasks_wanted)}
        indicators = {i.pk: i for i in scope_indicators().filter(pk__in=indicators_wanted)}
        if len(tasks) != len(tasks_wanted) or len(indicators) != len(indicators_wanted):
            raise DomainError(
                "out_of_scope",
                f"Chỉ chọn được nhiệm vụ đã giao cho {locked.unit.name} trong năm học "
                f"{locked.plan.school_year} và các chỉ số trong danh mục.",
                field="task_ids",
            )
        present_tasks = set(locked.items.exclude(task=None).values_list("task_id", flat=True))
        present_indicators = set(
            locked.items.exclude(indicator=None).values_list("indicator_id", flat=True)
        )
        rows: list[dict[str, Any]] = []
        if free:
            rows.append({"text": free})
        rows += [
            {"task": tasks[pk], "text": (f"{tasks[pk].label} {tasks[pk].title}".strip())[:cap]}
            for pk in tasks_wanted
            if pk not in present_tasks
        ]
        rows += [
            {"indicator": indicators[pk], "text": indicators[pk].name[:cap]}
            for pk in indicators_wanted
            if pk not in present_indicators
        ]
        count = locked.items.count()
        if count + len(rows) > MAX_CHECKLIST_ITEMS:
            raise DomainError(
                "too_many",
                f"Danh mục kiểm tra có tối đa {MAX_CHECKLIST_ITEMS} mục.",
                field="text",
            )
        top = locked.items.aggregate(top=Max("position"))["top"] or 0
        created = [
            ChecklistItem.objects.create(inspection=locked, position=top + n, **row)
            for n, row in enumerate(rows, start=1)
        ]
        for item in created:
            audit_record(
                actor=actor,
                action="inspection.checklist_add",
                target=item,
                changes=diff({}, snapshot(item, ["inspection", "task", "indicator", "text"])),
                unit_id=locked.unit_id,
            )
    return created


def checklist_remove(
    *, actor: Actor | None, item_id: object, inspection_id: object = None
) -> ChecklistItem:
    """Take a line off the checklist (before the conclusion)."""
    item = access_item(actor, item_id)
    if inspection_id is not None and parse_id(inspection_id) != item.inspection_id:
        raise NotFound()
    refuse(manage_refusal(actor, item.inspection))
    with transaction.atomic():
        locked = locked_inspection(item.inspection_id)
        refuse(manage_refusal(actor, locked))
        row = ChecklistItem.objects.filter(pk=item.pk, inspection=locked).first()
        if row is None:
            raise NotFound()
        audit_record(
            actor=actor,
            action="inspection.checklist_remove",
            target=row,
            changes=diff(snapshot(row, ["inspection", "task", "indicator", "text", "result"]), {}),
            unit_id=locked.unit_id,
        )
        pk = row.pk
        row.delete()
        row.pk = pk
    return row
