from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

EVENT_KEY_MAX = 160
EVENT_KIND_MAX = 40


class Event(models.Model):
    """Something happened that people may need to hear about: the transactional outbox.

    Written by :func:`namhoc.core.events.emit` inside the transaction of the change it reports,
    so an event exists exactly when its change was committed. ``key`` makes it idempotent
    (``assignment.created:<id>``, ``deadline.3d:<assignment id>:<date>``): a second emit with the
    same key is ignored, whoever sends it and however often. A higher layer (notifications)
    turns unprocessed events into notices and sets ``processed_at``.
    """

    kind = models.CharField("loại", max_length=EVENT_KIND_MAX)
    key = models.CharField("khóa chống trùng", max_length=EVENT_KEY_MAX, unique=True)
    unit_id = models.BigIntegerField(
        "đơn vị",
        null=True,
        blank=True,
        help_text="the org unit the event concerns (whose people hear of it); null: nationwide",
    )
    object_type = models.CharField("loại đối tượng", max_length=60, blank=True)  # app.model
    object_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField("chi tiết", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người gây ra",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("lúc", default=timezone.now)
    processed_at = models.DateTimeField("đã xử lý lúc", null=True, blank=True)

    class Meta:
        verbose_name = "sự kiện"
        verbose_name_plural = "sự kiện"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(processed_at__isnull=True), name="event_pending_idx"
            ),
            models.Index(fields=["object_type", "object_id"], name="event_object_idx"),
        ]

    def __str__(self) -> str:
        return self.key
