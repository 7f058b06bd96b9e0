"""Shorthands for the notifications tests: a published plan, dispatching, reading notices."""

from __future__ import annotations

from typing import Any

from namhoc.core.models import Event
from namhoc.notifications.delivery import deliveries_send
from namhoc.notifications.dispatch import dispatch_pending
from namhoc.notifications.models import Notice


def dispatch() -> Any:
    """What the relay or the scheduler does after a commit: events → notices → deliveries."""
    return dispatch_pending()


def send() -> Any:
    return deliveries_send()


def kinds_of(user: Any) -> list[str]:
    return sorted(Notice.objects.filter(user=user).values_list("kind", flat=True))


def event_keys() -> list[str]:
    return sorted(Event.objects.values_list("key", flat=True))
