"""Audit: who changed what, when (UTC), from where — written in the change's own transaction.

Services call :func:`audit_record` inside their ``transaction.atomic()`` block; it refuses to run
outside one, so an audit row can never be committed without its change or the other way round.
Where the change came from (web, API, CLI, admin, import) and the client address are taken from
the :func:`audit_context` that the middleware (or the CLI) opened around the work.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from namhoc.core.models_audit import AuditEvent

# What people read in the audit log for each action code (codes stay stable for programs).
ACTION_LABELS: dict[str, str] = {
    "user.create": "Tạo người dùng",
    "user.update": "Sửa thông tin người dùng",
    "user.set_password": "Đặt lại mật khẩu",
    "user.disable": "Khóa tài khoản",
    "user.enable": "Mở khóa tài khoản",
    "membership.grant": "Cấp vai trò",
    "membership.revoke": "Thu hồi vai trò",
    "orgunits.load_admin": "Nạp đơn vị hành chính",
    "orgunits.generate_schools": "Tạo trường học mô phỏng",
    "orgunit.rename": "Đổi tên đơn vị",
    "orgunit.move": "Chuyển đơn vị",
    "orgunit.merge": "Sáp nhập đơn vị",
    "orgunit.split": "Chia tách đơn vị",
    "source.upload": "Tải lên văn bản",
    "source.read": "Đọc văn bản",
    "source.read_failed": "Đọc văn bản thất bại",
    "source.retry": "Đọc lại văn bản",
    "directive.create": "Tạo văn bản",
    "directive.update": "Sửa thông tin văn bản",
    "directive.publish": "Ban hành văn bản",
    "directive.revise": "Tạo bản sửa đổi",
    "directive.set_upper": "Chọn văn bản cấp trên",
    "directive.suggest_links": "Đề xuất liên kết nhiệm vụ",
    "link.confirm": "Xác nhận liên kết nhiệm vụ",
    "link.reject": "Bỏ liên kết nhiệm vụ",
    "task.create": "Thêm nhiệm vụ",
    "task.update": "Sửa nhiệm vụ",
    "task.merge": "Gộp nhiệm vụ",
    "task.split": "Tách nhiệm vụ",
    "task.delete": "Xóa nhiệm vụ",
    "citation.create": "Thêm văn bản dẫn",
    "citation.update": "Sửa văn bản dẫn",
    "citation.delete": "Xóa văn bản dẫn",
    "target.create": "Thêm chỉ tiêu",
    "target.update": "Sửa chỉ tiêu",
    "target.delete": "Xóa chỉ tiêu",
    "assignment.create": "Giao nhiệm vụ",
    "assignment.update": "Điều chỉnh phân công",
    "assignment.delete": "Xóa phân công",
    "assignment.carry_over": "Chuyển phân công sang bản sửa đổi",
    "progress.post": "Cập nhật tiến độ",
    "indicators.value_create": "Nhập số liệu",
    "indicators.value_update": "Sửa số liệu",
    "indicators.value_delete": "Xóa số liệu",
    "indicators.approve": "Phê duyệt số liệu",
    "indicators.unapprove": "Hủy phê duyệt số liệu",
    "indicators.target_set": "Giao chỉ tiêu",
}


def action_label(code: str) -> str:
    """The Vietnamese name of an audit action; the code itself when it has none (yet)."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    model, _, verb = code.rpartition(".")
    admin_verbs = {"create": "Tạo", "update": "Sửa", "delete": "Xóa"}
    if verb in admin_verbs and model:
        return f"{admin_verbs[verb]} {model} (quản trị)"
    return code


@dataclass(frozen=True)
class AuditContext:
    source: str = "system"  # web | api | admin | cli | import | task | system
    ip: str | None = None
    request_id: str = ""


_DEFAULT_CONTEXT = AuditContext()
_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "namhoc_audit_context", default=_DEFAULT_CONTEXT
)


@contextmanager
def audit_context(*, source: str, ip: str | None = None, request_id: str = "") -> Iterator[None]:
    token = _context.set(AuditContext(source=source, ip=ip, request_id=request_id))
    try:
        yield
    finally:
        _context.reset(token)


def _jsonable(value: Any) -> Any:  # noqa: PLR0911 - one return per JSON shape
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` on ``instance``, JSON-ready (foreign keys as their ids)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = _jsonable(getattr(instance, attname))
    return result


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {
        key: [old.get(key), new.get(key)]
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    unit_id: int | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one audit row for a change to ``target``. Must run inside the change's transaction.

    ``actor`` is the acting user (None for the system); ``changes`` maps field names to
    ``[old, new]`` (use :func:`diff`); ``unit_id`` is the org unit whose subtree may see this
    row (the unit the object belongs to).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the change's transaction.atomic()")
    context = _context.get()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=(user.get_username() if user is not None else context.source),
        action=action,
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=str(target.pk),
        object_repr=str(target)[:255],
        unit_id=unit_id,
        changes=_jsonable(dict(changes or {})),
        source=context.source,
        ip=context.ip,
        request_id=context.request_id,
        note=note,
    )
