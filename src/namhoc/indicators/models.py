"""The figures side of namhoc: what is reported, when, by whom, and the live roll-ups.

- :class:`DataElement` — one figure a unit reports ("số học sinh nữ tiểu học").
- :class:`Period` — a school year and its reporting points (start-of-year report as of 30/9,
  semester I, end of year).
- :class:`DataSet` — what a kind of unit reports for a kind of period (a report form).
- :class:`ValidationRule` — a check between figures of a data set ("girls <= pupils").
- :class:`Indicator` — factor x numerator / denominator, both sums of elements.
- :class:`Target` — the value an indicator must reach at a unit in a school year (chỉ tiêu).
- :class:`DataValue` — one figure of one unit for one period; optimistic ``version``.
- :class:`RollupEdge` — "values of unit U count toward unit T": the unit itself, its ancestors
  by ``path``, and for a dissolved unit its current successor's chain (ADR 0005).
- :class:`Aggregate` — sum and count of the values rolled into (unit, element, period), kept up
  to date by the write's own transaction with ``F()`` increments, and a version moved by each.
- :class:`Approval` — a unit approved a data set for a period: its subtree's values are locked.
- :class:`ApprovalEvent` — the history of approvals and un-approvals (with the reason given).
- :class:`RollupState` — one row: the org tree the roll-ups were last rebuilt for (a marker) and
  whether a rebuild has been requested, so pages notice a changed tree (ADR 0005).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from namhoc.orgunits.models import OrgUnit

VALUE_DIGITS = 18
VALUE_PLACES = 2
TOTAL_DIGITS = 24
# The largest figure or target a column holds (9.999.999.999.999.999,99); CHECK constraints and
# the parser (``core.parsing.parse_decimal`` with the column's digits) keep every write within it.
VALUE_MAX = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES) - Decimal(1).scaleb(-VALUE_PLACES)
REASON_MAX = 500  # characters of an un-approval's reason


class Aggregation(models.TextChoices):
    SUM = "sum", "Cộng dồn"
    AVERAGE = "average", "Trung bình (tổng / số đơn vị báo cáo)"


class ValueType(models.TextChoices):
    INTEGER = "integer", "Số nguyên"
    NUMBER = "number", "Số thập phân"
    BOOLEAN = "boolean", "Có/Không (1/0)"


class DataElement(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=80)
    value_type = models.CharField(
        "kiểu giá trị", max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        "cách tổng hợp", max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    unit_label = models.CharField("đơn vị tính", max_length=40, blank=True)
    source = models.CharField(
        "nguồn", max_length=255, blank=True, help_text="form / legal basis the figure comes from"
    )
    official_code = models.CharField(
        "mã chính thức",
        max_length=20,
        blank=True,
        help_text="code in the statistics regime, when verified; blank means a namhoc code",
    )
    description = models.TextField("giải thích", blank=True)

    class Meta:
        verbose_name = "chỉ số dữ liệu"
        verbose_name_plural = "chỉ số dữ liệu"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Period(models.Model):
    class Kind(models.TextChoices):
        START = "start", "Đầu năm học"
        SEMESTER_1 = "hk1", "Học kỳ I"
        END = "end", "Cuối năm học"

    code = models.CharField("mã", max_length=20, unique=True, help_text="'2025-2026.DN'")
    school_year = models.CharField("năm học", max_length=9, db_index=True, help_text="'2025-2026'")
    kind = models.CharField("loại kỳ", max_length=5, choices=Kind.choices)
    name = models.CharField("tên", max_length=120)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    as_of = models.DateField("số liệu tính đến ngày")
    due = models.DateField("hạn nộp")

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["as_of", "start"]  # time order: "Đầu năm học" (30/9) before "Học kỳ I"
        constraints = [
            models.UniqueConstraint(fields=["school_year", "kind"], name="period_year_kind_unique"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_range"),
        ]

    def __str__(self) -> str:
        return self.name


class DataSet(models.Model):
    """A report form: the elements a kind of unit reports for the given kinds of period."""

    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    source = models.CharField("căn cứ", max_length=255, blank=True)
    unit_kind = models.CharField("cấp đơn vị báo cáo", max_length=10, choices=OrgUnit.Kind.choices)
    school_levels = models.JSONField(
        "cấp học", default=list, blank=True, help_text="empty: every unit of unit_kind"
    )
    period_kinds = models.JSONField("loại kỳ", default=list)
    elements = models.ManyToManyField(
        DataElement, through="DataSetElement", related_name="data_sets", verbose_name="chỉ số"
    )

    class Meta:
        verbose_name = "biểu báo cáo"
        verbose_name_plural = "biểu báo cáo"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, unit: OrgUnit) -> bool:
        if unit.kind != self.unit_kind:
            return False
        return not self.school_levels or unit.school_level in self.school_levels

    def collected_in(self, period: Period) -> bool:
        """The form is sent in for ``period`` (its kind is one of the form's period kinds)."""
        return period.kind in (self.period_kinds or ())


class DataSetElement(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    section = models.CharField("mục", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    required = models.BooleanField("bắt buộc", default=True)

    class Meta:
        verbose_name = "chỉ số trong biểu"
        verbose_name_plural = "chỉ số trong biểu"
        ordering = ["data_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "element"], name="dataset_element_unique")
        ]

    def __str__(self) -> str:
        return f"{self.data_set_id}: {self.element_id}"


class ValidationRule(models.Model):
    """``left operator right``, both sides sums of element codes (see ``formulas``)."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        EQ = "==", "="
        GE = ">=", "≥"

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField("mã", max_length=40)
    left = models.CharField("vế trái", max_length=255)
    operator = models.CharField("so sánh", max_length=2, choices=Operator.choices)
    right = models.CharField("vế phải", max_length=255)
    message = models.CharField(
        "thông báo",
        max_length=255,
        help_text="Vietnamese; {left} and {right} are replaced by the figures",
    )

    class Meta:
        verbose_name = "quy tắc kiểm tra"
        verbose_name_plural = "quy tắc kiểm tra"
        constraints = [
            models.UniqueConstraint(fields=["data_set", "code"], name="rule_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", "Càng cao càng tốt"
        LOWER = "lower", "Càng thấp càng tốt"

    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    group = models.CharField("nhóm", max_length=120, blank=True)
    numerator = models.CharField("tử số", max_length=500)
    denominator = models.CharField("mẫu số", max_length=500, blank=True, help_text="blank: 1")
    factor = models.DecimalField("hệ số", max_digits=10, decimal_places=2, default=Decimal(1))
    unit_label = models.CharField("đơn vị tính", max_length=40, blank=True)
    decimals = models.PositiveSmallIntegerField("số chữ số thập phân", default=1)
    direction = models.CharField(
        "chiều tốt", max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    good_threshold = models.DecimalField(
        "ngưỡng xanh",
        max_digits=12,
        decimal_places=2,
        default=Decimal(100),
        help_text="attainment (% of target) from which the value is shown green",
    )
    warn_threshold = models.DecimalField(
        "ngưỡng vàng",
        max_digits=12,
        decimal_places=2,
        default=Decimal(90),
        help_text="attainment (% of target) from which the value is shown amber; below: red",
    )
    source = models.CharField("căn cứ", max_length=255, blank=True)
    official_code = models.CharField(
        "mã chính thức",
        max_length=20,
        blank=True,
        help_text="4-digit code of Thông tư 03/2024/TT-BGDĐT when verified; blank: namhoc code",
    )
    description = models.TextField("giải thích", blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "chỉ tiêu thống kê"
        verbose_name_plural = "chỉ tiêu thống kê"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_additive(self) -> bool:
        """A plain total (no denominator): child targets must add up to the parent's."""
        return not self.denominator.strip()


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="indicator_targets")
    school_year = models.CharField("năm học", max_length=9)
    value = models.DecimalField("chỉ tiêu", max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    allocated_from = models.ForeignKey(
        "self",
        verbose_name="phân bổ từ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocations",
    )
    source = models.CharField("văn bản giao", max_length=255, blank=True, help_text="'102/KH-UBND'")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "chỉ tiêu giao"
        verbose_name_plural = "chỉ tiêu giao"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "school_year"], name="target_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=VALUE_MAX),
                name="indicators_target_value_in_range",
            ),
        ]
        indexes = [models.Index(fields=["unit", "school_year"], name="target_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} @ {self.unit_id} {self.school_year}: {self.value}"


class DataValue(models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("giá trị", max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "số liệu"
        verbose_name_plural = "số liệu"
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "element"], name="datavalue_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=VALUE_MAX), name="indicators_value_in_range"
            ),
        ]
        indexes = [models.Index(fields=["period", "element"], name="datavalue_period_el_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.element_id}/{self.period_id} = {self.value}"


class RollupEdge(models.Model):
    """Values entered for ``unit`` count toward ``target`` (the unit itself included)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "quan hệ tổng hợp"
        verbose_name_plural = "quan hệ tổng hợp"
        constraints = [
            models.UniqueConstraint(fields=["unit", "target"], name="rollup_edge_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} -> {self.target_id}"


class Aggregate(models.Model):
    """Sum and count of every value rolled into (unit, element, period). Written by deltas."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(
        "tổng", max_digits=TOTAL_DIGITS, decimal_places=VALUE_PLACES, default=Decimal(0)
    )
    count = models.IntegerField("số đơn vị báo cáo", default=0)
    # Moved by one with every delta (``rollup.apply_deltas``): the sum over a unit's rows changes
    # with every figure saved in its subtree, which keys the cached pages (``pagecache``). A
    # rebuild writes the rows anew (version 0); the pages' key holds the rebuild's time too.
    version = models.PositiveBigIntegerField("phiên bản", db_default=0)

    class Meta:
        verbose_name = "số liệu tổng hợp"
        verbose_name_plural = "số liệu tổng hợp"
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "element"], name="aggregate_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="aggregate_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Σ {self.unit_id}/{self.element_id}/{self.period_id} = {self.total} ({self.count})"


class Approval(models.Model):
    """``unit`` approved ``data_set`` for ``period``: values in its subtree are locked."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="approvals")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("phê duyệt lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phê duyệt số liệu"
        verbose_name_plural = "phê duyệt số liệu"
        constraints = [
            models.UniqueConstraint(fields=["unit", "data_set", "period"], name="approval_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} duyệt {self.data_set_id} kỳ {self.period_id}"


class ApprovalEvent(models.Model):
    """One step in the approval history of (unit, data set, period): an approval, or an
    un-approval with the reason the person above gave. Kept when the approval itself is removed,
    shown on the unit's page (issue 11.6)."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Phê duyệt"
        REVOKE = "revoke", "Hủy phê duyệt"

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("việc", max_length=10, choices=Kind.choices)
    reason = models.CharField("lý do", max_length=REASON_MAX, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("lúc", default=timezone.now)

    class Meta:
        verbose_name = "lịch sử phê duyệt"
        verbose_name_plural = "lịch sử phê duyệt"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["unit", "data_set", "period"], name="approvalevent_scope_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["approve", "revoke"]), name="approvalevent_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(kind="approve") | ~Q(reason=""), name="approvalevent_revoke_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} {self.data_set_id} {self.period_id}"


class RollupState(models.Model):
    """One row (id 1): the org tree the roll-ups were last rebuilt for, as a marker
    (``selectors.tree_marker``), and when a rebuild was last requested and not yet done."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    marker = models.CharField(
        "cây đơn vị khi tính",
        max_length=200,
        blank=True,
        help_text="marker of the org tree at the last rebuild; blank: never rebuilt",
    )
    built_at = models.DateTimeField("tính lại lúc", null=True, blank=True)
    rebuild_requested_at = models.DateTimeField("yêu cầu tính lại lúc", null=True, blank=True)

    class Meta:
        verbose_name = "trạng thái số liệu tổng hợp"
        verbose_name_plural = "trạng thái số liệu tổng hợp"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="rollupstate_single_row")]

    def __str__(self) -> str:
        return f"tổng hợp theo cây {self.marker or '—'}"


class CatalogueVersion(models.Model):
    """One row (id 1): a token that database triggers rewrite, in the writing transaction, on
    every change of the figures catalogue's tables — periods, data sets, their members,
    elements, rules — whoever makes it (namhoc, the admin, a shell, a data migration). The
    catalogue snapshot (``indicators.snapshot``) is kept under it (migration 0005)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField("phiên bản danh mục", max_length=64)

    class Meta:
        verbose_name = "phiên bản danh mục số liệu"
        verbose_name_plural = "phiên bản danh mục số liệu"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="catalogueversion_single_row")
        ]

    def __str__(self) -> str:
        return f"danh mục {self.token[:8]}"
