"""Admin helpers shared by every app: changes made through /admin/ are audited like any other."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from namhoc.core.audit import audit_record, diff, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes an audit row (old -> new) for every add, change and delete.

    Django's admin already runs each change in one transaction, so the audit row commits or rolls
    back with the change. Subclasses set ``audit_unit_field`` (the attribute holding the object's
    org unit, ``None`` when there is none) and may list fields never to record in
    ``audit_exclude`` (secrets, hashes).
    """

    audit_unit_field: str | None = "unit"
    audit_exclude: frozenset[str] = frozenset({"password"})

    def audit_fields(self, obj: models.Model) -> list[str]:
        return [
            field.name
            for field in obj._meta.concrete_fields
            if field.name not in self.audit_exclude and not field.primary_key
        ]

    def audit_unit_id(self, obj: models.Model) -> int | None:
        if self.audit_unit_field is None:
            return None
        value = getattr(obj, f"{self.audit_unit_field}_id", None)
        return value if isinstance(value, int) else None

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        fields = self.audit_fields(obj)
        before: dict[str, Any] = {}
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            if old is not None:
                before = snapshot(old, fields)
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, fields))
        if change and not changes:
            return
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            target=obj,
            changes=changes,
            unit_id=self.audit_unit_id(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.delete",
            target=obj,
            changes=diff(snapshot(obj, self.audit_fields(obj)), {}),
            unit_id=self.audit_unit_id(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
