from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEvent(models.Model):
    """One change to one object. Append-only: nothing updates or deletes these rows."""

    occurred_at = models.DateTimeField("lúc", auto_now_add=True, db_index=True)  # stored in UTC
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("người thực hiện (lúc đó)", max_length=150)
    action = models.CharField("thao tác", max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("đối tượng", max_length=255)
    unit_id = models.BigIntegerField(
        "đơn vị",
        null=True,
        blank=True,
        db_index=True,
        help_text="the org unit the object belongs to: scopes who may read this row",
    )
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    source = models.CharField("nguồn", max_length=20)
    ip = models.GenericIPAddressField("địa chỉ", null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    @property
    def action_label(self) -> str:
        from namhoc.core.audit import action_label

        return action_label(self.action)
