"""Admin lists of notifications: read-only (changes go through the pages, which audit them)."""

from __future__ import annotations

from django.contrib import admin

from namhoc.core.admin import ReadOnlyModelAdmin
from namhoc.notifications.models import Delivery, ScheduledRun


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyModelAdmin):
    list_display = ("key", "channel", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "channel")
    search_fields = ("key", "last_error")
    exclude = ("payload",)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyModelAdmin):
    list_display = ("job", "last_slot", "started_at", "finished_at", "ok", "summary")
