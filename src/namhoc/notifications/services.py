"""Use cases of notifications (ADR 0007): read notices, set one's preferences, set up a unit's
webhooks, send a failed delivery again. Each takes the acting person and the raw input, checks
access through ``notifications.access``, parses, and writes in one transaction with its audit
row (reading a notice is not audited: it changes nothing anyone else sees)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from namhoc.accounts.access import access_admin_unit
from namhoc.accounts.selectors import home_unit
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import Conflict, DomainError
from namhoc.core.parsing import clean_text, parse_int
from namhoc.core.types import Actor
from namhoc.notifications.access import (
    access_delivery,
    access_notice,
    access_webhook,
    notices_of,
    notices_refusal,
    webhook_refusal,
    webhooks_refusal,
)
from namhoc.notifications.kinds import KINDS, Mode, default_mode
from namhoc.notifications.models import (
    WEBHOOK_NAME_MAX,
    WEBHOOK_URL_MAX,
    Delivery,
    Notice,
    NoticeSettings,
    Preference,
    Webhook,
)
from namhoc.notifications.signing import new_secret

__all__ = [
    "MAX_WEBHOOKS_PER_UNIT",
    "WebhookSecret",
    "delivery_retry",
    "notice_read",
    "notices_read_all",
    "parse_time",
    "preferences_save",
    "webhook_create",
    "webhook_delete",
    "webhook_rotate",
    "webhook_update",
]

MAX_WEBHOOKS_PER_UNIT = 5


def _person(actor: Actor | None) -> Any:
    refusal = notices_refusal(actor)
    if refusal is not None:
        raise refusal
    return actor


# --- notices --------------------------------------------------------------------------------


def notice_read(*, actor: Actor | None, notice_id: object) -> Notice:
    """Mark one of the actor's notices read (already read: unchanged)."""
    notice = access_notice(actor, notice_id)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_read_all(*, actor: Actor | None) -> int:
    """Mark every unread notice of the actor read; how many were."""
    _person(actor)
    return notices_of(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- preferences ----------------------------------------------------------------------------

_TIME = re.compile(r"^([0-9]{1,2})\s*(?::|h|g|giờ)\s*([0-9]{2})?\s*(?:phút)?$", re.IGNORECASE)


def parse_time(raw: object, *, field: str, label: str) -> dt.time:
    """``21:00``, ``6:30``, ``21h``, ``21h30`` → a time of day."""
    if isinstance(raw, dt.time):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    match = _TIME.match(text) if len(text) <= 12 else None
    if match is None:
        raise DomainError(
            "invalid_time", f"{label} phải có dạng giờ:phút, ví dụ 21:00.", field=field
        )
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise DomainError("invalid_time", f"{label} không có trên đồng hồ: {text}.", field=field)
    return dt.time(hour, minute)


_YES = frozenset({"1", "true", "on", "yes", "co", "có"})
_NO = frozenset({"", "0", "false", "off", "no", "khong", "không"})


def _flag(raw: object, *, field: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    if isinstance(raw, str) and raw.strip().lower() in _YES:
        return True
    if isinstance(raw, str) and raw.strip().lower() in _NO:
        return False
    raise DomainError("invalid_choice", "Hãy chọn có hoặc không.", field=field)


@dataclass(frozen=True)
class Preferences:
    settings: NoticeSettings
    modes: dict[str, str]  # every kind, the person's choice or the default


def preferences_of(user: Any) -> Preferences:
    stored = NoticeSettings.objects.filter(user_id=user.pk).first() or NoticeSettings(user=user)
    chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "mode"))
    return Preferences(
        settings=stored, modes={kind: chosen.get(kind, default_mode(kind)) for kind in KINDS}
    )


def preferences_save(
    *,
    actor: Actor | None,
    modes: Mapping[str, object],
    email_enabled: object,
    quiet_start: object,
    quiet_end: object,
) -> Preferences:
    """Save the actor's preferences: per kind (``modes``; a kind left out keeps its choice),
    e-mail on or off, quiet hours. Audited as one change."""
    user = _person(actor)
    chosen: dict[str, str] = {}
    for kind, raw in modes.items():
        if kind not in KINDS:
            raise DomainError("unknown_kind", "Loại thông báo không có.", field=f"mode_{kind}"[:60])
        if raw not in Mode.values:
            raise DomainError(
                "invalid_choice", f"Hãy chọn cách nhận «{KINDS[kind].label}».", field=f"mode_{kind}"
            )
        chosen[kind] = str(raw)
    enabled = _flag(email_enabled, field="email_enabled")
    start = parse_time(quiet_start, field="quiet_start", label="Giờ yên lặng bắt đầu")
    end = parse_time(quiet_end, field="quiet_end", label="Giờ yên lặng kết thúc")
    with transaction.atomic():
        stored, _ = NoticeSettings.objects.select_for_update().get_or_create(user_id=user.pk)
        before_modes = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "mode"))
        before = {
            **snapshot(stored, ["email_enabled", "quiet_start", "quiet_end"]),
            **{f"mode:{k}": before_modes.get(k, default_mode(k)) for k in chosen},
        }
        stored.email_enabled, stored.quiet_start, stored.quiet_end = enabled, start, end
        stored.save()
        for kind, mode in chosen.items():
            Preference.objects.update_or_create(user_id=user.pk, kind=kind, defaults={"mode": mode})
        after = {
            **snapshot(stored, ["email_enabled", "quiet_start", "quiet_end"]),
            **{f"mode:{k}": v for k, v in chosen.items()},
        }
        changes = diff(before, after)
        if changes:
            unit = home_unit(actor)
            audit_record(
                actor=actor,
                action="notifications.preferences",
                target=stored,
                changes=changes,
                unit_id=unit.pk if unit is not None else None,
            )
    return preferences_of(user)


# --- webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookSecret:
    """A webhook and its signing secret — the only time the secret is shown."""

    webhook: Webhook
    secret: str


def _url(raw: object) -> str:
    text = clean_text(
        raw, field="url", label="Địa chỉ nhận", max_length=WEBHOOK_URL_MAX, required=True
    )
    bad = DomainError(
        "invalid_url",
        "Địa chỉ nhận phải là một địa chỉ http:// hoặc https:// đầy đủ, ví dụ "
        "https://congvan.example.vn/namhoc.",
        field="url",
    )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise bad
    if parts.username is not None or parts.password is not None:
        raise DomainError(
            "url_credentials",
            "Địa chỉ nhận không được chứa tên đăng nhập hay mật khẩu: bên nhận kiểm tra chữ ký "
            "của namhoc thay vì mật khẩu.",
            field="url",
        )
    if port == 0:
        raise bad
    return text


def _kinds(raw: Iterable[object] | None) -> str:
    chosen = []
    for item in raw or ():
        if item not in KINDS:
            raise DomainError("unknown_kind", "Loại sự kiện không có.", field="kinds")
        chosen.append(str(item))
    unique = [k for k in KINDS if k in chosen]
    return f",{','.join(unique)}," if unique else ""


def _name(raw: object) -> str:
    return clean_text(raw, field="name", label="Tên", max_length=WEBHOOK_NAME_MAX, required=True)


_AUDITED = ["unit", "name", "url", "kinds", "active"]


def webhook_create(
    *, actor: Actor | None, unit: object, name: object, url: object, kinds: Iterable[object] = ()
) -> WebhookSecret:
    """Set up a webhook for ``unit`` (a key in the actor's admin scope). The secret is returned
    once; namhoc keeps it to sign, never shows it again."""
    refusal = webhooks_refusal(actor)  # not a unit admin anywhere: 403, whatever the unit
    if refusal is not None:
        raise refusal
    target = access_admin_unit(actor, unit)
    refusal = webhook_refusal(actor, target)
    if refusal is not None:
        raise refusal
    clean = {"name": _name(name), "url": _url(url), "kinds": _kinds(kinds)}
    secret = new_secret()
    with transaction.atomic():
        if Webhook.objects.filter(unit=target).count() >= MAX_WEBHOOKS_PER_UNIT:
            raise Conflict(
                "too_many_webhooks",
                f"Mỗi đơn vị có tối đa {MAX_WEBHOOKS_PER_UNIT} webhook; hãy sửa hoặc xóa bớt.",
            )
        webhook = Webhook.objects.create(
            unit=target,
            secret=secret,
            created_by=cast(Any, actor) if getattr(actor, "is_authenticated", False) else None,
            **clean,
        )
        audit_record(
            actor=actor,
            action="notifications.webhook.create",
            target=webhook,
            changes=diff({}, snapshot(webhook, _AUDITED)),
            unit_id=target.pk,
        )
    return WebhookSecret(webhook=webhook, secret=secret)


def _manageable(actor: Actor | None, webhook_id: object) -> Webhook:
    webhook = access_webhook(actor, webhook_id)
    refusal = webhook_refusal(actor, webhook.unit)
    if refusal is not None:
        raise refusal
    return webhook


def webhook_update(
    *,
    actor: Actor | None,
    webhook_id: object,
    version: object,
    name: object,
    url: object,
    kinds: Iterable[object] = (),
    active: object = True,
) -> Webhook:
    webhook = _manageable(actor, webhook_id)
    expected = parse_int(version, field="version", label="Phiên bản", required=True)
    clean = {
        "name": _name(name),
        "url": _url(url),
        "kinds": _kinds(kinds),
        "active": _flag(active, field="active"),
    }
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        if locked.version != expected:
            raise Conflict(
                "stale", "Webhook này vừa được người khác sửa; hãy tải lại trang rồi sửa lại."
            )
        before = snapshot(locked, _AUDITED)
        for attr, value in clean.items():
            setattr(locked, attr, value)
        changes = diff(before, snapshot(locked, _AUDITED))
        if changes:
            locked.version += 1
            locked.save()
            audit_record(
                actor=actor,
                action="notifications.webhook.update",
                target=locked,
                changes=changes,
                unit_id=locked.unit_id,
            )
    locked.unit = webhook.unit
    return locked


def webhook_rotate(*, actor: Actor | None, webhook_id: object) -> WebhookSecret:
    """A new signing secret (the old one stops working at once), shown once."""
    webhook = _manageable(actor, webhook_id)
    secret = new_secret()
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        before = locked.secret_rotated_at
        locked.secret = secret
        locked.secret_rotated_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["secret", "secret_rotated_at", "version"])
        audit_record(
            actor=actor,
            action="notifications.webhook.rotate",
            target=locked,
            changes={
                "secret_rotated_at": [before.isoformat(), locked.secret_rotated_at.isoformat()]
            },
            unit_id=locked.unit_id,
        )
    locked.unit = webhook.unit
    return WebhookSecret(webhook=locked, secret=secret)


def webhook_delete(*, actor: Actor | None, webhook_id: object) -> Webhook:
    webhook = _manageable(actor, webhook_id)
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        audit_record(
            actor=actor,
            action="notifications.webhook.delete",
            target=locked,
            changes=diff(snapshot(locked, _AUDITED), {}),
            unit_id=locked.unit_id,
        )
        pk = locked.pk
        locked.delete()
        locked.pk = pk
    return locked


# --- deliveries -----------------------------------------------------------------------------


def delivery_retry(*, actor: Actor | None, delivery_id: object) -> Delivery:
    """Send a failed delivery again, now, with a fresh set of attempts."""
    delivery = access_delivery(actor, delivery_id)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != Delivery.Status.FAILED:
            raise Conflict(
                "not_failed", f"Lần gửi này đang ở trạng thái «{locked.get_status_display()}»."
            )
        before = snapshot(locked, ["status", "attempts"])
        locked.status = Delivery.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="notifications.delivery.retry",
            target=locked,
            changes=diff(before, snapshot(locked, ["status", "attempts"])),
            unit_id=locked.unit_id,
        )
        from namhoc.notifications.tasks import send_deliveries

        transaction.on_commit(send_deliveries.enqueue)
    return locked
