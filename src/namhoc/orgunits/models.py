"""The hierarchy of org units.

Ministry -> provinces -> (districts, before 2025) -> communes -> schools.

Each unit has validity dates. ``path`` is the materialized path of the unit in the *current*
tree (or in the tree of its last day, for a dissolved unit): fixed-width segments so that a
subtree is one indexed prefix range on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

REFORM_DATE = dt.date(2025, 7, 1)
"""The day the 2025 reform took effect: districts abolished, provinces and communes merged."""

LEGACY_COMMUNE_LABEL = "Xã, phường, thị trấn"


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", "Bộ"
        PROVINCE = "province", "Tỉnh, thành phố"
        DISTRICT = "district", "Quận, huyện, thị xã (trước 1/7/2025)"
        COMMUNE = "commune", "Xã, phường, đặc khu"
        SCHOOL = "school", "Cơ sở giáo dục"

    class SchoolLevel(models.TextChoices):
        PRESCHOOL = "mam_non", "Mầm non"
        PRIMARY = "tieu_hoc", "Tiểu học"
        LOWER_SECONDARY = "thcs", "Trung học cơ sở"
        UPPER_SECONDARY = "thpt", "Trung học phổ thông"
        MULTI_LEVEL = "lien_cap", "Liên cấp"
        CONTINUING = "gdtx", "Giáo dục thường xuyên"

    class Ownership(models.TextChoices):
        PUBLIC = "public", "Công lập"
        PRIVATE = "private", "Ngoài công lập"

    key = models.CharField(
        "mã định danh",
        max_length=40,
        unique=True,
        help_text="Unique across eras, e.g. 'p2025-01', 'c2025-00004', 'd1979-271', 's-01-00042'.",
    )
    code = models.CharField("mã hành chính", max_length=20, blank=True, db_index=True)
    kind = models.CharField("cấp", max_length=10, choices=Kind.choices, db_index=True)
    name = models.CharField("tên", max_length=255)
    unit_type = models.CharField(
        "loại", max_length=40, blank=True, help_text="Tỉnh, Thành phố, Xã, Phường, Đặc khu, Huyện…"
    )
    name_folded = models.CharField(
        "tên không dấu",
        max_length=255,
        db_index=True,
        editable=False,
        help_text="lower case, no diacritics: the search key ('tu ky' finds 'Tứ Kỳ').",
    )
    office_name = models.CharField(
        "cơ quan giáo dục",
        max_length=255,
        blank=True,
        help_text="Sở GDĐT (province), Phòng GDĐT (district), Phòng Văn hóa - Xã hội (commune).",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("đường dẫn", max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField("độ sâu")
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField(
        "hết hiệu lực từ",
        null=True,
        blank=True,
        help_text="exclusive: the first day it no longer exists",
    )
    school_level = models.CharField(
        "cấp học", max_length=10, choices=SchoolLevel.choices, blank=True
    )
    ownership = models.CharField("loại hình", max_length=10, choices=Ownership.choices, blank=True)
    is_synthetic = models.BooleanField(
        "dữ liệu tổng hợp",
        default=False,
        help_text="Generated for demonstration, not a real institution.",
    )

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "valid_to"], name="orgunit_kind_valid_idx"),
            models.Index(fields=["parent", "name"], name="orgunit_parent_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_legacy(self) -> bool:
        """A unit of the administrative set in force until 30/6/2025."""
        return self.valid_to is not None and self.valid_to <= REFORM_DATE

    @property
    def kind_label(self) -> str:
        """The level as people call it in the unit's own era: a commune of the pre-2025 set is a
        "xã, phường, thị trấn" (there were no đặc khu then)."""
        return kind_label(self.kind, self.school_level, legacy=self.is_legacy)


def kind_label(kind: str, school_level: str = "", *, legacy: bool = False) -> str:
    """The Vietnamese name of a level (a school's: its school level), in the pre-2025 wording
    when ``legacy``."""
    if kind == OrgUnit.Kind.SCHOOL and school_level in OrgUnit.SchoolLevel.values:
        return str(OrgUnit.SchoolLevel(school_level).label)
    if kind == OrgUnit.Kind.COMMUNE and legacy:
        return LEGACY_COMMUNE_LABEL
    return str(OrgUnit.Kind(kind).label) if kind in OrgUnit.Kind.values else kind


class OrgUnitPlacement(models.Model):
    """Where a unit sat in the tree during a period: its parent and its path then.

    Every unit has at least one placement; the open one (or the last one, for a dissolved unit)
    repeats ``OrgUnit.parent``/``path``. "As of" queries read placements, current queries read
    ``OrgUnit.path`` directly. Paths are unique across all periods, so a prefix range on
    ``path`` plus a validity filter gives the subtree of any date.
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="placements"
    )
    parent = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_placements",
    )
    path = models.CharField("đường dẫn", max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField("độ sâu")
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_to = models.DateField(
        "đến ngày (không gồm)", null=True, blank=True, help_text="exclusive"
    )

    class Meta:
        verbose_name = "vị trí trong cây đơn vị"
        verbose_name_plural = "vị trí trong cây đơn vị"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["unit", "valid_to"], name="placement_unit_valid_idx"),
            models.Index(fields=["parent", "valid_to"], name="placement_parent_valid_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="placement_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.path} [{self.valid_from} – {self.valid_to})"


class OrgUnitEvent(models.Model):
    """A change to the hierarchy on a date: merge, split, rename, move, establish, dissolve.

    The units it touched are linked through :class:`OrgUnitSuccession` (predecessor -> successor;
    a rename or a move links the unit to itself).
    """

    class Kind(models.TextChoices):
        ESTABLISH = "establish", "Thành lập"
        MERGE = "merge", "Sáp nhập, hợp nhất"
        SPLIT = "split", "Chia tách"
        REORGANIZE = "reorganize", "Sắp xếp lại (giữ nguyên địa giới)"
        RENAME = "rename", "Đổi tên"
        MOVE = "move", "Chuyển đơn vị cấp trên"
        DISSOLVE = "dissolve", "Giải thể"

    key = models.CharField(
        "mã sự kiện",
        max_length=80,
        unique=True,
        help_text="Stable, for idempotent loads: 'reform-2025:c2025-00004'; services use a uuid.",
    )
    kind = models.CharField("loại thay đổi", max_length=12, choices=Kind.choices, db_index=True)
    date = models.DateField("ngày hiệu lực", db_index=True)
    title = models.CharField("nội dung", max_length=255)
    legal_basis = models.CharField("căn cứ", max_length=255, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thay đổi đơn vị"
        verbose_name_plural = "thay đổi đơn vị"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.title}"


class OrgUnitSuccession(models.Model):
    """One predecessor -> successor link of an event.

    ``share`` says whether all of the predecessor went to this successor or a part of it (a split
    commune); ``is_primary`` marks the one successor that carries the predecessor's figures
    forward (exactly one per predecessor and event, unless the predecessor lives on).
    """

    class Share(models.TextChoices):
        WHOLE = "whole", "Toàn bộ"
        PART = "part", "Một phần"

    event = models.ForeignKey(OrgUnitEvent, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị trước",
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị sau",
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    share = models.CharField(
        "phần chuyển", max_length=5, choices=Share.choices, default=Share.WHOLE
    )
    is_primary = models.BooleanField("kế thừa số liệu", default=True)

    class Meta:
        verbose_name = "kế thừa đơn vị"
        verbose_name_plural = "kế thừa đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "predecessor", "successor"], name="succession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id} ({self.share})"
