"""Admin: the catalogue is editable (every change audited); figures, roll-ups and approvals are
read-only here.

Figures change only through the services (page, API, Excel import), which check roles,
approval locks, rules and versions and move the roll-ups; the admin is no back door around them.
"""

from __future__ import annotations

from django.contrib import admin

from namhoc.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin
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


class CatalogueAdmin(AuditedModelAdmin):
    audit_unit_field = None  # the catalogue belongs to no unit: rows are filed under none


@admin.register(DataElement)
class DataElementAdmin(CatalogueAdmin):
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
class DataSetAdmin(CatalogueAdmin):
    list_display = ["code", "name", "unit_kind"]
    inlines = [DataSetElementInline, ValidationRuleInline]


@admin.register(Indicator)
class IndicatorAdmin(CatalogueAdmin):
    list_display = ["code", "name", "numerator", "denominator", "factor", "unit_label"]
    search_fields = ["code", "name"]


@admin.register(Period)
class PeriodAdmin(CatalogueAdmin):
    list_display = ["code", "name", "as_of", "due"]


ReadOnlyAdmin = ReadOnlyModelAdmin


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
