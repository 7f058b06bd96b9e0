"""Admin helpers shared by every app: changes made through /admin/ are audited like any other.

Every model registered in the admin uses :class:`AuditedModelAdmin` (or lets nobody add, change
or delete there: :class:`ReadOnlyModelAdmin`); a test walks the admin site and fails on any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from namhoc.core.audit import audit_record, diff, snapshot


def _fields(obj: models.Model, exclude: frozenset[str]) -> list[str]:
    return [
        field.name
        for field in obj._meta.concrete_fields
        if field.name not in exclude and not field.primary_key
    ]


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes an audit row (old -> new) for every change made through it:
    add, change (list-editable rows too), delete, bulk delete, many-to-many fields (a group's
    permissions, a user's groups) and the rows of its inlines.

    Django's admin runs each add/change/delete view in one transaction, so the audit rows commit
    or roll back with the change; bulk deletes are wrapped here. Subclasses set
    ``audit_unit_field`` (the attribute holding the object's org unit, ``None`` when there is
    none) and may list fields never to record in ``audit_exclude`` (secrets, hashes).
    """

    audit_unit_field: str | None = "unit"
    audit_exclude: frozenset[str] = frozenset({"password"})

    def audit_fields(self, obj: models.Model) -> list[str]:
        return _fields(obj, self.audit_exclude)

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

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool
    ) -> None:
        obj = form.instance
        m2m = [
            field.name
            for field in obj._meta.many_to_many
            if field.name in form.fields and field.name not in self.audit_exclude
        ]
        before = {name: self._m2m_ids(obj, name) for name in m2m} if change else {}
        inline_before = [self._formset_before(formset) for formset in formsets]
        super().save_related(request, form, formsets, change)
        after = {name: self._m2m_ids(obj, name) for name in m2m}
        changes = diff(before, after) if change else {k: [None, v] for k, v in after.items() if v}
        if changes:
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.update",
                target=obj,
                changes=changes,
                unit_id=self.audit_unit_id(obj),
            )
        for formset, old in zip(formsets, inline_before, strict=True):
            self._audit_formset(request, obj, formset, old)

    @staticmethod
    def _m2m_ids(obj: models.Model, name: str) -> list[Any]:
        if obj.pk is None:
            return []
        return sorted(getattr(obj, name).values_list("pk", flat=True))

    def _formset_before(self, formset: BaseFormSet) -> dict[Any, dict[str, Any]]:
        """What the inline rows were before the save, by primary key (one query); also each
        form's instance (by identity) to its key, which a deleted row no longer carries."""
        model = formset.model  # type: ignore[attr-defined]
        forms = [f for f in formset.forms if f.instance.pk is not None]
        if not forms:
            return {}
        fields = _fields(model(), self.audit_exclude)
        rows = model._default_manager.filter(pk__in=[f.instance.pk for f in forms])
        before: dict[Any, dict[str, Any]] = {row.pk: snapshot(row, fields) for row in rows}
        before.update({("instance", id(f.instance)): f.instance.pk for f in forms})
        return before

    def _audit_formset(
        self,
        request: HttpRequest,
        parent: models.Model,
        formset: BaseFormSet,
        before: dict[Any, dict[str, Any]],
    ) -> None:
        unit_id = self.audit_unit_id(parent)
        note = f"{parent._meta.model_name} {parent.pk}"
        for obj in getattr(formset, "new_objects", []):
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.create",
                target=obj,
                changes=diff({}, snapshot(obj, _fields(obj, self.audit_exclude))),
                unit_id=unit_id,
                note=note,
            )
        for obj, _changed in getattr(formset, "changed_objects", []):
            changes = diff(before.get(obj.pk, {}), snapshot(obj, _fields(obj, self.audit_exclude)))
            if changes:
                audit_record(
                    actor=request.user,
                    action=f"{obj._meta.model_name}.update",
                    target=obj,
                    changes=changes,
                    unit_id=unit_id,
                    note=note,
                )
        for obj in getattr(formset, "deleted_objects", []):
            if obj.pk is None:  # Django clears the key of a deleted row
                obj.pk = before.get(("instance", id(obj)))
            old = before.get(obj.pk) or snapshot(obj, _fields(obj, self.audit_exclude))
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.delete",
                target=obj,
                changes=diff(old, {}),
                unit_id=unit_id,
                note=note,
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
        # The changelist's "delete selected" action runs outside the admin's view transaction.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown in the admin, changed only through the services (no add, change or delete here)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
