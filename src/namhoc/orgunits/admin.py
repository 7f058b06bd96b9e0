from django.contrib import admin

from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitSuccession


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    """Read-only: structural changes go through the services (history, audit)."""

    list_display = ("name", "key", "kind", "school_level", "valid_from", "valid_to", "is_synthetic")
    list_filter = ("kind", "school_level", "is_synthetic")
    search_fields = ("key", "code", "name", "name_folded")
    list_select_related = ("parent",)
    ordering = ("path",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuccessionInline(admin.TabularInline):
    model = OrgUnitSuccession
    raw_id_fields = ("predecessor", "successor")
    extra = 0
    can_delete = False


@admin.register(OrgUnitEvent)
class OrgUnitEventAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "title", "legal_basis")
    list_filter = ("kind", "date")
    search_fields = ("key", "title")
    inlines = (SuccessionInline,)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
