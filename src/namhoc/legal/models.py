"""The registry of the legal documents directives cite (ADR 0012).

One :class:`LegalDocument` per document, found by its number the way the reader writes citations
(``namhoc.ingest.citations.number_key``: spacing and "&" ignored), with what the registry knows
for a fact about it — type, issuer, dates, title, whether it is still in force or which document
replaced it — and the public page that says so (``source_url``). Rows come from the curated CSV
the project keeps (``data/registry.csv``, ``namhoc legal load``) or from a person allowed to edit
the registry; both go through ``legal.services`` and are audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# Caps of the texts people type (issue 9): forms, schemas and use cases read them through
# ``core.parsing.text_cap``.
NUMBER_MAX = 80  # as Citation.number
TITLE_MAX = 500
NOTE_MAX = 1_000
URL_MAX = 500


class LegalDocument(models.Model):
    class DocType(models.TextChoices):
        LAW = "law", "Luật"
        RESOLUTION = "resolution", "Nghị quyết"
        DECREE = "decree", "Nghị định"
        DECISION = "decision", "Quyết định"
        DIRECTIVE = "directive", "Chỉ thị"
        CIRCULAR = "circular", "Thông tư"
        DISPATCH = "dispatch", "Công văn"
        OTHER = "other", "Văn bản khác"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "Còn hiệu lực"
        AMENDED = "amended", "Còn hiệu lực, đã được sửa đổi, bổ sung"
        REPLACED = "replaced", "Đã bị thay thế"
        EXPIRED = "expired", "Hết hiệu lực"

    number = models.CharField("số, ký hiệu", max_length=NUMBER_MAX)
    number_key = models.CharField(
        "khóa số hiệu",
        max_length=NUMBER_MAX,
        unique=True,
        editable=False,
        help_text="number_key(number): spacing and '&' ignored, as the reader matches citations",
    )
    doc_type = models.CharField("loại văn bản", max_length=12, choices=DocType.choices)
    issuer = models.CharField("cơ quan ban hành", max_length=255)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    effective_on = models.DateField("ngày có hiệu lực", null=True, blank=True)
    title = models.CharField("trích yếu", max_length=TITLE_MAX)
    status = models.CharField(
        "tình trạng hiệu lực", max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="bị thay thế bởi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    amended_by = models.CharField(
        "được sửa đổi, bổ sung bởi", max_length=255, blank=True, help_text="'123/2025/QH15'"
    )
    source_url = models.URLField("nguồn", max_length=URL_MAX)
    note = models.CharField(
        "ghi chú về nguồn", max_length=NOTE_MAX, blank=True, help_text="what the source confirms"
    )
    # Number, title and issuer, lower-cased without diacritics (core.text.fold); never shown.
    search_folded = models.TextField("chỉ mục tìm kiếm", blank=True, default="", editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sửa gần nhất",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "văn bản pháp lý"
        verbose_name_plural = "văn bản pháp lý"
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="replaced") & Q(replaced_by__isnull=False))
                | (~Q(status="replaced") & Q(replaced_by__isnull=True)),
                name="legal_replaced_names_its_successor",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("id")), name="legal_not_replaced_by_itself"
            ),
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(effective_on__gte=F("issued_on")),
                name="legal_effective_not_before_issued",
            ),
            models.CheckConstraint(
                condition=Q(source_url__startswith="https://")
                | Q(source_url__startswith="http://"),
                name="legal_source_is_a_web_address",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_superseded(self) -> bool:
        """Replaced or no longer in force: a directive citing it should say why."""
        return self.status in (self.Status.REPLACED, self.Status.EXPIRED)

    @property
    def label(self) -> str:
        """``Thông tư 09/2024/TT-BGDĐT``."""
        return f"{self.get_doc_type_display()} {self.number}"
