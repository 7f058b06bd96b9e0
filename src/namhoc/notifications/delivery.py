"""Sending: e-mails (one notice, or a person's daily digest) and webhook posts (ADR 0009).

Deliveries due (``pending``, ``next_attempt_at`` passed) are claimed in batches: the claim pushes
``next_attempt_at`` a lease ahead, so a second sender (another worker, the scheduler) skips them
while the first sends; on PostgreSQL the claim skips rows another sender has locked. Sent rows
are marked in one UPDATE per batch. A failure is retried with back-off (1 min, 5 min, 30 min,
2 h, 6 h); after the last attempt the delivery stays ``failed``, shown to the admins of its unit.
E-mail is held during the person's quiet hours (local time) and sent when they end.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import json
import logging
import smtplib
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from namhoc.accounts.models import User
from namhoc.core.models import Event
from namhoc.core.sql import execute, table, when, yes
from namhoc.notifications.kinds import KINDS, Mode
from namhoc.notifications.models import ERROR_MAX, Delivery, Notice, NoticeSettings
from namhoc.notifications.render import Told, describe
from namhoc.notifications.signing import signed_headers
from namhoc.orgunits.models import OrgUnit

logger = logging.getLogger(__name__)

BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = dt.timedelta(minutes=10)
BATCH = 200
WEBHOOK_TIMEOUT = 10.0
DIGEST_MAX_ITEMS = 200


class DeliveryError(Exception):
    """Why one delivery failed, in words an admin can act on (kept on the row)."""


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0  # failed for good (no attempts left)
    retrying: int = 0
    held: int = 0  # quiet hours
    skipped: int = 0

    def __str__(self) -> str:
        return (
            f"đã gửi {self.sent}, thử lại sau {self.retrying}, hỏng {self.failed}, "
            f"giữ đến hết giờ yên lặng {self.held}, bỏ qua {self.skipped}"
        )


# --- quiet hours ----------------------------------------------------------------------------


def quiet_until(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """The end of the quiet hours ``now`` falls in (local time), or None when not quiet.
    ``start`` after ``end`` spans midnight (21:00–06:30); equal times mean no quiet hours."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    clock = local.time()
    if start == end:
        return None
    if start < end:
        quiet = start <= clock < end
        end_day = local.date()
    else:
        quiet = clock >= start or clock < end
        end_day = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not quiet:
        return None
    return dt.datetime.combine(end_day, end, tzinfo=zone)


# --- claiming and recording -----------------------------------------------------------------


def _claim(now: dt.datetime, limit: int) -> list[Delivery]:
    with transaction.atomic():
        due = Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("user", "notice__event", "event", "webhook__unit")
        .order_by("id")
    )


def _failed(delivery: Delivery, error: str, now: dt.datetime, result: SendResult) -> None:
    attempts = delivery.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        status=Delivery.Status.FAILED if final else Delivery.Status.PENDING,
        next_attempt_at=now if final else now + BACKOFF[attempts - 1],
        last_error=error[:ERROR_MAX],
    )
    if final:
        result.failed += 1
        logger.warning("Delivery %s failed for good: %s", delivery.key, error)
    else:
        result.retrying += 1


def _sent(ids: list[int], now: dt.datetime) -> None:
    if ids:
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
        )


# --- e-mail ---------------------------------------------------------------------------------


def _link(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""


def _email_for_notice(user: User, told: Told) -> EmailMessage:
    link = _link(told.url)
    body = "\n".join(
        line
        for line in (
            f"Kính gửi {user},",
            "",
            told.text,
            f"Xem: {link}" if link else "",
            "",
            "— namhoc. Đổi cách nhận thông báo: " + _link("/thong-bao/cai-dat/"),
        )
        if line is not None
    )
    return EmailMessage(
        subject=f"[namhoc] {told.label}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def _digest_email(user: User, items: list[Told], more: int) -> EmailMessage:
    lines = [f"Kính gửi {user},", "", f"Các thông báo chưa đọc của bạn ({len(items) + more}):", ""]
    for told in items:
        link = _link(told.url)
        lines.append(f"- [{told.label}] {told.text}" + (f"\n  {link}" if link else ""))
    if more:
        lines.append(f"… và {more} thông báo khác: {_link('/thong-bao/')}")
    lines += ["", "— namhoc. Đổi cách nhận thông báo: " + _link("/thong-bao/cai-dat/")]
    return EmailMessage(
        subject=f"[namhoc] Tổng hợp thông báo ({len(items) + more})",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def _digest_notices(delivery: Delivery) -> Any:
    """The notices a digest covers: the person's unread digest notices up to the newest one
    when it was queued, not yet sent in an earlier digest."""
    return Notice.objects.filter(
        user_id=delivery.user_id or 0,
        email=Mode.DIGEST,
        digested_at__isnull=True,
        id__lte=int((delivery.payload or {}).get("upto") or 0),
    )


def _digest_items(delivery: Delivery) -> tuple[list[Told], int]:
    notices = _digest_notices(delivery).filter(read_at__isnull=True).select_related("event")
    rows = list(notices.order_by("-id")[: DIGEST_MAX_ITEMS + 1])
    told = describe(n.event for n in rows[:DIGEST_MAX_ITEMS])
    more = notices.count() - DIGEST_MAX_ITEMS if len(rows) > DIGEST_MAX_ITEMS else 0
    return [told[n.event_id] for n in rows[:DIGEST_MAX_ITEMS]], more


def digests_queue(*, now: dt.datetime | None = None) -> int:
    """Queue one digest e-mail per person with unread notices they want in the digest (and an
    address), keyed by the local day: queuing twice a day adds none."""
    now = now or timezone.now()
    upto = (
        Notice.objects.filter(email=Mode.DIGEST, digested_at__isnull=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if upto is None:
        return 0
    moment = when(now)
    # The grouping happens in a subquery: PostgreSQL gives the outer SELECT's literals the
    # columns' types, which it would not do for the literals of a grouped SELECT.
    sql = (
        f"INSERT INTO {table(Delivery)} (key, channel, status, user_id, payload, attempts, "  # noqa: S608 - table names from the models; values are parameters
        "next_attempt_at, last_error, created_at) "
        "SELECT 'digest:' || CAST(g.user_id AS TEXT) || ':' || %s, %s, %s, g.user_id, "
        f"'{{\"upto\": {int(upto)}}}', 0, %s, '', %s "
        f"FROM (SELECT n.user_id FROM {table(Notice)} n "
        f"JOIN {table(User)} u ON u.id = n.user_id "
        f"LEFT JOIN {table(NoticeSettings)} s ON s.user_id = n.user_id "
        "WHERE n.email = %s AND n.digested_at IS NULL AND n.read_at IS NULL AND n.id <= %s "
        "AND u.email <> '' AND (s.email_enabled IS NULL OR s.email_enabled = %s) "
        "GROUP BY n.user_id) g "
        "WHERE 1 = 1 "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        timezone.localdate(now).isoformat(),
        Delivery.Channel.DIGEST.value,
        Delivery.Status.PENDING.value,
        moment,
        moment,
        Mode.DIGEST.value,
        int(upto),
        yes(),
    ]
    with transaction.atomic():
        return execute(sql, params)


def _smtp_reason(exc: Exception) -> str:
    """``550 Hộp thư không tồn tại`` rather than a tuple of bytes."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {reason.decode('utf-8', 'replace')}"
            for address, (code, reason) in exc.recipients.items()
        )
    return str(exc) or type(exc).__name__


def _screen(batch: list[Delivery], now: dt.datetime, result: SendResult) -> list[Delivery]:
    """The e-mails to send now: not those without an address or with e-mail turned off
    (skipped), nor those in their person's quiet hours (held until they end). One UPDATE per
    outcome, not per row: a morning's reminders to 50,000 schools are held in a few queries."""
    quiet = {
        s.user_id: (s.quiet_start, s.quiet_end, s.email_enabled)
        for s in NoticeSettings.objects.filter(user_id__in={d.user_id for d in batch})
    }
    default = (settings.NOTIFY_QUIET_START, settings.NOTIFY_QUIET_END, True)
    ready: list[Delivery] = []
    skipped: list[int] = []
    held: dict[dt.datetime, list[int]] = {}
    for delivery in batch:
        start, end, enabled = quiet.get(delivery.user_id or 0, default)
        if delivery.user is None or not delivery.user.email or not enabled:
            skipped.append(delivery.pk)
        elif (until := quiet_until(now, start, end)) is not None:
            held.setdefault(until, []).append(delivery.pk)
        else:
            ready.append(delivery)
    if skipped:
        Delivery.objects.filter(pk__in=skipped).update(
            status=Delivery.Status.SKIPPED, last_error="Không có địa chỉ thư hoặc đã tắt thư."
        )
    for until, ids in held.items():
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=until)
    result.skipped += len(skipped)
    result.held += sum(len(ids) for ids in held.values())
    return ready


def _message(delivery: Delivery, told: dict[int, Told]) -> EmailMessage | None:
    """The e-mail of one delivery; None for a digest with nothing left unread."""
    assert delivery.user is not None
    if delivery.channel != Delivery.Channel.DIGEST:
        assert delivery.notice is not None
        return _email_for_notice(delivery.user, told[delivery.notice.event_id])
    items, more = _digest_items(delivery)
    return _digest_email(delivery.user, items, more) if items else None


def _send_emails(batch: list[Delivery], now: dt.datetime, result: SendResult) -> None:
    ready = _screen(batch, now, result) if batch else []
    if not ready:
        return
    told = describe(d.notice.event for d in ready if d.notice is not None)
    sent: list[int] = []
    mailer = get_connection(fail_silently=False)
    try:
        mailer.open()
    except Exception as exc:  # the server is down: every one of them waits for the next try
        for delivery in ready:
            _failed(delivery, f"Không kết nối được máy chủ thư: {exc}", now, result)
        return
    try:
        for delivery in ready:
            message = _message(delivery, told)
            if message is None:
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.SKIPPED, last_error="Không còn thông báo chưa đọc."
                )
                result.skipped += 1
                continue
            try:
                mailer.send_messages([message])
            except Exception as exc:
                _failed(delivery, f"Máy chủ thư từ chối: {_smtp_reason(exc)}", now, result)
                try:  # the connection may be broken: start a new one for the rest
                    mailer.close()
                    mailer.open()
                except Exception:
                    logger.debug("Reopening the mail connection failed", exc_info=True)
                continue
            if delivery.channel == Delivery.Channel.DIGEST:
                _digest_notices(delivery).update(digested_at=now)
            sent.append(delivery.pk)
    finally:
        try:
            mailer.close()
        except Exception:
            logger.debug("Closing the mail connection failed", exc_info=True)
    _sent(sent, now)
    result.sent += len(sent)


# --- webhooks -------------------------------------------------------------------------------


def check_address(url: str) -> None:
    """Refuse a webhook target inside this network (loopback, private, link-local…) unless
    ``NOTIFY_WEBHOOK_ALLOW_PRIVATE`` — namhoc must not be a way to reach internal services."""
    host = urlsplit(url).hostname or ""
    if settings.NOTIFY_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise DeliveryError(f"Không tìm thấy máy {host}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise DeliveryError(f"Địa chỉ {host} ({address}) là địa chỉ nội bộ, không được gửi.")


def webhook_body(event: Event, told: Told, unit: OrgUnit | None) -> bytes:
    body: dict[str, Any] = {
        "id": event.key,
        "kind": event.kind,
        "label": told.label,
        "text": told.text,
        "url": _link(told.url),
        "occurred_at": event.created_at.isoformat(),
        "unit": {"key": unit.key, "name": unit.name} if unit is not None else None,
        "object": {"type": event.object_type, "id": event.object_id},
        "payload": event.payload,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def post(url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST ``body`` to ``url`` (no redirects followed); DeliveryError unless 2xx."""
    parts = urlsplit(url)
    check_address(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname or "", parts.port, timeout=WEBHOOK_TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "namhoc-webhook/1",
                **headers,
            },
        )
        response = conn.getresponse()
        response.read(4096)
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"Không gửi được đến {parts.hostname}: {exc}") from None
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise DeliveryError(f"{parts.hostname} trả lời mã {response.status}.")


def _send_webhooks(batch: list[Delivery], now: dt.datetime, result: SendResult) -> None:
    if not batch:
        return
    events = [d.event for d in batch if d.event is not None]
    told = describe(events)
    units = {
        u.pk: u for u in OrgUnit.objects.filter(pk__in={e.unit_id for e in events if e.unit_id})
    }
    sent: list[int] = []
    for delivery in batch:
        webhook, event = delivery.webhook, delivery.event
        if webhook is None or event is None or not webhook.active:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SKIPPED, last_error="Webhook đã tắt hoặc đã xóa."
            )
            result.skipped += 1
            continue
        body = webhook_body(event, told[event.pk], units.get(event.unit_id or 0))
        headers = {
            **signed_headers(webhook.secret, body),
            "X-Namhoc-Event": event.kind,
            "X-Namhoc-Delivery": delivery.key,
        }
        try:
            post(webhook.url, body, headers)
        except DeliveryError as exc:
            _failed(delivery, str(exc), now, result)
            continue
        sent.append(delivery.pk)
    _sent(sent, now)
    result.sent += len(sent)


# --- the sender -----------------------------------------------------------------------------


def deliveries_send(*, now: dt.datetime | None = None, max_batches: int = 50) -> SendResult:
    """Send what is due, ``BATCH`` at a time, up to ``max_batches`` batches (the rest is sent
    by the next run). Safe to run twice and concurrently."""
    result = SendResult()
    for _ in range(max_batches):
        moment = now or timezone.now()
        batch = _claim(moment, BATCH)
        if not batch:
            break
        mails = [d for d in batch if d.channel != Delivery.Channel.WEBHOOK]
        hooks = [d for d in batch if d.channel == Delivery.Channel.WEBHOOK]
        _send_emails(mails, moment, result)
        _send_webhooks(hooks, moment, result)
    return result


def next_due() -> dt.datetime | None:
    """When the next pending delivery is due (for a deferred wake-up), or None."""
    return (
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def kinds_label(kinds: Iterable[str]) -> str:
    return ", ".join(KINDS[k].label for k in kinds if k in KINDS) or "mọi loại"
