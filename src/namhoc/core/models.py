"""Abstract bases shared by every app, and the audit log. No domain models here."""

from django.db import models

from namhoc.core.models_audit import AuditEvent

__all__ = ["AuditEvent", "TimeStampedModel"]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True
