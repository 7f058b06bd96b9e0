"""What a notice says, in Vietnamese, and where it leads — for the notice centre, e-mails and
webhooks alike. Objects are loaded in bulk (one query per kind of object), whatever the number
of notices; an object deleted since reads from what the event kept."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from namhoc.core.formats import format_date
from namhoc.core.models import Event
from namhoc.directives.models import Directive
from namhoc.indicators.models import Period
from namhoc.notifications.kinds import KINDS
from namhoc.tracking.models import Assignment, ProgressUpdate


@dataclass(frozen=True)
class Told:
    """A notice as people read it."""

    kind: str
    label: str  # the kind, e.g. "Còn 3 ngày đến hạn"
    text: str  # one sentence
    url: str  # a path inside namhoc ("" when the object is gone)


_LOADERS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "tracking.assignment": (Assignment, ("task__directive", "unit")),
    "tracking.progressupdate": (
        ProgressUpdate,
        ("assignment__task__directive", "assignment__unit"),
    ),
    "directives.directive": (Directive, ("unit",)),
    "indicators.period": (Period, ()),
}


def _load(events: Iterable[Event]) -> dict[tuple[str, int], Any]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_type in _LOADERS and event.object_id is not None:
            wanted[event.object_type].add(event.object_id)
    found: dict[tuple[str, int], Any] = {}
    for object_type, ids in wanted.items():
        model, related = _LOADERS[object_type]
        rows = model._default_manager.filter(pk__in=ids)
        if related:
            rows = rows.select_related(*related)
        for row in rows:
            found[(object_type, row.pk)] = row
    return found


def _doc(directive: Directive | None) -> str:
    if directive is None:
        return ""
    return directive.number or (directive.title[:80] if directive.title else "văn bản chưa có số")


def _task(assignment: Assignment) -> str:
    title = assignment.task.title
    short = title if len(title) <= 120 else title[:119] + "…"
    return f"«{short}» ({_doc(assignment.task.directive)})"


def _days_left(deadline: dt.date | None, event: Event) -> str:
    if deadline is None:
        return ""
    left = (deadline - timezone.localdate(event.created_at)).days
    if left <= 0:
        return "hạn là hôm nay"
    return f"còn {left} ngày"


def _say(event: Event, obj: Any) -> tuple[str, str]:  # noqa: PLR0911, PLR0912 - one branch a kind
    kind = event.kind
    payload = event.payload or {}
    if isinstance(obj, Assignment):
        url = reverse("tracking:assignment", args=[obj.pk])
        deadline = format_date(obj.deadline) if obj.deadline else "không có hạn"
        if kind == "assignment.created":
            role = obj.get_role_display().lower()
            due = f"hạn {deadline}" if obj.deadline else "không đặt hạn"
            return f"{obj.unit.name} được giao {role} {_task(obj)}, {due}.", url
        if kind.startswith("deadline."):
            left = _days_left(obj.deadline, event)
            return f"Việc {_task(obj)} của {obj.unit.name} {left} (hạn {deadline}).", url
        if kind == "assignment.overdue":
            return f"Việc {_task(obj)} của {obj.unit.name} đã quá hạn {deadline}.", url
    if isinstance(obj, ProgressUpdate):
        url = reverse("tracking:assignment", args=[obj.assignment_id])
        if kind == "progress.returned":
            comment = str(payload.get("comment") or obj.review_comment or "")
            why = f" Ý kiến: {comment}" if comment else ""
            return f"Báo cáo tiến độ việc {_task(obj.assignment)} bị trả lại.{why}", url
        if kind == "progress.accepted":
            return f"Báo cáo tiến độ việc {_task(obj.assignment)} đã được chấp nhận.", url
    if isinstance(obj, Directive):
        if kind == "directive.published":
            url = reverse("directives:detail", args=[obj.pk])
            return (
                f"{obj.unit.name} ban hành {_doc(obj)}: {obj.title[:160]} — đơn vị bạn cần "
                "triển khai.",
                url,
            )
        if kind == "links.pending":
            url = reverse("directives:links", args=[obj.pk])
            return f"Có đề xuất liên kết nhiệm vụ của {_doc(obj)} đang chờ bạn xem xét.", url
    if isinstance(obj, Period):
        url = reverse("indicators-index")
        if kind == "period.opened":
            return (
                f"Đã mở {obj.name} ({obj.school_year}): nhập số liệu, hạn nộp "
                f"{format_date(obj.due)}.",
                url,
            )
        if kind == "period.closing":
            return (
                f"{obj.name} ({obj.school_year}) hết hạn nộp số liệu ngày {format_date(obj.due)}.",
                url,
            )
    if kind == "figures.approved":
        return (
            f"{payload.get('unit_name', 'Đơn vị cấp dưới')} đã phê duyệt số liệu "
            f"{payload.get('data_set', '')} kỳ {payload.get('period', '')}.",
            reverse("indicators-index"),
        )
    if kind == "figures.unapproved":
        reason = payload.get("reason") or ""
        return (
            f"Số liệu {payload.get('data_set', '')} kỳ {payload.get('period', '')} của "
            f"{payload.get('unit_name', 'đơn vị')} bị hủy phê duyệt"
            + (f". Lý do: {reason}" if reason else "."),
            reverse("indicators-index"),
        )
    label = KINDS[kind].label if kind in KINDS else kind
    return f"{label} (nội dung không còn).", ""


def describe(events: Iterable[Event]) -> dict[int, Told]:
    """``{event id: what it says}`` for these events (one query per kind of object)."""
    events = list(events)
    objects = _load(events)
    told: dict[int, Told] = {}
    for event in events:
        obj = objects.get((event.object_type, event.object_id or 0))
        text, url = _say(event, obj)
        label = KINDS[event.kind].label if event.kind in KINDS else event.kind
        told[event.pk] = Told(kind=event.kind, label=label, text=text, url=url)
    return told
