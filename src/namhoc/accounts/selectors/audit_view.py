"""The audit log as people read it (issue 11.5): objects by their human names, fields by their
Vietnamese labels, values rendered (units by name, roles by label, dates dd/mm/yyyy, numbers the
Vietnamese way), technical fields (versions, ids, offsets) left out, an empty value said in
words — never "∅".

The words come from the models themselves (``verbose_name``, choices) and from each app's
``audit_labels.py`` (collected by ``namhoc.core.audit``): ``AUDIT_FIELD_LABELS`` for keys a model
does not name itself, ``AUDIT_FIELD_MODELS`` for keys that hold another object's id,
``AUDIT_OBJECTS`` for objects whose own text is technical (a figure is "Số lớp · Trường Tiểu học
An Lạc · Đầu năm 2025-2026", not "30017/14/7 = 30.00"), ``AUDIT_HIDDEN_FIELDS``. Every related
object a page shows is loaded in one query per model.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from namhoc.core.audit import action_label, audit_vocabulary
from namhoc.core.formats import format_number
from namhoc.core.models_audit import AuditEvent

__all__ = ["Change", "EventView", "describe_events"]

EMPTY = "(trống)"
SOURCES = {
    "web": "Trang web",
    "api": "API",
    "admin": "Trang quản trị",
    "cli": "Dòng lệnh",
    "task": "Tác vụ nền",
    "import": "Nhập tệp",
    "system": "Hệ thống",
}
# Never shown: bookkeeping of the program, not of the work.
HIDDEN = frozenset(
    {"id", "pk", "version", "path", "depth", "name_folded", "sha256", "request_id"}
    | {"created_at", "updated_at", "start", "end", "password_hash"}
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
MAX_TEXT = 300  # a long text (a progress report) is shortened in the log, whole in the object


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    kind: str  # "set" (created), "removed" (deleted), "changed"


@dataclass(frozen=True)
class EventView:
    event: AuditEvent
    actor_name: str
    action_label: str
    object_kind: str
    object_label: str
    object_type: str  # app.model, for the history link
    changes: list[Change]
    source_label: str


def _model(content_type: ContentType) -> type[models.Model] | None:
    return content_type.model_class()


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _named(field: Any) -> str:
    """A model field's own Vietnamese label, if it has one (not Django's default from the name)."""
    label = str(getattr(field, "verbose_name", "") or "")
    return "" if not label or label == field.name.replace("_", " ") else label


class _Refs:
    """Objects named by id in the changes, loaded once per model for the whole page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int | str) and not isinstance(item, bool) and item != "":
                self.wanted[model].add(item)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            rows = model._default_manager.filter(pk__in=[i for i in ids if str(i).isdigit()])
            self.found[model] = {str(obj.pk): str(obj) for obj in rows}

    def name(self, model: type[models.Model], value: Any) -> str:
        return self.found.get(model, {}).get(str(value), "(đã xóa)")


def _related_model(vocabulary: dict[str, Any], model: Any, key: str) -> Any:
    field = _field(model, key)
    if field is not None and getattr(field, "is_relation", False):
        return field.related_model
    model_name = model._meta.model_name if model is not None else ""
    target = vocabulary["models"].get(f"{model_name}.{key}") or vocabulary["models"].get(key)
    if target:
        from django.apps import apps

        app_label, _, model_name = target.partition(".")
        try:
            return apps.get_model(app_label, model_name)
        except LookupError:
            return None
    return None


def _show_scalar(value: Any, field: Any) -> str:  # noqa: PLR0911 - one return per kind
    if value is None or value in ("", []):
        return EMPTY
    if isinstance(value, bool):
        return "có" if value else "không"
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%H:%M %d/%m/%Y}"
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return f"{dt.date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    numeric = isinstance(field, models.DecimalField | models.FloatField | models.IntegerField)
    if isinstance(value, int | float) or (numeric and isinstance(value, str)):
        try:
            return format_number(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show_scalar(v, None)}" for k, v in value.items()) or EMPTY
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _show(value: Any, field: Any, related: Any, refs: _Refs) -> str:
    if related is not None and value not in (None, "", []):
        items = value if isinstance(value, list) else [value]
        return ", ".join(refs.name(related, item) for item in items)
    if isinstance(value, list):
        return ", ".join(_show_scalar(item, field) for item in value) or EMPTY
    return _show_scalar(value, field)


def _label(vocabulary: dict[str, Any], model: Any, key: str) -> str:
    field = _field(model, key)
    name = _named(field) if field is not None else ""
    if name:
        return name[:1].upper() + name[1:]
    model_name = model._meta.model_name if model is not None else ""
    label = vocabulary["fields"].get(f"{model_name}.{key}") or vocabulary["fields"].get(key)
    return str(label) if label else key.replace("_", " ").capitalize()


def _changes(event: AuditEvent, vocabulary: dict[str, Any], refs: _Refs) -> list[Change]:
    model = _model(event.content_type)
    result: list[Change] = []
    changes = event.changes if isinstance(event.changes, dict) else {}
    # the model's own field order (PostgreSQL's jsonb keeps no key order), other keys after
    order = {f.name: i for i, f in enumerate(model._meta.fields)} if model is not None else {}
    for key in sorted(changes, key=lambda k: (order.get(k, len(order)), k)):
        pair = changes[key]
        if key in HIDDEN or key in vocabulary["hidden"]:
            continue
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if old == "***" and new == "***":  # a password: never stored, said in words
            result.append(Change(_label(vocabulary, model, key), "", "đã đặt mới", "set"))
            continue
        field = _field(model, key)
        related = _related_model(vocabulary, model, key)
        old_text, new_text = _show(old, field, related, refs), _show(new, field, related, refs)
        if old in (None, "", []) and new in (None, "", []):
            continue  # created empty, or cleared something empty: nothing to say
        if old in (None, "", []):
            kind = "set"
        elif new in (None, "", []):
            kind = "removed"
        else:
            kind = "changed"
        result.append(Change(_label(vocabulary, model, key), old_text, new_text, kind))
    return result


def _want_refs(events: Sequence[AuditEvent], vocabulary: dict[str, Any], refs: _Refs) -> None:
    for event in events:
        model = _model(event.content_type)
        changes = event.changes if isinstance(event.changes, dict) else {}
        for key, pair in changes.items():
            related = _related_model(vocabulary, model, key)
            if related is not None and isinstance(pair, list):
                for value in pair:
                    if value not in (None, "", []):
                        refs.want(related, value)


def _object_labels(events: Sequence[AuditEvent], vocabulary: dict[str, Any]) -> dict[int, str]:
    """Human names for the objects whose own text is technical (``AUDIT_OBJECTS``)."""
    by_type: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in events:
        by_type[event.content_type_id].append(event)
    labels: dict[int, str] = {}
    for rows in by_type.values():
        content_type = rows[0].content_type
        fields = vocabulary["objects"].get(content_type.model)
        model = _model(content_type)
        if not fields or model is None:
            continue
        relations = [f for f in fields if getattr(_field(model, f), "is_relation", False)]
        ids = [e.object_id for e in rows if e.object_id.isdigit()]
        objects = {
            str(obj.pk): obj
            for obj in model._default_manager.filter(pk__in=ids).select_related(*relations)
        }
        for event in rows:
            obj = objects.get(event.object_id)
            if obj is not None:
                labels[event.pk] = " · ".join(
                    str(getattr(obj, f)) for f in fields if getattr(obj, f, None) not in (None, "")
                )
    return labels


def describe_events(events: Iterable[AuditEvent]) -> list[EventView]:
    """The rows of one page of the log, worded for people (a few queries for the whole page)."""
    rows = list(events)
    vocabulary = audit_vocabulary()
    refs = _Refs()
    _want_refs(rows, vocabulary, refs)
    refs.load()
    objects = _object_labels(rows, vocabulary)
    views: list[EventView] = []
    for event in rows:
        model = _model(event.content_type)
        kind = str(model._meta.verbose_name) if model is not None else event.content_type.model
        actor = event.actor
        views.append(
            EventView(
                event=event,
                actor_name=str(actor)
                if actor is not None
                else SOURCES.get(event.actor_label, event.actor_label),
                action_label=action_label(event.action, model_label=kind),
                object_kind=kind[:1].upper() + kind[1:],
                object_label=objects.get(event.pk, event.object_repr),
                object_type=f"{event.content_type.app_label}.{event.content_type.model}",
                changes=_changes(event, vocabulary, refs),
                source_label=SOURCES.get(event.source, event.source),
            )
        )
    return views
