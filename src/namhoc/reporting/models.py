"""Drafted documents: reports and plans in the official layout, and a unit's own templates.

- :class:`ReportDraft` — one drafting of one kind of document for one unit: the year-end or
  semester report of a school year, or the implementing plan of a directive above. Drafting the
  same (unit, kind, year — or directive) again makes version n+1; older versions stay. The .docx
  and its Excel annex are stored under sha256 names and served only through the access layer.
- :class:`ReportTemplate` — a unit's own .docx (docxtpl/Jinja tags) replacing the built-in
  layout for one kind of document, for the unit and everything below it (the nearest unit's
  template wins). Replacing or removing one keeps the old row (``retired_at``) for the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReportKind(models.TextChoices):
    YEAR_END = "year_end", "Báo cáo tổng kết năm học"
    SEMESTER = "semester", "Báo cáo sơ kết học kỳ I"
    PLAN = "plan", "Kế hoạch thực hiện nhiệm vụ năm học"


def kind_phrase(kind: str) -> str:
    """The kind inside a sentence: "báo cáo sơ kết học kỳ I" (only the first letter lowered)."""
    label = str(ReportKind(kind).label)
    return label[:1].lower() + label[1:]


class ReportTemplate(models.Model):
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("loại văn bản", max_length=10, choices=ReportKind.choices)
    file = models.FileField("tệp", upload_to="report-templates/", max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    tags = models.JSONField("thẻ dùng trong mẫu", default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("tải lên lúc")
    retired_at = models.DateTimeField("thôi dùng từ", null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "mẫu báo cáo riêng"
        verbose_name_plural = "mẫu báo cáo riêng"
        ordering = ["unit__path", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=Q(retired_at__isnull=True),
                name="reporttemplate_one_in_use",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="reporttemplate_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"

    @property
    def kind_phrase(self) -> str:
        return kind_phrase(self.kind)

    @property
    def in_use(self) -> bool:
        return self.retired_at is None


class ReportDraft(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ soạn"
        RUNNING = "running", "Đang soạn"
        DONE = "done", "Đã soạn xong"
        FAILED = "failed", "Không soạn được"

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("loại văn bản", max_length=10, choices=ReportKind.choices)
    school_year = models.CharField("năm học", max_length=9)
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name="văn bản cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField("lần soạn")
    signer_title = models.CharField("chức vụ người ký", max_length=120, blank=True)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    status = models.CharField(
        "trạng thái", max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    stage = models.CharField("đang làm", max_length=200, blank=True)
    message = models.CharField("thông báo", max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)
    template = models.ForeignKey(
        ReportTemplate,
        verbose_name="mẫu riêng đã dùng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("trích yếu", max_length=500, blank=True)
    file = models.FileField("tệp Word", upload_to="reports/", max_length=255, blank=True)
    file_size = models.PositiveIntegerField("dung lượng Word (byte)", default=0)
    annex = models.FileField("phụ lục Excel", upload_to="reports/", max_length=255, blank=True)
    annex_size = models.PositiveIntegerField("dung lượng phụ lục (byte)", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("yêu cầu lúc")
    started_at = models.DateTimeField("bắt đầu soạn lúc", null=True, blank=True)
    finished_at = models.DateTimeField("soạn xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "dự thảo báo cáo"
        verbose_name_plural = "dự thảo báo cáo"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "kind", "school_year"], name="reportdraft_series_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "school_year", "version"],
                condition=Q(directive__isnull=True),
                name="reportdraft_year_version_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "directive", "version"],
                condition=Q(directive__isnull=False),
                name="reportdraft_plan_version_unique",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportdraft_progress_max"),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="reportdraft_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(kind="plan", directive__isnull=False)
                | (~Q(kind="plan") & Q(directive__isnull=True)),
                name="reportdraft_plan_has_directive",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="reportdraft_version_min"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year} — bản {self.version}"

    @property
    def kind_phrase(self) -> str:
        return kind_phrase(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
