"""Reads of the audit log for the page and the API: the rows a unit admin may read, filtered by
what they typed or sent (parsed here, refused with a Vietnamese message on the field at fault)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from namhoc.accounts.access import (
    admin_refusal,
    admin_units,
    audit_events_visible_to,
    object_history_visible_to,
)
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.models_audit import AuditEvent
from namhoc.core.parsing import clean_text, parse_date
from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q

__all__ = ["AuditFilters", "action_choices", "audit_log", "object_history", "parse_filters"]

_CODE = re.compile(r"^[a-z_]{1,30}(\.[a-z_]{1,30})?$")
_TARGET = re.compile(r"^([a-z_]{1,50})\.([a-z_0-9]{1,100})$")
DATE_FIRST = dt.date(2000, 1, 1)


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


@dataclass(frozen=True)
class AuditFilters:
    """The filters of one audit question, parsed."""

    unit: OrgUnit | None = None
    person: str = ""
    action: str = ""
    content_type: ContentType | None = None
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _content_type(label: str, *, field: str | None = "target") -> ContentType:
    """``app_label.model`` → ContentType; NotFound for anything else."""
    match = _TARGET.match(label.strip().lower())
    content_type = (
        ContentType.objects.filter(app_label=match[1], model=match[2]).first() if match else None
    )
    if content_type is None:
        refusal = NotFound("Không có loại đối tượng này.")
        refusal.field = field
        raise refusal
    return content_type


def parse_filters(
    viewer: Actor | None,
    *,
    unit: object = "",
    person: object = "",
    action: object = "",
    target: object = "",
    date_from: object = "",
    date_to: object = "",
) -> AuditFilters:
    """The raw filters (as typed in the page's form or sent to the API) checked and parsed."""
    place = None
    key = clean_text(unit, field="unit", label="Đơn vị", max_length=40)
    if key:
        place = admin_units(viewer).filter(key=key).first()
        if place is None:
            raise DomainError(
                "unit_out_of_scope",
                "Không tìm thấy đơn vị này trong phạm vi bạn quản trị.",
                field="unit",
            )
    code = clean_text(action, field="action", label="Loại thay đổi", max_length=61)
    if code and not _CODE.match(code):
        raise DomainError("bad_action", "Loại thay đổi không hợp lệ.", field="action")
    content_type, object_id = None, ""
    wanted = clean_text(target, field="target", label="Đối tượng", max_length=200)
    if wanted:
        label, _, object_id = wanted.partition(":")
        content_type = _content_type(label)
        object_id = object_id.strip()
    start = parse_date(date_from, field="date_from", label="Từ ngày", minimum=DATE_FIRST)
    end = parse_date(date_to, field="date_to", label="Đến ngày", minimum=DATE_FIRST)
    if start and end and start > end:
        raise DomainError(
            "bad_range", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.", field="date_to"
        )
    return AuditFilters(
        unit=place,
        person=clean_text(person, field="person", label="Người thực hiện", max_length=150),
        action=code,
        content_type=content_type,
        object_id=object_id,
        date_from=start,
        date_to=end,
    )


def audit_log(
    viewer: Actor | None,
    *,
    unit: object = "",
    person: object = "",
    action: object = "",
    target: object = "",
    date_from: object = "",
    date_to: object = "",
) -> QuerySet[AuditEvent]:
    """The audit rows ``viewer`` may read (403 for someone who administers nothing), newest
    first, filtered: ``unit`` (a key: rows of its subtree), ``person`` (user name, or part of
    the name, of who acted), ``action`` (a code, or its first part: ``"user"``), ``target``
    (``app.model`` or ``app.model:id``), ``date_from``/``date_to`` (local days, inclusive)."""
    _raise(admin_refusal(viewer))
    wanted = parse_filters(
        viewer,
        unit=unit,
        person=person,
        action=action,
        target=target,
        date_from=date_from,
        date_to=date_to,
    )
    events = audit_events_visible_to(viewer).select_related("content_type", "actor")
    if wanted.unit is not None:
        events = events.filter(
            unit_id__in=OrgUnit.objects.filter(subtree_q(wanted.unit.path)).values("pk")
        )
    if wanted.person:
        events = events.filter(
            Q(actor_label__iexact=wanted.person) | Q(actor__full_name__icontains=wanted.person)
        )
    if wanted.action:
        events = events.filter(
            Q(action=wanted.action)
            if "." in wanted.action
            else Q(action__startswith=f"{wanted.action}.")
        )
    if wanted.content_type is not None:
        events = events.filter(content_type=wanted.content_type)
        if wanted.object_id:
            events = events.filter(object_id=wanted.object_id)
    if wanted.date_from is not None:
        events = events.filter(occurred_at__date__gte=wanted.date_from)
    if wanted.date_to is not None:
        events = events.filter(occurred_at__date__lte=wanted.date_to)
    return events.order_by("-occurred_at", "-id")


def object_history(
    viewer: Actor | None, content_type: str, object_id: str
) -> tuple[ContentType, QuerySet[AuditEvent]]:
    """One object's history as ``viewer`` may read it (``content_type`` as ``app.model``),
    newest first. NotFound when nothing of it is visible."""
    _raise(admin_refusal(viewer))
    kind = _content_type(content_type, field=None)
    if not object_id or len(object_id) > 64:
        raise NotFound()
    events = object_history_visible_to(viewer, kind, object_id)
    return kind, events.select_related("content_type", "actor").order_by("-occurred_at", "-id")


def action_choices() -> list[tuple[str, str]]:
    """The kinds of change a person can filter by: every registered action, by its label."""
    from namhoc.core.audit import action_labels
    from namhoc.core.collation import vi_sort_key

    return sorted(action_labels().items(), key=lambda item: vi_sort_key(item[1]))
