"""What operations remember in the database: the backups taken (``namhoc check-prod`` and
``/metrics`` read the newest)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

BACKUP_PATH_MAX = 1000
BACKUP_ERROR_MAX = 1000


class BackupRecord(models.Model):
    """One run of ``namhoc backup``: where the archive went, how big, its checksum; or why it
    failed. Written after the archive is complete (so the archive never holds its own record)."""

    started_at = models.DateTimeField("bắt đầu lúc")
    finished_at = models.DateTimeField("xong lúc", db_index=True)
    ok = models.BooleanField("thành công")
    path = models.CharField("tệp sao lưu", max_length=BACKUP_PATH_MAX, blank=True)
    size = models.BigIntegerField("dung lượng (byte)", default=0)
    sha256 = models.CharField("SHA-256 của tệp", max_length=64, blank=True)
    vendor = models.CharField("cơ sở dữ liệu", max_length=20)
    files = models.PositiveIntegerField("số tệp đính kèm", default=0)
    error = models.CharField("lỗi", max_length=BACKUP_ERROR_MAX, blank=True)

    class Meta:
        verbose_name = "lần sao lưu"
        verbose_name_plural = "lần sao lưu"
        ordering = ["-finished_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=0), name="backup_size_not_negative"),
        ]

    def __str__(self) -> str:
        state = "ok" if self.ok else "lỗi"
        return f"{self.finished_at:%Y-%m-%d %H:%M} {state} {self.path}"
