"""Abstract bases shared by every app. No domain models here."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True
