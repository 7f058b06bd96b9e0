"""Events: the transactional outbox that tells the rest of namhoc what happened (ADR 0009).

A use case calls :func:`emit` inside its own ``transaction.atomic()`` block, beside its audit
row: the event row commits with the change or not at all, so nobody hears of a change that was
rolled back, and no committed change goes unheard — not even when the process dies right after
the commit. Each event carries an idempotency ``key``; emitting the same key twice (a retried
request, a scheduler run repeated after a restart) inserts nothing the second time.

Core knows no consumer. A higher layer (``namhoc.notifications``) reads the unprocessed events
and marks them processed; it may register a *relay*, called after a commit that emitted events,
to start that work at once instead of at its next poll. The relay is a wake-up call, not the
delivery: if it is lost, the poll still finds the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from namhoc.core.models_events import EVENT_KEY_MAX, EVENT_KIND_MAX, Event
from namhoc.core.types import Actor

__all__ = ["EventSpec", "emit", "emit_many", "object_type_of", "set_relay"]

_relay: Callable[[], object] | None = None


def set_relay(callback: Callable[[], object] | None) -> None:
    """Who to wake after a transaction that emitted events commits (one per process)."""
    global _relay  # noqa: PLW0603 - one registration per process, made in AppConfig.ready
    _relay = callback


def _wake() -> None:
    if _relay is not None:
        _relay()


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    """``"tracking.assignment"``: the label events name an object's model by."""
    return obj._meta.label_lower


@dataclass(frozen=True)
class EventSpec:
    kind: str
    key: str
    unit_id: int | None
    object: models.Model | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    actor: Actor | None = None


def _row(spec: EventSpec) -> Event:
    if not spec.kind or len(spec.kind) > EVENT_KIND_MAX:
        raise ValueError(f"event kind {spec.kind!r} is empty or longer than {EVENT_KIND_MAX}")
    if not spec.key or len(spec.key) > EVENT_KEY_MAX:
        raise ValueError(f"event key {spec.key!r} is empty or longer than {EVENT_KEY_MAX}")
    actor = spec.actor
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    return Event(
        kind=spec.kind,
        key=spec.key,
        unit_id=spec.unit_id,
        object_type=object_type_of(spec.object) if spec.object is not None else "",
        object_id=spec.object.pk if spec.object is not None else None,
        payload=spec.payload,
        actor_id=user_id,
    )


def emit_many(specs: Iterable[EventSpec]) -> None:
    """Insert-or-ignore the events (by key) in the current transaction; wake the relay after
    it commits. Must run inside the change's ``transaction.atomic()``."""
    if not connection.in_atomic_block:
        raise RuntimeError("emit() must be called inside the change's transaction.atomic()")
    rows = [_row(spec) for spec in specs]
    if not rows:
        return
    Event.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    transaction.on_commit(_wake)


def emit(
    kind: str,
    *,
    unit_id: int | None,
    object: models.Model | None,
    payload: dict[str, Any] | None = None,
    key: str,
    actor: Actor | None = None,
) -> None:
    """Record that ``kind`` happened to ``object`` at ``unit_id`` (see the module docstring)."""
    emit_many(
        [
            EventSpec(
                kind=kind,
                key=key,
                unit_id=unit_id,
                object=object,
                payload=dict(payload or {}),
                actor=actor,
            )
        ]
    )
