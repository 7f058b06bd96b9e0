"""Reads of notifications, given the person asking (ADR 0007)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from namhoc.accounts.selectors import PickPurpose, pickable_units
from namhoc.core.types import Actor
from namhoc.notifications.access import (
    can_manage_webhook,
    deliveries_visible_to,
    notices_of,
    notices_refusal,
    unread_of,
    webhooks_refusal,
    webhooks_visible_to,
)
from namhoc.notifications.kinds import KINDS, Kind, Mode
from namhoc.notifications.models import Delivery, Notice, Webhook
from namhoc.notifications.render import Told, describe
from namhoc.notifications.services import Preferences, preferences_of
from namhoc.orgunits.models import OrgUnit

UNREAD_CAP = 99


def unread_count(viewer: Actor | None) -> int:
    """How many unread notices the viewer has, counted up to ``UNREAD_CAP + 1`` (the bell shows
    "99+"): one cheap query on the partial index, whatever the backlog."""
    return unread_of(viewer, cap=UNREAD_CAP + 1)


def notices(viewer: Actor | None, *, unread_only: bool = False) -> QuerySet[Notice]:
    """The viewer's notices, newest first (a queryset: the page paginates it)."""
    refusal = notices_refusal(viewer)
    if refusal is not None:
        raise refusal
    rows = notices_of(viewer).select_related("event").order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread_only else rows


@dataclass(frozen=True)
class NoticeRow:
    notice: Notice
    told: Told

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def notice_rows(page: Sequence[Notice]) -> list[NoticeRow]:
    """What each notice of one page says (one query per kind of object on the page)."""
    told = describe(n.event for n in page)
    return [NoticeRow(notice=n, told=told[n.event_id]) for n in page]


@dataclass(frozen=True)
class PreferenceRow:
    kind: Kind
    mode: str


@dataclass(frozen=True)
class PreferencesPage:
    preferences: Preferences
    rows: list[PreferenceRow]
    modes: list[tuple[str, str]]


def preferences_page(viewer: Actor | None) -> PreferencesPage:
    refusal = notices_refusal(viewer)
    if refusal is not None:
        raise refusal
    prefs = preferences_of(viewer)
    return PreferencesPage(
        preferences=prefs,
        rows=[PreferenceRow(kind=kind, mode=prefs.modes[code]) for code, kind in KINDS.items()],
        modes=list(Mode.choices),
    )


@dataclass(frozen=True)
class WebhookRow:
    webhook: Webhook
    kinds: list[str]
    can_manage: bool
    failing: int


@dataclass(frozen=True)
class WebhooksPage:
    rows: list[WebhookRow]
    kinds: list[Kind]


def webhooks_page(viewer: Actor | None) -> WebhooksPage:
    refusal = webhooks_refusal(viewer)
    if refusal is not None:
        raise refusal
    hooks = list(webhooks_visible_to(viewer).select_related("unit").order_by("unit__path", "id"))
    failing: dict[int, int] = {}
    if hooks:
        for webhook_id in Delivery.objects.filter(
            webhook__in=hooks, status=Delivery.Status.FAILED
        ).values_list("webhook_id", flat=True):
            failing[webhook_id] = failing.get(webhook_id, 0) + 1
    rows = [
        WebhookRow(
            webhook=hook,
            kinds=[KINDS[k].label for k in hook.kind_list if k in KINDS],
            can_manage=can_manage_webhook(viewer, hook.unit),
            failing=failing.get(hook.pk, 0),
        )
        for hook in hooks
    ]
    return WebhooksPage(rows=rows, kinds=list(KINDS.values()))


def failed_deliveries(viewer: Actor | None) -> QuerySet[Delivery]:
    """Deliveries that failed for good, about units of the viewer's admin subtree."""
    refusal = webhooks_refusal(viewer)
    if refusal is not None:
        raise refusal
    return (
        deliveries_visible_to(viewer)
        .filter(status=Delivery.Status.FAILED)
        .select_related("user", "webhook", "notice")
        .order_by("-id")
    )


def delivery_target(delivery: Delivery) -> str:
    """Where a delivery was going, for the failures page (no secret, no full address)."""
    if delivery.channel == Delivery.Channel.WEBHOOK and delivery.webhook is not None:
        return f"webhook «{delivery.webhook.name}»"
    user: Any = delivery.user
    return f"{user} <{user.email}>" if user is not None else "—"


def admin_units_named(viewer: Actor | None, keys: Sequence[str]) -> list[OrgUnit]:
    """The units of ``viewer``'s admin scope among ``keys`` (a form's picked unit, kept)."""
    wanted = [k for k in dict.fromkeys(keys) if isinstance(k, str) and 0 < len(k) <= 64][:10]
    found = {
        u.key: u for u in pickable_units(viewer, purpose=PickPurpose.ADMIN).filter(key__in=wanted)
    }
    return [found[k] for k in wanted if k in found]
