"""Inspection plans, inspections, their checklists, findings and recommendations (ADR 0011).

- An :class:`InspectionPlan` is a unit's plan of inspections for one school year (one per unit
  and year).
- An :class:`Inspection` is one visit of the plan: its kind (a check by the managing level —
  kiểm tra; a school's internal check — kiểm tra nội bộ; a formal inspection by an inspectorate —
  thanh tra), the unit inspected, the dates, the team (:class:`InspectionMember`: people of the
  inspecting unit), a checklist (:class:`ChecklistItem`: items drawn from the inspected unit's
  tasks and indicators, or written freely, each with its result), the findings (kết luận) and
  the recommendations (:class:`Recommendation`, kiến nghị).
- Concluding keeps the conclusion as issued (number, date, signer, the .docx) and, when there
  are recommendations, publishes it as a document of the inspecting unit addressed to the
  inspected unit (a ``Directive`` of type "Kết luận") whose tasks are the recommendations, each
  assigned to the inspected unit with its deadline: the follow-up is ordinary tracked work, in
  the same work lists and dashboards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# Caps of the free texts (issue 9): each is the model field's ``max_length``, read by forms,
# schemas and use cases through ``core.parsing.text_cap``.
PLAN_NOTE_MAX = 5_000
FINDINGS_MAX = 20_000
RECOMMENDATION_MAX = 2_000
ITEM_NOTE_MAX = 1_000


class InspectionKind(models.TextChoices):
    CHECK = "kiem_tra", "Kiểm tra"
    INTERNAL = "noi_bo", "Kiểm tra nội bộ"
    INSPECTORATE = "thanh_tra", "Thanh tra"


class InspectionPlan(models.Model):
    """A unit's inspection plan for a school year (kế hoạch kiểm tra năm học)."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="đơn vị kiểm tra",
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    school_year = models.CharField("năm học", max_length=9)
    title = models.CharField("tên kế hoạch", max_length=300)
    note = models.TextField("nội dung", max_length=PLAN_NOTE_MAX, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "kế hoạch kiểm tra"
        verbose_name_plural = "kế hoạch kiểm tra"
        ordering = ["-school_year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "school_year"], name="inspplan_unit_year_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    """One inspection of the plan: a unit inspected, a team, a checklist, findings."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name="kế hoạch",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(
        "hình thức", max_length=10, choices=InspectionKind.choices, default=InspectionKind.CHECK
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="đơn vị được kiểm tra",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    subject = models.CharField("nội dung kiểm tra", max_length=500)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    findings = models.TextField("kết luận", max_length=FINDINGS_MAX, blank=True)
    conclusion = models.OneToOneField(
        "directives.Directive",
        verbose_name="văn bản kết luận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection",
    )
    # The conclusion as issued, kept whether or not it published a document with tasks: its
    # number ("chưa có số" allowed), date and signer, and the .docx drawn on that day — what
    # downloads afterwards, whatever the layout or the unit's name become.
    conclusion_number = models.CharField("số kết luận", max_length=80, blank=True)
    conclusion_date = models.DateField("ngày kết luận", null=True, blank=True)
    conclusion_signer = models.CharField("người ký kết luận", max_length=120, blank=True)
    conclusion_file = models.FileField(
        "tệp kết luận đã ban hành", upload_to="inspections/", max_length=255, blank=True
    )
    concluded_at = models.DateTimeField("kết luận lúc", null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "cuộc kiểm tra"
        verbose_name_plural = "cuộc kiểm tra"
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="inspection_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(concluded_at__isnull=True, conclusion__isnull=True)
                | Q(concluded_at__isnull=False),
                name="inspection_conclusion_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_concluded(self) -> bool:
        return self.concluded_at is not None


class InspectionMember(models.Model):
    """A person of the inspecting unit on the team."""

    class Role(models.TextChoices):
        LEAD = "truong_doan", "Trưởng đoàn"
        MEMBER = "thanh_vien", "Thành viên"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người",
        on_delete=models.PROTECT,
        related_name="inspection_memberships",
    )
    role = models.CharField("vai trò", max_length=12, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = "thành viên đoàn kiểm tra"
        verbose_name_plural = "thành viên đoàn kiểm tra"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="inspmember_unique"),
            models.UniqueConstraint(
                fields=["inspection"], condition=Q(role="truong_doan"), name="inspmember_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display().lower()})"


class ChecklistItem(models.Model):
    """One line of the checklist: drawn from a task assigned to the inspected unit, from an
    indicator it reports, or written freely; with its result once inspected."""

    class Result(models.TextChoices):
        PENDING = "", "Chưa đánh giá"
        MET = "dat", "Đạt"
        NOT_MET = "chua_dat", "Chưa đạt"
        NOT_APPLICABLE = "khong_ap_dung", "Không áp dụng"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("thứ tự")
    task = models.ForeignKey(
        "directives.DirectiveTask",
        verbose_name="nhiệm vụ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="chỉ số",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.CharField("nội dung", max_length=500)
    result = models.CharField(
        "kết quả", max_length=14, choices=Result.choices, default=Result.PENDING, blank=True
    )
    note = models.CharField("ghi chú", max_length=ITEM_NOTE_MAX, blank=True)

    class Meta:
        verbose_name = "mục kiểm tra"
        verbose_name_plural = "mục kiểm tra"
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="checklist_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(task__isnull=True) | Q(indicator__isnull=True),
                name="checklist_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Recommendation(models.Model):
    """A recommendation (kiến nghị) the inspected unit must carry out by ``deadline``. Once the
    inspection is concluded, ``task`` is its task in the conclusion and ``assignment`` the work
    given to the inspected unit."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    text = models.TextField("kiến nghị", max_length=RECOMMENDATION_MAX)
    deadline = models.DateField("thời hạn")
    task = models.OneToOneField(
        "directives.DirectiveTask",
        verbose_name="nhiệm vụ trong kết luận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendation",
    )
    assignment = models.OneToOneField(
        "tracking.Assignment",
        verbose_name="việc giao đơn vị",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendation",
    )

    class Meta:
        verbose_name = "kiến nghị"
        verbose_name_plural = "kiến nghị"
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="recommendation_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]
