from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships in org units."""

    full_name = models.CharField("họ và tên", max_length=200, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            # "Lan" and "lan" are one person signing in: the check in user_create is backed here,
            # so two creations at the same moment cannot both pass it.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

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


class SignInFailure(models.Model):
    """One failed sign-in. Counted per account and per address to throttle guessing.

    Rows for unknown user names are kept the same way as for real ones, so that the answer does
    not tell whether an account exists. Old rows are useless after the window and may be pruned.
    """

    username = models.CharField("tên đăng nhập (chuẩn hóa)", max_length=150)
    ip = models.GenericIPAddressField("địa chỉ", null=True, blank=True)
    occurred_at = models.DateTimeField("lúc", db_index=True)

    class Meta:
        verbose_name = "lần đăng nhập sai"
        verbose_name_plural = "lần đăng nhập sai"
        indexes = [
            models.Index(fields=["username", "occurred_at"], name="signin_fail_user_idx"),
            models.Index(fields=["ip", "occurred_at"], name="signin_fail_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.occurred_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A session a user signed in with, so that disabling the user can end all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField("bắt đầu", auto_now_add=True)

    class Meta:
        verbose_name = "phiên đăng nhập"
        verbose_name_plural = "phiên đăng nhập"

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
