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
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

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
    if not events:
        return []
    if connection.vendor != "postgresql":
        return AuditEvent.objects.bulk_create(events)
    _insert_as_json(events)
    return events


# The rows of a batch as one JSON parameter: what they share (time, actor, context) once, the
# rest per row. ``bulk_create`` sent 13 arrays, and psycopg checked and quoted every element
# of each: ~2.3 ms of CPU for a save's 11 rows, a fifth of saving figures in a deadline rush;
# this costs one ``json.dumps`` (issue 15). ``jsonb_to_recordset`` yields the rows in the
# array's order, so the ids come back in the order given (as Django's own UNNEST relies on).
_INSERT_SQL = """
INSERT INTO {table}
  (occurred_at, actor_id, actor_label, source, ip, request_id,
   action, content_type_id, object_id, object_repr, unit_id, changes, note)
SELECT CAST(%s AS timestamptz), CAST(%s AS bigint), %s, %s, CAST(%s AS inet), %s,
       r.action, r.content_type_id, r.object_id, r.object_repr, r.unit_id, r.changes, r.note
FROM jsonb_to_recordset(CAST(%s AS jsonb)) AS r(
  action text, content_type_id integer, object_id text, object_repr text, unit_id bigint,
  changes jsonb, note text)
RETURNING id
"""


def _insert_as_json(events: list[AuditEvent]) -> None:
    """Write ``events`` (made by :func:`_event`, one batch: one actor, one context) in one
    INSERT on PostgreSQL, setting their ids and time as ``bulk_create`` does."""
    first = events[0]
    now = timezone.now()
    rows = json.dumps(
        [
            {
                "action": e.action,
                "content_type_id": e.content_type_id,
                "object_id": e.object_id,
                "object_repr": e.object_repr,
                "unit_id": e.unit_id,
                "changes": e.changes,
                "note": e.note,
            }
            for e in events
        ],
        ensure_ascii=False,
    )
    params = [now, first.actor_id, first.actor_label, first.source, first.ip, first.request_id]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL.format(table=AuditEvent._meta.db_table), [*params, rows])
        ids = [row[0] for row in cursor.fetchall()]
    for event, pk in zip(events, ids, strict=True):
        event.pk, event.occurred_at = pk, now
        event._state.adding, event._state.db = False, connection.alias


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
