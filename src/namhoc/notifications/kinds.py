"""What people can be told about, who hears of it, and how by default (ADR 0009).

Each kind names the roles that receive it and where those roles must be held, relative to the
unit the event concerns: at that unit (``unit``), at its current child units (``children``: a
directive the unit issued, which they must implement), at its parent (``parent``: figures a
unit below approved, now the parent's turn) or anywhere (``everywhere``: a data-entry period
opens for every reporting unit). Only roles held AT those units count — not the subtree a
membership reaches — so a province officer is not told about each of 2,000 schools' deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db import models

from namhoc.accounts.models import Role

Scope = Literal["unit", "children", "parent", "everywhere"]


class Mode(models.TextChoices):
    """How a person wants one kind of notice: all of them show in the notice centre (except
    ``off``); e-mail at once, in the daily digest, or none."""

    INSTANT = "instant", "Trên trang và gửi thư ngay"
    DIGEST = "digest", "Trên trang và trong thư tổng hợp hằng ngày"
    INAPP = "inapp", "Chỉ trên trang"
    OFF = "off", "Tắt"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    roles: tuple[str, ...]
    scope: Scope
    default: str


_WORK = (Role.SPECIALIST.value,)
_FIGURES = (Role.APPROVER.value,)

KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("assignment.created", "Đơn vị được giao nhiệm vụ", _WORK, "unit", Mode.INSTANT),
        Kind("deadline.7d", "Còn 7 ngày đến hạn", _WORK, "unit", Mode.DIGEST),
        Kind("deadline.3d", "Còn 3 ngày đến hạn", _WORK, "unit", Mode.INSTANT),
        Kind("deadline.1d", "Còn 1 ngày đến hạn", _WORK, "unit", Mode.INSTANT),
        Kind("assignment.overdue", "Việc đã quá hạn", _WORK, "unit", Mode.INSTANT),
        Kind("progress.accepted", "Báo cáo tiến độ được chấp nhận", _WORK, "unit", Mode.DIGEST),
        Kind("progress.returned", "Báo cáo tiến độ bị trả lại", _WORK, "unit", Mode.INSTANT),
        Kind(
            "figures.approved",
            "Đơn vị cấp dưới đã phê duyệt số liệu",
            _FIGURES,
            "parent",
            Mode.DIGEST,
        ),
        Kind("figures.unapproved", "Số liệu bị hủy phê duyệt", _FIGURES, "unit", Mode.INSTANT),
        Kind("period.opened", "Mở kỳ nhập số liệu", _FIGURES, "everywhere", Mode.DIGEST),
        Kind("period.closing", "Sắp hết hạn nộp số liệu", _FIGURES, "everywhere", Mode.INSTANT),
        Kind(
            "directive.published",
            "Cấp trên ban hành văn bản cần triển khai",
            _WORK,
            "children",
            Mode.INSTANT,
        ),
        Kind("links.pending", "Đề xuất liên kết nhiệm vụ chờ xem xét", _WORK, "unit", Mode.DIGEST),
    )
}
KIND_CODES = tuple(KINDS)


def default_mode(kind: str) -> str:
    known = KINDS.get(kind)
    return str(known.default) if known is not None else Mode.INAPP.value
