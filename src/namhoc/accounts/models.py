from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships in org units."""

    full_name = models.CharField("họ và tên", max_length=200, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class Role(models.TextChoices):
    VIEWER = "viewer", "Xem"
    SPECIALIST = "specialist", "Chuyên viên"
    APPROVER = "approver", "Phê duyệt"
    UNIT_ADMIN = "unit_admin", "Quản trị đơn vị"


class Membership(models.Model):
    """A user holds a role in an org unit; the role reaches the unit's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vai trò tại đơn vị"
        verbose_name_plural = "vai trò tại đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
