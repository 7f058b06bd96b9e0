"""Notices per person, their e-mail and webhook deliveries, preferences, webhooks, and the
scheduler's record of its runs (ADR 0009)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from namhoc.notifications.kinds import Mode

QUIET_START = dt.time(21, 0)
QUIET_END = dt.time(6, 30)
WEBHOOK_URL_MAX = 500
WEBHOOK_NAME_MAX = 100
ERROR_MAX = 1000


class NoticeSettings(models.Model):
    """A person's e-mail settings: quiet hours (local time; no e-mail then, held until they
    end) and whether e-mail is sent at all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_settings"
    )
    email_enabled = models.BooleanField("nhận thư điện tử", default=True)
    quiet_start = models.TimeField("giờ yên lặng từ", default=QUIET_START)
    quiet_end = models.TimeField("đến", default=QUIET_END)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "cài đặt thông báo"
        verbose_name_plural = "cài đặt thông báo"

    def __str__(self) -> str:
        return f"{self.user}: {self.quiet_start:%H:%M}–{self.quiet_end:%H:%M}"


class Preference(models.Model):
    """How one person wants one kind of notice (absent: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField("loại thông báo", max_length=40)
    mode = models.CharField("cách nhận", max_length=8, choices=Mode.choices)

    class Meta:
        verbose_name = "lựa chọn thông báo"
        verbose_name_plural = "lựa chọn thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_user_kind_unique"),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="preference_mode_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.mode}"


class Notice(models.Model):
    """One event told to one person. Unique per (event, person): dispatching twice adds none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    event = models.ForeignKey("core.Event", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("loại", max_length=40)
    unit_id = models.BigIntegerField("đơn vị", null=True, blank=True)
    email = models.CharField(
        "thư", max_length=8, choices=Mode.choices, help_text="the person's mode when it was made"
    )
    created_at = models.DateTimeField("lúc", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    digested_at = models.DateTimeField("đã vào thư tổng hợp lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notice_event_user_unique"),
        ]
        indexes = [
            models.Index(fields=["user", "-id"], name="notice_user_idx"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notice_unread_idx"
            ),
            models.Index(
                fields=["user", "id"],
                condition=Q(email="digest", digested_at__isnull=True),
                name="notice_digest_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} #{self.event_id}"


class Webhook(models.Model):
    """A unit's bridge to another system (Zalo OA, an e-office system): every event about a
    unit in its subtree, of the chosen kinds, POSTed as signed JSON."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("tên", max_length=WEBHOOK_NAME_MAX)
    url = models.CharField("địa chỉ nhận", max_length=WEBHOOK_URL_MAX)
    secret = models.CharField("khóa ký", max_length=64)
    kinds = models.CharField(
        "loại sự kiện",
        max_length=1000,
        blank=True,
        help_text="',a,b,' — blank: every kind (the form keeps this shape for SQL matching)",
    )
    active = models.BooleanField("đang dùng", default=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    secret_rotated_at = models.DateTimeField("đổi khóa lúc", default=timezone.now)

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhook"
        ordering = ["unit", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_id})"

    @property
    def kind_list(self) -> list[str]:
        return [k for k in self.kinds.split(",") if k]


class Delivery(models.Model):
    """One message to send: a notice by e-mail, a person's daily digest, or an event to a
    webhook. Retried with back-off; after the last attempt it stays ``failed`` for admins."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Thư điện tử"
        DIGEST = "digest", "Thư tổng hợp"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Gửi không được"
        SKIPPED = "skipped", "Bỏ qua"

    key = models.CharField("khóa chống trùng", max_length=160, unique=True)
    channel = models.CharField("kênh", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "trạng thái", max_length=8, choices=Status.choices, default=Status.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    unit_id = models.BigIntegerField(
        "đơn vị", null=True, blank=True, help_text="whose admins see it when it fails"
    )
    payload = models.JSONField("chi tiết", default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    next_attempt_at = models.DateTimeField("thử lại lúc", default=timezone.now)
    last_error = models.CharField("lỗi gần nhất", max_length=ERROR_MAX, blank=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lần gửi"
        verbose_name_plural = "lần gửi"
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="delivery_due_idx",
            ),
            models.Index(
                fields=["unit_id", "-id"], condition=Q(status="failed"), name="delivery_failed_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "skipped"]),
                name="delivery_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ScheduledRun(models.Model):
    """The scheduler's memory of one periodic job: the last slot it claimed (a run missed while
    namhoc was down is due once at start) and how the last run went."""

    job = models.CharField("việc", max_length=40, unique=True)
    last_slot = models.DateTimeField("lượt gần nhất", null=True, blank=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)
    ok = models.BooleanField("thành công", null=True, blank=True)
    summary = models.CharField("kết quả", max_length=ERROR_MAX, blank=True)

    class Meta:
        verbose_name = "lượt chạy định kỳ"
        verbose_name_plural = "lượt chạy định kỳ"
        ordering = ["job"]

    def __str__(self) -> str:
        return f"{self.job} @ {self.last_slot}"
