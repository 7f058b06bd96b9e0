"""Stored documents, directives (draft -> published -> superseded), their tasks, cascade links.

A :class:`SourceDocument` is an uploaded (or pasted) original, kept byte for byte under a
sha256-based name, and what the reader (``namhoc.ingest``) made of it. A :class:`Directive` is
the record a unit keeps of a document it issued: header fields, key tasks, citations and targets,
corrected by a person, then published. A published directive is frozen; a later change is a new
revision (``previous`` points to the one it replaces, which becomes superseded on publish).

A directive names the upper directive it implements (``upper``); each of its tasks links to the
upper task(s) it carries out (:class:`TaskLink`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# Caps of the free texts people type or the reader fills (issue 9): each is the model field's
# ``max_length``, read by forms, schemas and use cases through ``core.parsing.text_cap``.
TASK_TEXT_MAX = 50_000  # a task's text: many pages of a directive (the seeds: 6,500 at most)
TARGET_SENTENCE_MAX = 1_000
HINT_TEXT_MAX = 2_000
PASTE_TEXT_MAX = 500_000  # pasted text of one directive (~200 pages)
TARGET_VALUE_MAX = Decimal("9999999999.9999")  # 14 digits, 4 after the point


class SourceDocument(models.Model):
    """An original file (or pasted text) and the reader's result. One per (unit, sha256)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ đọc"
        READING = "reading", "Đang đọc"
        READY = "ready", "Đã đọc xong"
        FAILED = "failed", "Không đọc được"

    class Format(models.TextChoices):
        TXT = "txt", "Văn bản thuần (.txt)"
        HTML = "html", "Trang web (.html)"
        DOCX = "docx", "Word (.docx)"
        DOC = "doc", "Word 97-2003 (.doc)"
        PDF = "pdf", "PDF"

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    filename = models.CharField("tên tệp gốc", max_length=255)
    format = models.CharField("định dạng", max_length=8, choices=Format.choices)
    size = models.PositiveIntegerField("dung lượng (byte)")
    file = models.FileField("tệp", upload_to="directives/", max_length=255)
    status = models.CharField(
        "trạng thái đọc", max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    status_message = models.CharField("thông báo", max_length=500, blank=True)
    text = models.TextField("văn bản đã chuẩn hóa", blank=True)
    extraction = models.JSONField("kết quả đọc", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    read_at = models.DateTimeField("đọc xong lúc", null=True, blank=True)
    # Reading survives a worker that dies mid-read (issue 9): each claim counts an attempt and
    # names its worker; progress refreshes the heartbeat. services.sources_recover re-queues a
    # read whose worker died (or that went silent), and gives up after READ_ATTEMPTS_MAX.
    read_attempts = models.PositiveSmallIntegerField("số lần bắt đầu đọc", default=0)
    read_worker = models.CharField("tiến trình đang đọc", max_length=64, blank=True)
    read_heartbeat_at = models.DateTimeField("lần cuối báo tiến độ", null=True, blank=True)

    class Meta:
        verbose_name = "tệp văn bản gốc"
        verbose_name_plural = "tệp văn bản gốc"
        constraints = [
            models.UniqueConstraint(fields=["unit", "sha256"], name="sourcedoc_unit_sha_unique")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)


class Directive(models.Model):
    """A unit's record of one issued document and its key tasks."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã ban hành"
        SUPERSEDED = "superseded", "Đã thay thế"

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="đơn vị ban hành",
        on_delete=models.PROTECT,
        related_name="directives",
    )
    source = models.ForeignKey(
        SourceDocument,
        verbose_name="tệp gốc",
        on_delete=models.PROTECT,
        related_name="directives",
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    revision = models.PositiveSmallIntegerField("lần sửa", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="thay thế bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_revision",
    )
    upper = models.ForeignKey(
        "self",
        verbose_name="thực hiện văn bản cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lower_directives",
    )
    # A document addressed to one unit only (an inspection's conclusion, ADR 0011): published,
    # it is read below its issuer by that unit's people and those above it, not by every unit
    # below the issuer (``access.visible_directives``); it is not announced to the child units
    # nor listed on the issuer's public page. Set by the use case that issues it, never edited.
    addressed_to = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="gửi riêng đơn vị",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    school_year = models.CharField("năm học", max_length=9, blank=True, db_index=True)
    doc_type = models.CharField("loại văn bản", max_length=60, blank=True)
    number = models.CharField("số, ký hiệu", max_length=80, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    place = models.CharField("địa danh", max_length=120, blank=True)
    title = models.CharField("trích yếu", max_length=500, blank=True)
    theme = models.CharField("chủ đề năm học", max_length=500, blank=True)
    unnumbered = models.BooleanField(
        "chưa có số, ngày",
        default=False,
        help_text="Văn bản chưa được cấp số, ngày: vẫn ban hành được trên hệ thống.",
    )
    # Number, title, issuer and every task's title and text, lower-cased without diacritics
    # (core.text.fold): "bac lieu" finds "Bạc Liêu". Kept by the services; never shown.
    search_folded = models.TextField("chỉ mục tìm kiếm", blank=True, default="", editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sửa gần nhất",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("ban hành trên hệ thống lúc", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "văn bản chỉ đạo"
        verbose_name_plural = "văn bản chỉ đạo"
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "school_year", "status"], name="directive_unit_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="directive_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        label = self.number or self.title or f"#{self.pk}"
        return f"{label} (bản {self.revision})" if self.revision > 1 else label

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def short_label(self) -> str:
        """A name for page titles and lists: the number, else the title (cut), never empty."""
        if self.number:
            return self.number
        if self.title:
            if len(self.title) <= 60:
                return self.title
            cut = self.title[:60].rsplit(" ", 1)[0] or self.title[:59]
            return cut.rstrip(" ,;:-–") + "…"
        return f"Văn bản #{self.pk}"

    @property
    def display_title(self) -> str:
        parts = [p for p in (self.doc_type, self.number) if p]
        head = " ".join(parts)
        if self.title:
            return f"{head} — {self.title}" if head else self.title
        return head or f"Văn bản #{self.pk}"


class DirectiveTask(models.Model):
    """One key task of a directive. ``start``/``end`` locate it in the source's normalized text
    (None once a person changed the text so that the span no longer says the same)."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField("thứ tự")
    label = models.CharField("số hiệu", max_length=20, blank=True)
    title = models.CharField("tên nhiệm vụ", max_length=500)
    text = models.TextField("nội dung", max_length=TASK_TEXT_MAX, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    origin = models.ForeignKey(
        "self",
        verbose_name="nhiệm vụ ở bản trước",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["directive", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "position"],
                name="task_directive_position_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()


class Citation(models.Model):
    """A document the directive cites (căn cứ, or the upper document it implements)."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="citations")
    number = models.CharField("số, ký hiệu", max_length=80)
    doc_type = models.CharField("loại văn bản", max_length=60, blank=True)
    issued_on = models.DateField("ngày", null=True, blank=True)
    raw = models.CharField("nguyên văn", max_length=300, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "văn bản được dẫn"
        verbose_name_plural = "văn bản được dẫn"
        ordering = ["directive", "start", "id"]

    def __str__(self) -> str:
        return self.number


class Target(models.Model):
    """A numeric target (chỉ tiêu) stated in the directive, attached to a task when it is in one."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(
        DirectiveTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    value = models.DecimalField(
        "giá trị",
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(TARGET_VALUE_MAX)],
    )
    unit_label = models.CharField("đơn vị tính", max_length=40, blank=True)
    sentence = models.TextField("câu nêu chỉ tiêu", max_length=TARGET_SENTENCE_MAX, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["directive", "start", "id"]
        constraints = [
            # The column's digits on every database (SQLite does not enforce numeric(14, 4)).
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=TARGET_VALUE_MAX),
                name="target_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value.normalize():f}{self.unit_label}"


class AssignmentHint(models.Model):
    """ "giao X chủ trì, phối hợp với Y": what the reader found, to pre-fill assignments."""

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="assignment_hints"
    )
    task = models.ForeignKey(
        DirectiveTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment_hints",
    )
    lead = models.JSONField("chủ trì", default=list, blank=True)
    support = models.JSONField("phối hợp", default=list, blank=True)
    text = models.TextField("nguyên văn", max_length=HINT_TEXT_MAX, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "gợi ý phân công"
        verbose_name_plural = "gợi ý phân công"
        ordering = ["directive", "start", "id"]

    def __str__(self) -> str:
        return ", ".join(self.lead) or self.text[:60]


class TaskLink(models.Model):
    """A lower task carries out an upper task. Proposed by namhoc (score), confirmed by a person."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Gợi ý"
        CONFIRMED = "confirmed", "Đã xác nhận"
        REJECTED = "rejected", "Đã bỏ"

    task = models.ForeignKey(DirectiveTask, on_delete=models.CASCADE, related_name="upper_links")
    upper_task = models.ForeignKey(
        DirectiveTask, on_delete=models.CASCADE, related_name="lower_links"
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    score = models.FloatField("điểm", null=True, blank=True)
    rank = models.PositiveSmallIntegerField("hạng", null=True, blank=True)
    lexical = models.FloatField("điểm từ vựng", null=True, blank=True)
    semantic = models.FloatField("điểm ngữ nghĩa", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "liên kết nhiệm vụ"
        verbose_name_plural = "liên kết nhiệm vụ"
        ordering = ["task", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "upper_task"], name="tasklink_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} -> {self.upper_task_id} ({self.status})"
