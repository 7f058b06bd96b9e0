"""Admin: units and their events are read-only here. Structural changes go through the services
(history, audit, successions), and the roll-ups rely on that (ADR 0005)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from namhoc.core.admin import ReadOnlyModelAdmin
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitSuccession


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "key", "kind", "school_level", "valid_from", "valid_to", "is_synthetic")
    list_filter = ("kind", "school_level", "is_synthetic")
    search_fields = ("key", "code", "name", "name_folded")
    list_select_related = ("parent",)
    ordering = ("path",)
    show_full_result_count = False


class SuccessionInline(admin.TabularInline):
    model = OrgUnitSuccession
    raw_id_fields = ("predecessor", "successor")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrgUnitEvent)
class OrgUnitEventAdmin(ReadOnlyModelAdmin):
    list_display = ("date", "kind", "title", "legal_basis")
    list_filter = ("kind", "date")
    search_fields = ("key", "title")
    inlines = (SuccessionInline,)
