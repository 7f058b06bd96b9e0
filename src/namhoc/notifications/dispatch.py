"""Events → notices per person, e-mails to send, webhook posts (ADR 0009).

Set-based: a batch of pending events becomes notices through one ``INSERT … SELECT`` per
recipient rule (a join of the events with the memberships at the units concerned, minus the
people who turned that kind off and the person who caused the event), then e-mail and webhook
deliveries through one statement each, then the batch is marked processed — all in one
transaction. Unique keys (notice: event × person; delivery: its key) make a second run, or two
dispatchers at once, add nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from namhoc.accounts.models import Membership, User
from namhoc.core.events import object_type_of
from namhoc.core.models import Event
from namhoc.core.sql import execute, placeholders, table, when, yes
from namhoc.directives.models import Directive
from namhoc.notifications.kinds import KINDS, Mode
from namhoc.notifications.models import Delivery, Notice, NoticeSettings, Preference, Webhook
from namhoc.orgunits.models import OrgUnit

BATCH = 5000


@dataclass
class DispatchResult:
    events: int = 0
    notices: int = 0
    emails: int = 0
    webhooks: int = 0
    batches: int = 0

    def __str__(self) -> str:
        return (
            f"{self.events} sự kiện → {self.notices} thông báo, {self.emails} thư, "
            f"{self.webhooks} webhook"
        )


def _mode_sql(kinds: list[str]) -> tuple[str, list[object]]:
    """The person's mode for the event's kind: their preference, else the kind's default."""
    cases = " ".join("WHEN %s THEN %s" for _ in kinds)
    params: list[object] = []
    for kind in kinds:
        params += [kind, str(KINDS[kind].default)]
    return f"COALESCE(p.mode, CASE e.kind {cases} ELSE %s END)", [*params, Mode.INAPP.value]


# How each scope finds its recipients' memberships (alias m) and the unit a notice is about.
_SCOPES = {
    "unit": ("JOIN {membership} m ON m.unit_id = e.unit_id", "e.unit_id"),
    "children": (
        "JOIN {unit} c ON c.parent_id = e.unit_id AND c.valid_to IS NULL "
        "JOIN {membership} m ON m.unit_id = c.id",
        "c.id",
    ),
    "parent": (
        "JOIN {unit} c ON c.id = e.unit_id JOIN {membership} m ON m.unit_id = c.parent_id",
        "e.unit_id",
    ),
    "everywhere": ("JOIN {membership} m ON m.role IN ({roles})", "m.unit_id"),
}


def _not_addressed(kinds: list[str]) -> tuple[str, list[object]]:
    """A directive addressed to one unit (an inspection's conclusion, ADR 0011) is announced to
    no child unit: the unit it is addressed to hears of it through the work it is given
    (``assignment.created``), and the others have nothing to carry out."""
    if "directive.published" not in kinds:
        return "", []
    addressed = connection.ops.quote_name(Directive._meta.get_field("addressed_to").column)
    sql = (
        "AND NOT (e.kind = %s AND e.object_type = %s AND EXISTS ("  # noqa: S608 - names from the models
        f"SELECT 1 FROM {table(Directive)} d WHERE d.id = e.object_id AND d.{addressed} "
        "IS NOT NULL)) "
    )
    return sql, ["directive.published", object_type_of(Directive)]


def _fan_out(ids: list[int], kinds: set[str]) -> int:
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for kind in sorted(kinds):
        spec = KINDS.get(kind)
        if spec is not None:
            groups[(spec.scope, spec.roles)].append(kind)
    written = 0
    for (scope, roles), group in groups.items():
        join, notice_unit = _SCOPES[scope]
        mode, mode_params = _mode_sql(group)
        join_sql = join.format(
            membership=table(Membership), unit=table(OrgUnit), roles=placeholders(roles)
        )
        join_params: list[object] = list(roles) if scope == "everywhere" else []
        unaddressed, unaddressed_params = _not_addressed(group)
        sql = (
            f"INSERT INTO {table(Notice)} "  # noqa: S608 - table names from the models; values are parameters
            "(user_id, event_id, kind, unit_id, email, created_at) "
            f"SELECT DISTINCT m.user_id, e.id, e.kind, {notice_unit}, {mode}, e.created_at "
            f"FROM {table(Event)} e {join_sql} "
            f"JOIN {table(User)} u ON u.id = m.user_id "
            f"LEFT JOIN {table(Preference)} p ON p.user_id = m.user_id AND p.kind = e.kind "
            f"WHERE e.id IN ({placeholders(ids)}) AND e.kind IN ({placeholders(group)}) "
            f"AND m.role IN ({placeholders(roles)}) AND u.is_active = %s "
            "AND (e.actor_id IS NULL OR e.actor_id <> m.user_id) "
            f"AND {mode} <> %s "
            f"{unaddressed}"
            "ON CONFLICT DO NOTHING"
        )
        params = [
            *mode_params,
            *join_params,
            *ids,
            *group,
            *roles,
            yes(),
            *mode_params,
            Mode.OFF.value,
            *unaddressed_params,
        ]
        written += execute(sql, params)
    return written


def _emails(ids: list[int], now: object) -> int:
    """One e-mail delivery per notice its person wants at once (and who has an address)."""
    sql = (
        f"INSERT INTO {table(Delivery)} (key, channel, status, user_id, notice_id, event_id, "  # noqa: S608 - table names from the models; values are parameters
        "webhook_id, unit_id, payload, attempts, next_attempt_at, last_error, created_at, "
        "sent_at) "
        "SELECT 'email:' || CAST(n.id AS TEXT), %s, %s, n.user_id, n.id, NULL, NULL, n.unit_id, "
        "'{}', 0, %s, '', %s, NULL "
        f"FROM {table(Notice)} n LEFT JOIN {table(NoticeSettings)} s ON s.user_id = n.user_id "
        f"WHERE n.event_id IN ({placeholders(ids)}) AND n.email = %s "
        # a correlated test, not a join nor an IN list: the planner walks this batch's notices
        # by event and looks each person up, instead of crossing every user with the batch
        f"AND EXISTS (SELECT 1 FROM {table(User)} u WHERE u.id = n.user_id AND u.email <> '') "
        "AND (s.email_enabled IS NULL OR s.email_enabled = %s) "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        Delivery.Channel.EMAIL.value,
        Delivery.Status.PENDING.value,
        now,
        now,
        *ids,
        Mode.INSTANT.value,
        yes(),
    ]
    return execute(sql, params)


def _webhooks(ids: list[int], now: object) -> int:
    """One post per event and active webhook whose unit's subtree holds the event's unit
    (nationwide events go to every webhook), of the kinds it asked for."""
    sql = (
        f"INSERT INTO {table(Delivery)} (key, channel, status, user_id, notice_id, event_id, "  # noqa: S608 - table names from the models; values are parameters
        "webhook_id, unit_id, payload, attempts, next_attempt_at, last_error, created_at, "
        "sent_at) "
        "SELECT 'webhook:' || CAST(w.id AS TEXT) || ':' || CAST(e.id AS TEXT), %s, %s, NULL, "
        "NULL, e.id, w.id, w.unit_id, '{}', 0, %s, '', %s, NULL "
        f"FROM {table(Event)} e JOIN {table(Webhook)} w ON w.active = %s "
        f"JOIN {table(OrgUnit)} wu ON wu.id = w.unit_id "
        f"LEFT JOIN {table(OrgUnit)} eu ON eu.id = e.unit_id "
        f"WHERE e.id IN ({placeholders(ids)}) "
        "AND (e.unit_id IS NULL OR substr(eu.path, 1, length(wu.path)) = wu.path) "
        "AND (w.kinds = '' OR w.kinds LIKE '%%,' || e.kind || ',%%') "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        Delivery.Channel.WEBHOOK.value,
        Delivery.Status.PENDING.value,
        now,
        now,
        yes(),
        *ids,
    ]
    return execute(sql, params)


def _claim(limit: int) -> list[tuple[int, str]]:
    pending = Event.objects.filter(processed_at__isnull=True).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True)
    return list(pending.values_list("id", "kind")[:limit])


def dispatch_pending(*, batch: int = BATCH, max_batches: int | None = None) -> DispatchResult:
    """Turn every pending event into notices and deliveries, ``batch`` events per transaction.
    Safe to run twice and concurrently (see the module docstring)."""
    result = DispatchResult()
    has_webhooks = Webhook.objects.filter(active=True).exists()
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            claimed = _claim(batch)
            if not claimed:
                break
            ids = [pk for pk, _kind in claimed]
            now = timezone.now()
            result.notices += _fan_out(ids, {kind for _pk, kind in claimed})
            result.emails += _emails(ids, when(now))
            if has_webhooks:
                result.webhooks += _webhooks(ids, when(now))
            Event.objects.filter(pk__in=ids).update(processed_at=now)
            result.events += len(ids)
            result.batches += 1
    return result
