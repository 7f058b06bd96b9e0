"""Emulation and commendation (thi đua – khen thưởng) of a school year (ADR 0011).

- An :class:`EmulationRound` is the year's emulation of a unit: its council (hội đồng thi đua –
  khen thưởng, :class:`CouncilMember`: people of that unit) reviews the titles that the units
  below it and the people of its subtree register. It moves through registration (start of the
  year) → self-assessment (year end) → council vote → decision (Quyết định khen thưởng).
- A :class:`Registration` is one title registered by a unit (a collective title) or a person (an
  individual title), with its year-end self-assessment, evidence files
  (:class:`RegistrationEvidence`) and the score namhoc computed from the year's record when it
  was submitted; then its result.
- A :class:`Vote`: one council member's vote on one registration — once, never changed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

SELF_ASSESSMENT_MAX = 10_000
SCORE_MAX = Decimal("100.0")


class EmulationRound(models.Model):
    class Status(models.TextChoices):
        REGISTRATION = "registration", "Đăng ký danh hiệu"
        ASSESSMENT = "assessment", "Tự đánh giá cuối năm"
        VOTING = "voting", "Hội đồng xét, bỏ phiếu"
        DECIDED = "decided", "Đã có quyết định khen thưởng"

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="đơn vị xét (hội đồng)",
        on_delete=models.PROTECT,
        related_name="emulation_rounds",
    )
    school_year = models.CharField("năm học", max_length=9)
    title = models.CharField("tên đợt", max_length=300)
    status = models.CharField(
        "giai đoạn", max_length=14, choices=Status.choices, default=Status.REGISTRATION
    )
    # Votes count only when at least ``quorum_percent`` % of the members voted on a candidate; a
    # candidate passes when more than ``threshold_percent`` % of ALL members agreed. The unit
    # sets both from its council's rules; namhoc does not derive them from the law.
    quorum_percent = models.PositiveSmallIntegerField(
        "tỷ lệ thành viên bỏ phiếu tối thiểu (%)",
        default=67,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    threshold_percent = models.PositiveSmallIntegerField(
        "tỷ lệ đồng ý phải vượt (%)",
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
    )
    decision_number = models.CharField("số quyết định", max_length=80, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decided_at = models.DateTimeField("quyết định lúc", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "đợt thi đua"
        verbose_name_plural = "đợt thi đua"
        ordering = ["-school_year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "school_year"], name="emuround_unit_year_unique"
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=1, quorum_percent__lte=100),
                name="emuround_quorum_in_range",
            ),
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0, threshold_percent__lte=99),
                name="emuround_threshold_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decided_at__isnull=False),
                name="emuround_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Kind(models.TextChoices):
        COLLECTIVE = "collective", "Tập thể"
        INDIVIDUAL = "individual", "Cá nhân"

    class Status(models.TextChoices):
        REGISTERED = "registered", "Đã đăng ký"
        SUBMITTED = "submitted", "Đã nộp tự đánh giá"
        WITHDRAWN = "withdrawn", "Đã rút"

    class Result(models.TextChoices):
        PENDING = "", "Chưa có kết quả"
        AWARDED = "awarded", "Được công nhận"
        NOT_AWARDED = "not_awarded", "Không được công nhận"

    round = models.ForeignKey(
        EmulationRound, verbose_name="đợt", on_delete=models.PROTECT, related_name="registrations"
    )
    title = models.CharField("danh hiệu", max_length=40)
    kind = models.CharField("đối tượng", max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        related_name="emulation_registrations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emulation_registrations",
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.REGISTERED
    )
    result = models.CharField(
        "kết quả", max_length=12, choices=Result.choices, default=Result.PENDING, blank=True
    )
    self_assessment = models.TextField("tự đánh giá", max_length=SELF_ASSESSMENT_MAX, blank=True)
    declared = models.JSONField("tiêu chí tự khai", default=dict, blank=True)
    score = models.DecimalField(
        "điểm namhoc tính",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
    )
    criteria = models.JSONField("kết quả từng tiêu chí lúc nộp", default=list, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "đăng ký danh hiệu"
        verbose_name_plural = "đăng ký danh hiệu"
        ordering = ["round", "kind", "unit__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="collective", person__isnull=True)
                | Q(kind="individual", person__isnull=False),
                name="registration_kind_matches_person",
            ),
            # One title a year for a unit, one for a person (a withdrawn one frees the place).
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(kind="collective") & ~Q(status="withdrawn"),
                name="registration_one_per_unit",
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(kind="individual") & ~Q(status="withdrawn"),
                name="registration_one_per_person",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=SCORE_MAX),
                name="registration_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        from namhoc.emulation.titles import title_by_code

        title = title_by_code(self.title)
        name = title.name if title else self.title
        who = str(self.person) if self.person_id else str(self.unit)
        return f"{name} — {who}"


class RegistrationEvidence(models.Model):
    """A file proving what the self-assessment says (checked by content, stored by sha256)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("tệp", upload_to="emulation/", max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("loại", max_length=120)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "minh chứng thi đua"
        verbose_name_plural = "minh chứng thi đua"
        ordering = ["registration", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CouncilMember(models.Model):
    """A member of the council (hội đồng thi đua – khen thưởng): a person of the round's unit."""

    class Role(models.TextChoices):
        CHAIR = "chu_tich", "Chủ tịch hội đồng"
        VICE = "pho_chu_tich", "Phó Chủ tịch hội đồng"
        SECRETARY = "thu_ky", "Thư ký hội đồng"
        MEMBER = "uy_vien", "Ủy viên"

    round = models.ForeignKey(EmulationRound, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người",
        on_delete=models.PROTECT,
        related_name="council_seats",
    )
    role = models.CharField("vai trò", max_length=14, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField("thêm lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thành viên hội đồng thi đua"
        verbose_name_plural = "thành viên hội đồng thi đua"
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="council_member_unique"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(role="chu_tich"), name="council_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display().lower()})"


class Vote(models.Model):
    """One member's vote on one registration: cast once, never changed (the database holds
    it to that: one row per member and registration)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="votes")
    agree = models.BooleanField("đồng ý")
    cast_at = models.DateTimeField("bỏ phiếu lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phiếu bầu"
        verbose_name_plural = "phiếu bầu"
        constraints = [
            models.UniqueConstraint(fields=["registration", "member"], name="vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {'đồng ý' if self.agree else 'không đồng ý'}"
