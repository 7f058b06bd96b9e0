"""Inspecting: the checklist's results, the findings (kết luận) and the recommendations (kiến
nghị), recorded by the team or the inspecting unit's specialists until the conclusion.

One user action per function (ADR 0007), each in one transaction with the inspection's row
locked and its audit row beside the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.parsing import DATE_MAX, clean_text, parse_date, parse_id, text_cap
from namhoc.core.types import Actor
from namhoc.inspections.access import (
    access_inspection,
    access_recommendation,
    conduct_refusal,
)
from namhoc.inspections.models import ChecklistItem, Inspection, Recommendation
from namhoc.inspections.services.common import (
    check_version,
    locked_inspection,
    parse_version,
    refuse,
    user_of,
)

__all__ = [
    "MAX_RECOMMENDATIONS",
    "findings_save",
    "recommendation_add",
    "recommendation_delete",
    "recommendation_update",
    "results_record",
]

MAX_RECOMMENDATIONS = 50
_RESULT_FIELDS = ("result", "note")


def results_record(
    *, actor: Actor | None, inspection_id: object, results: Mapping[Any, Mapping[str, Any]]
) -> list[ChecklistItem]:
    """Record the checklist's results: ``results`` maps an item's id to ``{"result": "dat" |
    "chua_dat" | "khong_ap_dung" | "", "note": "…"}``. Items left out stay as they are; every
    item named must be on this inspection's checklist. All of them or none."""
    inspection = access_inspection(actor, inspection_id)
    refuse(conduct_refusal(actor, inspection))
    if not isinstance(results, Mapping):
        raise DomainError("bad_results", "Kết quả gửi lên không hợp lệ.", field="results")
    cap = text_cap(ChecklistItem, "note")
    parsed: dict[int, dict[str, Any]] = {}
    for raw_id, value in results.items():
        pk = parse_id(raw_id)
        if pk is None or not isinstance(value, Mapping):
            raise DomainError("bad_results", "Kết quả gửi lên không hợp lệ.", field="results")
        result = value.get("result", "")
        result = "" if result is None else result
        if result not in ChecklistItem.Result.values:
            raise DomainError(
                "bad_result",
                "Kết quả phải là đạt, chưa đạt, không áp dụng hoặc để trống.",
                field=f"r{pk}-result",
            )
        parsed[pk] = {
            "result": result,
            "note": clean_text(
                value.get("note", ""), field=f"r{pk}-note", label="Ghi chú", max_length=cap
            ),
        }
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(conduct_refusal(actor, locked))
        items = {i.pk: i for i in locked.items.filter(pk__in=list(parsed))}
        if len(items) != len(parsed):
            raise NotFound("Có mục không thuộc danh mục của cuộc kiểm tra này.")
        changed: list[ChecklistItem] = []
        for pk, values in parsed.items():
            item = items[pk]
            before = snapshot(item, _RESULT_FIELDS)
            item.result, item.note = values["result"], values["note"]
            changes = diff(before, snapshot(item, _RESULT_FIELDS))
            if not changes:
                continue
            item.save(update_fields=list(_RESULT_FIELDS))
            changed.append(item)
            audit_record(
                actor=actor,
                action="inspection.results",
                target=item,
                changes=changes,
                unit_id=locked.unit_id,
            )
    return changed


def findings_save(
    *, actor: Actor | None, inspection_id: object, version: object, findings: object
) -> Inspection:
    """The findings (kết luận) as the team writes them. A stale ``version`` raises StaleEdit."""
    inspection = access_inspection(actor, inspection_id)
    refuse(conduct_refusal(actor, inspection))
    expected = parse_version(version)
    text = clean_text(
        findings,
        field="findings",
        label="Kết luận",
        max_length=text_cap(Inspection, "findings"),
        multiline=True,
    )
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(conduct_refusal(actor, locked))
        check_version(locked, expected, ("findings",))
        if locked.findings == text:
            return locked
        before = snapshot(locked, ["findings"])
        locked.findings = text
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["findings", "version", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="inspection.findings",
            target=locked,
            changes=diff(before, snapshot(locked, ["findings"])),
            unit_id=locked.unit_id,
        )
    return locked


def _recommendation_values(
    inspection: Inspection, *, text: object, deadline: object
) -> dict[str, Any]:
    """A recommendation's text and deadline: the deadline from the inspection's last day on
    (the unit carries it out after the inspection), within the calendar namhoc holds."""
    day: dt.date | None = parse_date(
        deadline,
        field="deadline",
        label="Thời hạn",
        minimum=inspection.ends_on,
        maximum=DATE_MAX,
        required=True,
    )
    return {
        "text": clean_text(
            text,
            field="text",
            label="Kiến nghị",
            max_length=text_cap(Recommendation, "text"),
            required=True,
            multiline=True,
        ),
        "deadline": day,
    }


def recommendation_add(
    *, actor: Actor | None, inspection_id: object, text: object, deadline: object
) -> Recommendation:
    inspection = access_inspection(actor, inspection_id)
    refuse(conduct_refusal(actor, inspection))
    values = _recommendation_values(inspection, text=text, deadline=deadline)
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(conduct_refusal(actor, locked))
        if locked.recommendations.count() >= MAX_RECOMMENDATIONS:
            raise DomainError(
                "too_many",
                f"Một kết luận có tối đa {MAX_RECOMMENDATIONS} kiến nghị.",
                field="text",
            )
        top = locked.recommendations.aggregate(top=Max("position"))["top"] or 0
        recommendation = Recommendation.objects.create(
            inspection=locked, position=top + 1, **values
        )
        audit_record(
            actor=actor,
            action="recommendation.add",
            target=recommendation,
            changes=diff({}, snapshot(recommendation, ["inspection", "text", "deadline"])),
            unit_id=locked.unit_id,
        )
    return recommendation


def _own(recommendation: Recommendation, inspection_id: object) -> None:
    if inspection_id is not None and parse_id(inspection_id) != recommendation.inspection_id:
        raise NotFound()


def recommendation_update(
    *,
    actor: Actor | None,
    recommendation_id: object,
    text: object,
    deadline: object,
    inspection_id: object = None,
) -> Recommendation:
    recommendation = access_recommendation(actor, recommendation_id)
    _own(recommendation, inspection_id)
    refuse(conduct_refusal(actor, recommendation.inspection))
    values = _recommendation_values(recommendation.inspection, text=text, deadline=deadline)
    with transaction.atomic():
        locked = locked_inspection(recommendation.inspection_id)
        refuse(conduct_refusal(actor, locked))
        row = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        before = snapshot(row, ["text", "deadline"])
        row.text, row.deadline = values["text"], values["deadline"]
        changes = diff(before, snapshot(row, ["text", "deadline"]))
        if not changes:
            return row
        row.save(update_fields=["text", "deadline"])
        audit_record(
            actor=actor,
            action="recommendation.update",
            target=row,
            changes=changes,
            unit_id=locked.unit_id,
        )
    return row


def recommendation_delete(
    *, actor: Actor | None, recommendation_id: object, inspection_id: object = None
) -> Recommendation:
    recommendation = access_recommendation(actor, recommendation_id)
    _own(recommendation, inspection_id)
    refuse(conduct_refusal(actor, recommendation.inspection))
    with transaction.atomic():
        locked = locked_inspection(recommendation.inspection_id)
        refuse(conduct_refusal(actor, locked))
        row = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        audit_record(
            actor=actor,
            action="recommendation.delete",
            target=row,
            changes=diff(snapshot(row, ["inspection", "text", "deadline"]), {}),
            unit_id=locked.unit_id,
        )
        pk = row.pk
        row.delete()
        row.pk = pk
    return row
