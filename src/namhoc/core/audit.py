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
import functools
import importlib
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from namhoc.core.models_audit import AuditEvent
from namhoc.core.types import Actor

# What people read in the audit log for each action code (codes stay stable for programs). Core
# knows no app's actions: each app lists its own in ``<app>/audit_labels.py`` (``AUDIT_LABELS``,
# and ``AUDIT_FIELD_LABELS`` for change keys that are not model fields), collected once from the
# installed apps — the way Django's admin discovers ``admin.py`` modules.
LABELS_MODULE = "audit_labels"
_ADMIN_VERBS = {"create": "Tạo", "update": "Sửa", "delete": "Xóa"}


@functools.cache
def _registry() -> tuple[dict[str, str], dict[str, Any]]:
    """``(action labels, vocabulary)`` of every installed app that has an ``audit_labels``
    module. An action code claimed by two apps is a programming error.

    The vocabulary words the changes for people (``accounts.selectors.audit_view``):
    ``fields`` (``AUDIT_FIELD_LABELS``: a key, or ``model.key``, → its label, for keys a model does
    not name itself), ``models`` (``AUDIT_FIELD_MODELS``: a key holding another object's id →
    ``app_label.model``), ``objects`` (``AUDIT_OBJECTS``: model → the fields that name one of its
    objects), ``hidden`` (``AUDIT_HIDDEN_FIELDS``)."""
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import module_has_submodule

    actions: dict[str, str] = {}
    owner: dict[str, str] = {}
    vocabulary: dict[str, Any] = {"fields": {}, "models": {}, "objects": {}, "hidden": set()}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, LABELS_MODULE):
            continue
        module = importlib.import_module(f"{config.name}.{LABELS_MODULE}")
        for code, label in getattr(module, "AUDIT_LABELS", {}).items():
            if code in owner:
                raise ImproperlyConfigured(
                    f"audit action {code!r} is labelled by both {owner[code]} and {config.name}"
                )
            owner[code] = config.name
            actions[code] = str(label)
        vocabulary["fields"].update(getattr(module, "AUDIT_FIELD_LABELS", {}))
        vocabulary["models"].update(getattr(module, "AUDIT_FIELD_MODELS", {}))
        vocabulary["objects"].update(getattr(module, "AUDIT_OBJECTS", {}))
        vocabulary["hidden"] |= set(getattr(module, "AUDIT_HIDDEN_FIELDS", ()))
    return actions, vocabulary


def action_labels() -> Mapping[str, str]:
    """Every registered action code with its Vietnamese label."""
    return dict(_registry()[0])


def audit_vocabulary() -> dict[str, Any]:
    """The words the apps give for reading changes (see :func:`_registry`)."""
    return _registry()[1]


def action_label(code: str, *, model_label: str = "") -> str:
    """The Vietnamese name of an audit action. Codes no app registered are changes made in the
    administration site (``<model>.create|update|delete``): "Sửa <model> (quản trị)", with the
    model's Vietnamese name when the caller knows it; anything else reads as its code."""
    labels = _registry()[0]
    if code in labels:
        return labels[code]
    model, _, verb = code.rpartition(".")
    if verb in _ADMIN_VERBS and model:
        return f"{_ADMIN_VERBS[verb]} {model_label or model} (quản trị)"
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
    actor: Actor | None,
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
    event = _event(
        actor=actor, action=action, target=target, changes=changes, unit_id=unit_id, note=note
    )
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One change for :func:`audit_record_many`: the arguments of :func:`audit_record` less
    the actor, which a batch shares."""

    action: str
    target: models.Model
    changes: Mapping[str, Any] | None = None
    unit_id: int | None = None
    note: str = ""


def audit_record_many(*, actor: Actor | None, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """One audit row per entry, exactly as :func:`audit_record` would write each, in one
    INSERT (a use case that changes many rows at once). Inside the change's transaction."""
    events = [
        _event(
            actor=actor,
            action=e.action,
            target=e.target,
            changes=e.changes,
            unit_id=e.unit_id,
            note=e.note,
        )
        for e in entries
    ]
    return AuditEvent.objects.bulk_create(events) if events else []


def _event(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None,
    unit_id: int | None,
    note: str,
) -> AuditEvent:
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the change's transaction.atomic()")
    context = _context.get()
    user: Any = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent(
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
