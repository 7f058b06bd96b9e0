from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

from namhoc.accounts.models import Membership, User
from namhoc.core.admin import AuditedModelAdmin
from namhoc.core.audit import audit_record


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

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """The admin's own password page saves the form itself (not through ``save_model``):
        audited here, without the hash."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                audit_record(
                    actor=request.user,
                    action="user.set_password",
                    target=user,
                    changes={"password": ["***", "***"]},
                    unit_id=self.audit_unit_id(user),
                )
        return response


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ("user", "unit", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name")
    raw_id_fields = ("user", "unit")
    list_select_related = ("user", "unit")


# Django registers Group with its own (unaudited) admin: the same page, audited.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, BaseGroupAdmin):
    audit_unit_field = None
