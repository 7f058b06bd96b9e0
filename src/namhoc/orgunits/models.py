"""The hierarchy of org units: Ministry -> provinces -> (districts, before 2025) -> communes -> schools.

Each unit has validity dates. ``path`` is the materialized path of the unit in the *current*
tree (or in the tree of its last day, for a dissolved unit): fixed-width segments so that a
subtree is one indexed prefix range on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


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
        "mã định danh", max_length=40, unique=True,
        help_text="Unique across eras, e.g. 'p2025-01', 'c2025-00004', 'd1979-271', 's-01-00042'.",
    )
    code = models.CharField("mã hành chính", max_length=20, blank=True, db_index=True)
    kind = models.CharField("cấp", max_length=10, choices=Kind.choices, db_index=True)
    name = models.CharField("tên", max_length=255)
    unit_type = models.CharField(
        "loại", max_length=40, blank=True, help_text="Tỉnh, Thành phố, Xã, Phường, Đặc khu, Huyện…"
    )
    name_folded = models.CharField(
        "tên không dấu", max_length=255, db_index=True, editable=False,
        help_text="lower case, no diacritics: the search key ('tu ky' finds 'Tứ Kỳ').",
    )
    office_name = models.CharField(
        "cơ quan giáo dục", max_length=255, blank=True,
        help_text="Sở GDĐT (province), Phòng GDĐT (district), Phòng Văn hóa - Xã hội (commune).",
    )
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField("đường dẫn", max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField("độ sâu")
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField(
        "hết hiệu lực từ", null=True, blank=True, help_text="exclusive: the first day it no longer exists"
    )
    school_level = models.CharField(
        "cấp học", max_length=10, choices=SchoolLevel.choices, blank=True
    )
    ownership = models.CharField("loại hình", max_length=10, choices=Ownership.choices, blank=True)
    is_synthetic = models.BooleanField(
        "dữ liệu tổng hợp", default=False,
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
    def is_current(self) -> bool:
        return self.valid_to is None
