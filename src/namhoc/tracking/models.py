"""Assignments of tasks to units, progress updates, evidence files.

Status (DOMAIN.md) is not stored: it follows from ``completed_on``, ``deadline`` and today's
date in Asia/Ho_Chi_Minh, so it cannot go stale. The same rule is written once in Python
(:meth:`Assignment.status_on`) and once in SQL (``tracking.selectors.status_counts``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AssignmentStatus(models.TextChoices):
    DONE_ON_TIME = "done_on_time", "Hoàn thành đúng hạn"
    DONE_LATE = "done_late", "Hoàn thành quá hạn"
    IN_PROGRESS = "in_progress", "Đang thực hiện trong hạn"
    OVERDUE = "overdue", "Quá hạn chưa hoàn thành"


def status_of(*, completed_on: dt.date | None, deadline: dt.date | None, today: dt.date) -> str:
    """The DOMAIN.md status of one piece of work (dates are local, Asia/Ho_Chi_Minh)."""
    if completed_on is not None:
        if deadline is not None and completed_on > deadline:
            return AssignmentStatus.DONE_LATE
        return AssignmentStatus.DONE_ON_TIME
    if deadline is not None and deadline < today:
        return AssignmentStatus.OVERDUE
    return AssignmentStatus.IN_PROGRESS


class Assignment(models.Model):
    """A task given to a unit, as lead (chủ trì) or support (phối hợp), with a deadline."""

    class Role(models.TextChoices):
        LEAD = "lead", "Chủ trì"
        SUPPORT = "support", "Phối hợp"

    task = models.ForeignKey(
        "directives.DirectiveTask",
        verbose_name="nhiệm vụ",
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="đơn vị thực hiện",
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField("vai trò", max_length=8, choices=Role.choices, default=Role.LEAD)
    school_year = models.CharField("năm học", max_length=9, db_index=True)
    deadline = models.DateField("hạn hoàn thành", null=True, blank=True)
    target_value = models.DecimalField(
        "chỉ tiêu",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    target_unit = models.CharField("đơn vị tính", max_length=40, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    percent = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    completed_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    completed_on = models.DateField(
        "ngày hoàn thành", null=True, blank=True, help_text="local date of completed_at"
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who last changed the terms (role, deadline, target, note) and when: the version's author,
    # named in the conflict message. Null for rows saved before this column existed (unknown,
    # and not guessable) and for work assigned by the system. Progress reports do not touch
    # them (nor the version): they are the assignee's side, not the terms.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sửa phân công",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("sửa phân công lúc", default=timezone.now)

    class Meta:
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["school_year", "unit"], name="assignment_year_unit_idx"),
            models.Index(fields=["unit", "completed_on", "deadline"], name="assignment_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_task_unit_unique"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="assignment_percent_max"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True)
                | Q(target_value__gte=0, target_value__lt=10**10),
                name="assignment_target_in_range",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True, completed_on__isnull=True)
                | Q(completed_at__isnull=False, completed_on__isnull=False),
                name="assignment_completed_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.unit} ({self.get_role_display()})"

    def status_on(self, today: dt.date) -> str:
        return status_of(completed_on=self.completed_on, deadline=self.deadline, today=today)


PROGRESS_TEXT_MAX = 10_000  # characters in one progress report (a long page of text)
REVIEW_COMMENT_MAX = 2_000


class ProgressUpdate(models.Model):
    """What an assignee reports: text, percent done, evidence files — and how the assigner
    answered it (accepted, or returned with a comment)."""

    class Review(models.TextChoices):
        PENDING = "", "Chờ đơn vị giao việc xem xét"
        ACCEPTED = "accepted", "Đã chấp nhận"
        RETURNED = "returned", "Bị trả lại"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("nội dung", max_length=PROGRESS_TEXT_MAX)
    percent = models.PositiveSmallIntegerField("tiến độ (%)")
    created_at = models.DateTimeField("lúc", db_index=True)
    review = models.CharField(
        "xem xét", max_length=8, choices=Review.choices, default=Review.PENDING, blank=True
    )
    review_comment = models.TextField(
        "ý kiến của đơn vị giao việc", max_length=REVIEW_COMMENT_MAX, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xem xét",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("xem xét lúc", null=True, blank=True)

    class Meta:
        verbose_name = "cập nhật tiến độ"
        verbose_name_plural = "cập nhật tiến độ"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="update_percent_max"),
            models.CheckConstraint(
                condition=Q(review__in=["", "accepted", "returned"]), name="update_review_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.percent}% {self.created_at:%d/%m/%Y}"


class Evidence(models.Model):
    """A file proving progress (minh chứng), stored under a generated name, served as download."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to="evidence/", max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("loại nội dung", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
