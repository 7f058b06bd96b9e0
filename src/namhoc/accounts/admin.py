from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import HttpRequest

from namhoc.accounts.models import Membership, User
from namhoc.core.admin import AuditedModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ("unit", "role", "created_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # memberships are granted on their own admin page, where it is audited


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("namhoc", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    inlines = (MembershipInline,)
    audit_unit_field = None
    audit_exclude = frozenset({"password", "last_login"})

    def audit_unit_id(self, obj: models.Model) -> int | None:
        return (
            Membership.objects.filter(user_id=obj.pk)
            .order_by("id")
            .values_list("unit_id", flat=True)
            .first()
        )


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ("user", "unit", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name")
    raw_id_fields = ("user", "unit")
    list_select_related = ("user", "unit")
