"""Admin: the catalogue is editable; figures, roll-ups and approvals are read-only here.

Figures change only through the services (page, API, Excel import), which check roles,
approval locks, rules and versions and move the roll-ups; the admin is no back door around them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from namhoc.indicators.models import (
    Aggregate,
    Approval,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    Period,
    Target,
    ValidationRule,
)


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value_type", "aggregation", "unit_label"]
    search_fields = ["code", "name"]


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 0
    autocomplete_fields = ["element"]


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit_kind"]
    inlines = [DataSetElementInline, ValidationRuleInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "numerator", "denominator", "factor", "unit_label"]
    search_fields = ["code", "name"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "as_of", "due"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    list_display = ["unit", "element", "period", "value", "version", "updated_at"]
    list_select_related = ["unit", "element", "period"]
    list_filter = ["period"]
    raw_id_fields = ["unit"]


@admin.register(Aggregate)
class AggregateAdmin(ReadOnlyAdmin):
    list_display = ["unit", "element", "period", "total", "count"]
    list_select_related = ["unit", "element", "period"]
    list_filter = ["period"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["unit", "data_set", "period", "approved_by", "approved_at"]
    list_select_related = ["unit", "data_set", "period", "approved_by"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "unit", "school_year", "value", "source"]
    list_select_related = ["indicator", "unit"]
